package io.shroud.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shroud devnet --nodes N}: a local network of N node processes on loopback
 * (127.1.0.1, 127.2.0.1, …), the first three as seeds (every node gets the same seed list, so
 * that any node restarted with its own command line rejoins). Prints each management URL once
 * the node is ready and stops them all on Ctrl-C. The nodes are relays of a network of their own,
 * made in {@code <dir>/network} on first use (three authorities, as {@code shroud network init}
 * makes it) and each admitted to it before it starts, so Artery runs over mutual TLS as anywhere.
 * With {@code --clients N}, once every relay is ready and the relays' consensus lists them all,
 * N client processes (no cluster, no data port: {@code shroud node --client}) start on the next
 * loopback addresses, bootstrapping from the first relays.
 */
@Command(name = "devnet", mixinStandardHelpOptions = true,
    description = "Start a local network of node processes on loopback addresses.")
final class DevnetCommand implements Callable<Integer> {

  @Option(names = "--nodes", description = "how many nodes (default ${DEFAULT-VALUE})", defaultValue = "3")
  int nodes;

  @Option(names = "--clients", description = "client processes started beside the relays (default ${DEFAULT-VALUE})",
      defaultValue = "0")
  int clients;

  @Option(names = "--dir", description = "data directories and logs (default ${DEFAULT-VALUE})", defaultValue = "devnet")
  Path dir;

  @Option(names = "--ready-timeout", description = "how long to wait for each node (default ${DEFAULT-VALUE})",
      defaultValue = "PT90S")
  Duration readyTimeout;

  @Option(names = "--share-root", paramLabel = "DIR",
      description = "passed to every node: a directory whose files may be shared; repeatable (default: your home directory)")
  List<Path> shareRoots = List.of();

  @Option(names = "--download-root", paramLabel = "DIR",
      description = "passed to every node: a directory downloads may write under; repeatable (default: your home directory)")
  List<Path> downloadRoots = List.of();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (nodes < 1 || nodes > 50) {
      throw new ShroudCommand.UserError("--nodes must be 1..50, got " + nodes);
    }
    if (clients < 0 || clients > 50) {
      throw new ShroudCommand.UserError("--clients must be 0..50, got " + clients);
    }
    PrintWriter out = spec.commandLine().getOut();
    Path jar = Path.of(DevnetCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (!Files.isRegularFile(jar)) {
      throw new ShroudCommand.UserError("devnet must run from the shroud jar (bin/shroud devnet)");
    }
    Files.createDirectories(dir);
    List<LocalNode> network = new CopyOnWriteArrayList<>(); // the stop hook may read it while clients are added
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      network.parallelStream().forEach(n -> n.stop(Duration.ofSeconds(20)));
      stopped.countDown();
    }, "devnet-stop"));
    // a network of its own (3 authorities) in <dir>/network, and every node admitted to it
    Path networkDir = LocalAdmission.network(dir.toAbsolutePath(), "devnet");
    List<String> args = new ArrayList<>(LocalNode.rootArgs(shareRoots, downloadRoots));
    args.addAll(LocalNode.seedArgs(nodes));
    List<String> jvm = new ArrayList<>(List.of("-Xmx512m", LocalNode.SMALL_HOST_GC));
    jvm.addAll(LocalAdmission.CONSENSUS_JVM_OPTIONS);
    for (int i = 1; i <= nodes; i++) {
      List<String> nodeArgs = new ArrayList<>(args);
      nodeArgs.addAll(LocalAdmission.nodeArgs(networkDir, i)); // nodes 1-3: the authorities
      LocalNode node = new LocalNode(i, jar, dir.toAbsolutePath(), jvm, nodeArgs);
      LocalAdmission.admit(networkDir, node.dataDir());
      network.add(node);
    }
    out.printf("network %s (trust root and authority keys in %s)%n", networkDir.resolve("network.conf"),
        networkDir.resolve("secret"));
    // the seeds start before any is Up: the first forms the cluster once the others answer
    int seeds = LocalNode.seedCount(nodes);
    if (!LocalNode.startSeeds(network.subList(0, seeds), readyTimeout)) {
      out.printf("the seeds (nodes 1-%d) did not all start in %s; see their logs in %s%n", seeds, readyTimeout, dir);
      out.flush();
      return 1;
    }
    for (LocalNode node : network) {
      int i = node.index();
      if (i > seeds) {
        node.start();
      }
      if (!awaitReady(node)) {
        out.printf("node %d did not become ready in %s; see %s%n", i, readyTimeout, node.logFile());
        out.flush();
        return 1;
      }
      out.printf("node %d ready: %s  (log %s)%n", i, node.managementUrl(), node.logFile());
      out.flush();
    }
    if (clients > 0 && !startClients(network, jar, jvm, networkDir, out)) {
      return 1;
    }
    out.printf("%d nodes%s up. Try: bin/shroud status --url %s --data-dir %s%n"
        + "Each log begins with its node's command line: a node restarted with it rejoins the cluster.%n"
        + "Ctrl-C stops them all.%n",
        nodes, clients > 0 ? " and " + clients + " client" + (clients > 1 ? "s" : "") : "",
        network.get(0).managementUrl(), network.get(0).dataDir());
    out.flush();
    stopped.await();
    return 0;
  }

  /** How many of the first relays each client bootstraps from. */
  static final int BOOTSTRAP_RELAYS = 3;

  /**
   * Starts the clients once every relay holds a consensus that lists them all (a network's first
   * consensus may be partial, and a client builds paths from the consensus only), each on the
   * next loopback address after the relays' and bootstrapping from the first relays; prints their
   * management URLs. The clients join {@code network}, so that Ctrl-C stops them too.
   */
  private boolean startClients(List<LocalNode> network, Path jar, List<String> jvm, Path networkDir, PrintWriter out)
      throws InterruptedException {
    List<LocalNode> relays = List.copyOf(network);
    Duration consensusTimeout = readyTimeout.multipliedBy(2).plusMinutes(2);
    out.printf("waiting for a consensus that lists all %d relays before starting clients (up to %s)…%n",
        relays.size(), consensusTimeout);
    out.flush();
    if (!LocalAdmission.awaitConsensusListingAll(relays, consensusTimeout)) {
      out.printf("the relays' consensus did not list every relay in %s; see the relays' logs in %s%n",
          consensusTimeout, dir);
      out.flush();
      return false;
    }
    List<String> args = new ArrayList<>(LocalNode.bootstrapArgs(relays.subList(0, Math.min(BOOTSTRAP_RELAYS, nodes))));
    args.addAll(LocalAdmission.clientArgs(networkDir));
    args.addAll(LocalNode.rootArgs(List.of(), downloadRoots));
    for (int c = 1; c <= clients; c++) {
      LocalNode client = LocalNode.client(nodes + c, jar, dir.toAbsolutePath(), jvm, args);
      network.add(client);
      client.start();
      if (!awaitReady(client)) {
        out.printf("client %d did not become ready in %s; see %s%n", client.index(), readyTimeout, client.logFile());
        out.flush();
        return false;
      }
      out.printf("client %d ready: %s  (log %s)%n", client.index(), client.managementUrl(), client.logFile());
      out.flush();
    }
    return true;
  }

  private boolean awaitReady(LocalNode node) throws InterruptedException {
    Instant deadline = Instant.now().plus(readyTimeout);
    while (Instant.now().isBefore(deadline)) {
      if (!node.isRunning()) {
        return false;
      }
      if (node.isReady()) {
        return true;
      }
      Thread.sleep(250);
    }
    return false;
  }
}
