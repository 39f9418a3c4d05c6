package io.shroud.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.shroud.content.FileHashes;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shroud demo}: the mission end to end on this machine. Starts a local network of relays
 * and, once their consensus lists them all, one client (no cluster, no open port: issue 24);
 * shares a generated file (encrypted) on a relay, fetches it anonymously on the client through
 * 3-hop circuits, checks the result, prints what happened, and stops the network.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start a local network, share a file on a relay and fetch it anonymously on a client.")
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--nodes", description = "relays, at least 4 (default ${DEFAULT-VALUE}); one client comes on top",
      defaultValue = "5")
  int nodes;

  @Option(names = "--size-mib", description = "size of the generated file (default ${DEFAULT-VALUE})", defaultValue = "16")
  int sizeMib;

  @Option(names = "--hops", description = "relays per circuit (default ${DEFAULT-VALUE})", defaultValue = "3")
  int hops;

  @Option(names = "--dir", description = "working directory (default: a new one under /tmp)")
  Path dir;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (nodes < 4 || nodes > 50 || sizeMib < 1 || sizeMib > 4096 || hops < 1 || hops > 4) {
      throw new ShroudCommand.UserError("need --nodes 4..50, --size-mib 1..4096, --hops 1..4");
    }
    PrintWriter out = spec.commandLine().getOut();
    Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (!Files.isRegularFile(jar)) {
      throw new ShroudCommand.UserError("demo must run from the shroud jar (bin/shroud demo)");
    }
    Path work = (dir != null ? dir : Files.createTempDirectory("shroud-demo-")).toAbsolutePath();
    Files.createDirectories(work);
    List<LocalNode> network = new CopyOnWriteArrayList<>(); // the stop hook may read it while the client is added
    Thread stopper = new Thread(() -> network.parallelStream().forEach(n -> n.stop(Duration.ofSeconds(20))));
    Runtime.getRuntime().addShutdownHook(stopper);
    try {
      out.printf("1. starting %d relays on 127.1.0.1 … 127.%d.0.1 (logs in %s)%n", nodes, nodes, work);
      out.flush();
      Path networkDir = LocalAdmission.network(work, "demo"); // admitted relays only, as on a real network
      List<String> args = new ArrayList<>(LocalNode.rootArgs(List.of(work), List.of(work)));
      args.addAll(LocalNode.seedArgs(nodes));
      List<String> jvm = new ArrayList<>(List.of("-Xmx384m", LocalNode.SMALL_HOST_GC,
          "-Dshroud.swarm.announce-interval=3s"));
      jvm.addAll(LocalAdmission.CONSENSUS_JVM_OPTIONS);
      for (int i = 1; i <= nodes; i++) {
        List<String> nodeArgs = new ArrayList<>(args);
        nodeArgs.addAll(LocalAdmission.nodeArgs(networkDir, i)); // nodes 1-3: the authorities
        LocalNode node = new LocalNode(i, jar, work, jvm, nodeArgs);
        LocalAdmission.admit(networkDir, node.dataDir());
        network.add(node);
      }
      // the seeds first, started before any is Up: the first forms the cluster once the others answer
      int seeds = LocalNode.seedCount(nodes);
      if (!LocalNode.startSeeds(network.subList(0, seeds), Duration.ofSeconds(120))) {
        throw new ShroudCommand.UserError("the seeds (nodes 1-" + seeds + ") did not start; see their logs in " + work);
      }
      for (LocalNode n : network.subList(0, seeds)) {
        await(n, Duration.ofSeconds(120));
      }
      network.stream().skip(seeds).forEach(LocalNode::start);
      for (LocalNode n : network) {
        await(n, Duration.ofSeconds(120));
      }
      Map<String, String> names = new HashMap<>();
      for (LocalNode n : network) {
        waitUntil(() -> get(n, "/shroud/v1/directory").path("size").asInt() == nodes, Duration.ofSeconds(90),
            "node " + n.index() + " to see every descriptor");
        names.put(get(n, "/shroud/v1/node").path("nodeId").asText(), "node " + n.index());
      }
      // a client builds paths from the consensus only, and a network's first one may be partial
      out.println("   waiting for the authorities (nodes 1-3) to sign a consensus that lists every relay");
      out.flush();
      if (!LocalAdmission.awaitConsensusListingAll(List.copyOf(network), Duration.ofMinutes(4))) {
        throw new ShroudCommand.UserError("the relays' consensus did not list every relay in 4 minutes; see the logs in "
            + work);
      }
      List<String> clientArgs = new ArrayList<>(LocalNode.bootstrapArgs(network.subList(0, seeds)));
      clientArgs.addAll(LocalAdmission.clientArgs(networkDir));
      clientArgs.addAll(LocalNode.rootArgs(List.of(), List.of(work)));
      LocalNode fetcher = LocalNode.client(nodes + 1, jar, work, jvm, clientArgs);
      network.add(fetcher);
      out.printf("   starting a client on %s: no cluster, no data port, bootstrapping from nodes 1-%d%n",
          fetcher.host(), seeds);
      out.flush();
      fetcher.start();
      waitUntil(fetcher::isReady, Duration.ofSeconds(120),
          "the client to fetch and verify the consensus (log " + fetcher.logFile() + ")");
      LocalNode provider = network.get(1);

      Path file = work.resolve("demo-file.bin");
      String sha = FileHashes.writeRandom(file, sizeMib, new SecureRandom());
      out.printf("2. generated %s (%d MiB, SHA-256 %s)%n", file.getFileName(), sizeMib, sha);
      JsonNode share = StatusCommand.ManagementClient.send(provider.managementUrl(), "/shroud/v1/shares", "POST",
          JsonNodeFactory.instance.objectNode().put("path", file.toString()).toString(), provider.token().orElse(null), 201);
      out.printf("3. node %d shares it encrypted; link %s…%n", provider.index(),
          share.path("link").asText().substring(0, 60));
      out.flush();

      Path output = work.resolve("fetched.bin");
      JsonNode started = StatusCommand.ManagementClient.send(fetcher.managementUrl(), "/shroud/v1/downloads", "POST",
          JsonNodeFactory.instance.objectNode().put("link", share.path("link").asText())
              .put("output", output.toString()).put("hops", hops).toString(), fetcher.token().orElse(null), 201);
      String id = started.path("id").asText();
      out.printf("4. the client fetches it through %d-hop circuits (download %s)%n", hops, id);
      out.flush();
      Instant t0 = Instant.now();
      JsonNode view = started;
      JsonNode circuitsSeen = started.path("circuits");
      while (Duration.between(t0, Instant.now()).toMinutes() < 30) {
        view = get(fetcher, "/shroud/v1/downloads/" + id);
        if (view.path("circuits").size() > 0) {
          circuitsSeen = view.path("circuits");
        }
        spec.commandLine().getErr().print("\r   " + FetchCommand.progressLine(view));
        spec.commandLine().getErr().flush();
        String state = view.path("state").asText();
        if (state.equals("COMPLETE") || state.equals("FAILED") || state.equals("CANCELLED")) {
          break;
        }
        Thread.sleep(500);
      }
      spec.commandLine().getErr().println();
      double seconds = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
      if (!view.path("state").asText().equals("COMPLETE")) {
        out.printf("download ended %s: %s%n", view.path("state").asText(), view.path("error").asText());
        return 1;
      }
      out.println("5. circuits used (client → guard → middle → provider):");
      for (JsonNode c : circuitsSeen) {
        List<String> hopsNamed = new ArrayList<>();
        c.path("path").forEach(h -> hopsNamed.add(names.getOrDefault(h.asText(), h.asText().substring(0, 8))));
        out.printf("   circuit %s: client → %s%n", c.path("circuitId").asText(), String.join(" → ", hopsNamed));
      }
      String got = FileHashes.sha256Hex(output);
      out.printf("6. fetched %d bytes in %.1f s (%.2f MB/s, finding providers included)%n",
          Files.size(output), seconds, Files.size(output) / 1e6 / seconds);
      out.printf("   SHA-256 shared  %s%n   SHA-256 fetched %s  %s%n", sha, got, sha.equals(got) ? "MATCH" : "MISMATCH");
      out.println("7. stopping the network");
      out.flush();
      return sha.equals(got) ? 0 : 1;
    } finally {
      network.parallelStream().forEach(n -> n.stop(Duration.ofSeconds(20)));
      try {
        Runtime.getRuntime().removeShutdownHook(stopper);
      } catch (IllegalStateException shuttingDown) {
        // the hook is already running
      }
    }
  }

  private static JsonNode get(LocalNode n, String path) throws InterruptedException {
    return StatusCommand.ManagementClient.get(n.managementUrl(), path, n.token().orElse(null));
  }

  private static void await(LocalNode n, Duration timeout) throws InterruptedException {
    waitUntil(n::isReady, timeout, "node " + n.index() + " to be ready (log " + n.logFile() + ")");
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private static void waitUntil(Check check, Duration timeout, String what) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      try {
        if (check.ok()) {
          return;
        }
      } catch (Exception notYet) {
        // not up yet
      }
      Thread.sleep(250);
    }
    throw new ShroudCommand.UserError("gave up waiting for " + what);
  }
}
