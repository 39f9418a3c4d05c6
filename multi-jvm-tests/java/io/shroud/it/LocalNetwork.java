package io.shroud.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.cli.LocalAdmission;
import io.shroud.cli.LocalNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A network of real node JVMs on loopback for multi-JVM tests, started from the built
 * {@code shroud.jar} exactly as {@code shroud devnet} starts them (node n on 127.n.0.1).
 * Tests talk to nodes only through their management endpoints. Reusable: start, stop,
 * {@code kill -9}, restart on the same data directory, and each node's log on failure
 * (see {@link NodeLogsOnFailure}).
 */
public final class LocalNetwork implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** JVM options that keep node processes small and failure detection quick on loopback. */
  public static final List<String> TEST_JVM_OPTIONS = List.of(
      "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-Dshroud.cluster.downing-stable-after=3s",
      "-Dpekko.cluster.failure-detector.acceptable-heartbeat-pause=2s",
      "-Dpekko.cluster.failure-detector.heartbeat-interval=500ms");

  private final Path baseDir;
  private final Path networkDir;
  private final Path jar;
  private final List<String> jvm;
  private final List<LocalNode> nodes = new ArrayList<>();
  private final List<LocalNode> clients = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** A network whose data directories and logs live under {@code target/multi-jvm/<name>}. */
  public LocalNetwork(String name, int size) {
    this(name, size, List.of());
  }

  public LocalNetwork(String name, int size, List<String> extraJvmOptions) {
    this(name, size, extraJvmOptions, false);
  }

  /**
   * With {@code authorities}, nodes 1-3 run as the network's authorities (as in devnet) and a
   * consensus takes over path selection about a period after the start; without, no consensus
   * is made and paths come from the verified descriptors, as before a network's first consensus.
   * Only the test of the consensus asks for it: a network's first consensus may list only the
   * relays its authorities had probed by then, which would make the other tests' first minute
   * depend on probe timing.
   */
  public LocalNetwork(String name, int size, List<String> extraJvmOptions, boolean authorities) {
    this.jar = Path.of(System.getProperty("shroud.jar", "target/shroud.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: multi-JVM tests run after `mvn package`");
    }
    this.baseDir = Path.of(System.getProperty("shroud.it.dir", "target/multi-jvm")).resolve(name).toAbsolutePath();
    deleteRecursively(baseDir);
    List<String> jvm = new ArrayList<>(TEST_JVM_OPTIONS);
    jvm.addAll(LocalAdmission.CONSENSUS_JVM_OPTIONS);
    jvm.addAll(extraJvmOptions);
    this.jvm = List.copyOf(jvm);
    // relays of a network of their own, as devnet makes it: Artery over mutual TLS in every test
    this.networkDir = LocalAdmission.network(baseDir, name.replaceAll("[^A-Za-z0-9._-]", "-"));
    for (int i = 1; i <= size; i++) {
      // test files and outputs live beside the nodes' data directories, under baseDir
      List<String> args = new ArrayList<>(LocalNode.rootArgs(List.of(baseDir), List.of(baseDir)));
      args.addAll(LocalNode.seedArgs(size));
      args.addAll(authorities ? LocalAdmission.nodeArgs(networkDir, i) // nodes 1-3: the authorities
          : LocalAdmission.networkArgs(networkDir));
      LocalNode node = new LocalNode(i, jar, baseDir, jvm, args);
      LocalAdmission.admit(networkDir, node.dataDir());
      nodes.add(node);
    }
    // if the test JVM is stopped before @AfterAll runs, its node processes must not outlive it
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "stop-" + name));
  }

  public LocalNode node(int index) {
    return nodes.get(index - 1);
  }

  public List<LocalNode> nodes() {
    return List.copyOf(nodes);
  }

  /**
   * A client process of this network (not started): {@code shroud node --client} on 127.index.0.1
   * with the relays' JVM options, bootstrapping from {@code bootstrap}'s data ports, sharing from
   * and downloading under the base directory. {@code index} must be no relay's (nor another local node's that
   * runs at the same time: their management endpoints would share an address). Killed with the
   * network, and its log is among {@link #logTails}.
   */
  public LocalNode addClient(int index, List<LocalNode> bootstrap) {
    List<String> args = new ArrayList<>(LocalNode.bootstrapArgs(bootstrap));
    args.addAll(LocalAdmission.clientArgs(networkDir));
    args.addAll(LocalNode.rootArgs(List.of(baseDir), List.of(baseDir)));
    LocalNode client = LocalNode.client(index, jar, baseDir, jvm, args);
    clients.add(client);
    return client;
  }

  public Path baseDir() {
    return baseDir;
  }

  /** The network directory ({@code network.conf}, {@code secret/}: trust root and authority keys). */
  public Path networkDir() {
    return networkDir;
  }

  /**
   * Nodes started together after the seed. Six JVMs booting at once on a two-core machine
   * delayed cluster heartbeats by over a second; with {@link #TEST_JVM_OPTIONS}' 2 s acceptable
   * pause the split-brain resolver then downed a joining node before the test began (seen in
   * SwarmIT). Two at a time keeps start-up within what the quick failure detector tolerates.
   */
  static final int START_WAVE = 2;

  /**
   * Starts every node (the seeds one after another as each boots, none waiting to be Up, since
   * the first forms the cluster only once the others answer; then the others
   * {@link #START_WAVE} at a time) and waits until all answer {@code /health/ready}.
   */
  public void startAll(Duration timeout) {
    List<LocalNode> seeds = nodes.subList(0, LocalNode.seedCount(nodes.size()));
    for (LocalNode seed : seeds) {
      seed.start();
      await("seed " + seed.index() + " alive (log " + seed.logFile() + ")")
          .atMost(timeout).pollInterval(Duration.ofMillis(250))
          .failFast("seed " + seed.index() + " exited", () -> !seed.isRunning())
          .until(seed::isAlive);
    }
    seeds.forEach(n -> awaitReady(n, timeout));
    List<LocalNode> rest = nodes.subList(seeds.size(), nodes.size());
    for (int from = 0; from < rest.size(); from += START_WAVE) {
      List<LocalNode> wave = rest.subList(from, Math.min(rest.size(), from + START_WAVE));
      wave.forEach(LocalNode::start);
      wave.forEach(n -> awaitReady(n, timeout));
    }
  }

  public void awaitReady(LocalNode node, Duration timeout) {
    String name = (node.isClient() ? "client " : "node ") + node.index();
    await(name + " ready (log " + node.logFile() + ")")
        .atMost(timeout).pollInterval(Duration.ofMillis(250))
        .failFast(name + " exited", () -> !node.isRunning())
        .until(node::isReady);
  }

  /** GET {@code path} (with the node's token) as JSON; fails the test on a non-200 answer or an unreachable node. */
  public static JsonNode json(LocalNode node, String path) {
    HttpResponse<String> rsp = node.get(path)
        .orElseThrow(() -> new AssertionError("node " + node.index() + " unreachable for " + path));
    if (rsp.statusCode() != 200) {
      throw new AssertionError("node " + node.index() + " " + path + " answered " + rsp.statusCode() + ": " + rsp.body());
    }
    try {
      return JSON.readTree(rsp.body());
    } catch (IOException e) {
      throw new AssertionError("node " + node.index() + " " + path + " is not JSON: " + rsp.body(), e);
    }
  }

  /** The last {@code lines} lines of every node's log, for failure reports. */
  public String logTails(int lines) {
    StringBuilder sb = new StringBuilder();
    List<LocalNode> everyone = new ArrayList<>(nodes);
    everyone.addAll(clients);
    for (LocalNode n : everyone) {
      sb.append("\n===== ").append(n.isClient() ? "client " : "node ").append(n.index()).append(" (")
          .append(n.logFile()).append(") =====\n");
      try {
        List<String> all = Files.exists(n.logFile()) ? Files.readAllLines(n.logFile()) : List.of("(no log)");
        all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> sb.append(l).append('\n'));
      } catch (IOException e) {
        sb.append("(cannot read log: ").append(e.getMessage()).append(")\n");
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    clients.parallelStream().forEach(LocalNode::kill);
    nodes.parallelStream().forEach(LocalNode::kill);
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
