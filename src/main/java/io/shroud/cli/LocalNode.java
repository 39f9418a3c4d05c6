package io.shroud.cli;

import io.shroud.node.ControlCookie;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One node process of a local network on loopback, as {@code shroud devnet} and the
 * multi-JVM tests run them: node {@code n} (1-based) binds 127.n.0.1, so that address-
 * diversity rules see distinct networks, with the default ports, its own data directory
 * and a log file. The first {@link #SEEDS} nodes are the network's seeds, and every node gets
 * the same {@link #seedArgs seed list}, so that any node restarted with its own command line
 * rejoins the running cluster (docs/design.md, "Forming the cluster").
 *
 * <p>A {@linkplain #client client} (issue 24) is a node outside the cluster: it binds only its
 * management endpoint, on 127.n.0.1 like a relay (give it an index no relay of the network has),
 * keeps its data in {@code client-<index>/} and logs to {@code client-<index>.log}, and dials the
 * {@linkplain #bootstrapArgs bootstrap relays'} data ports; it needs no certificate.
 */
public final class LocalNode {
  public static final int CLUSTER_PORT = 25520;
  public static final int DATA_PORT = 7400;
  public static final int MANAGEMENT_PORT = 8558;
  /**
   * Collector for the node JVMs of a local network (devnet, demo): several JVMs share a few
   * cores, and the parallel collector's cheaper write barriers and lack of concurrent GC threads
   * gave ~10 % more throughput than G1 on the 2-core benchmark machine (docs/deployment.md).
   */
  public static final String SMALL_HOST_GC = "-XX:+UseParallelGC";
  /** How many of a local network's first nodes are its seeds (fewer if the network is smaller). */
  public static final int SEEDS = 3;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final int index;
  private final boolean client;
  private final Path jar;
  private final Path dataDir;
  private final Path logFile;
  private final List<String> jvmOptions;
  private final List<String> extraArgs;
  private Process process;
  private int starts;

  /**
   * @param index 1-based node number; also the second octet of its address
   * @param jar the shaded {@code shroud.jar}
   * @param baseDir where {@code node-<index>/} (data) and {@code node-<index>.log} go
   * @param extraArgs more {@code shroud node} arguments, the {@link #seedArgs seeds} among them
   */
  public LocalNode(int index, Path jar, Path baseDir, List<String> jvmOptions, List<String> extraArgs) {
    this(index, false, jar, baseDir, jvmOptions, extraArgs);
  }

  private LocalNode(int index, boolean client, Path jar, Path baseDir, List<String> jvmOptions,
      List<String> extraArgs) {
    if (index < 1 || index > 254) {
      throw new IllegalArgumentException("node index must be 1..254, got " + index);
    }
    this.index = index;
    this.client = client;
    this.jar = jar;
    String name = (client ? "client-" : "node-") + index;
    this.dataDir = baseDir.resolve(name);
    this.logFile = baseDir.resolve(name + ".log");
    this.jvmOptions = List.copyOf(jvmOptions);
    this.extraArgs = List.copyOf(extraArgs);
  }

  /**
   * A client process ({@code shroud node --client}): management endpoint on 127.index.0.1, data in
   * {@code baseDir/client-<index>}, log {@code baseDir/client-<index>.log}.
   *
   * @param index 1-based, and not the index of a relay of the same network (their management
   *     endpoints would share an address)
   * @param extraArgs more {@code shroud node} arguments: {@link #bootstrapArgs}, {@code --network}
   *     ({@link LocalAdmission#clientArgs}), {@code --download-root}
   */
  public static LocalNode client(int index, Path jar, Path baseDir, List<String> jvmOptions, List<String> extraArgs) {
    return new LocalNode(index, true, jar, baseDir, jvmOptions, extraArgs);
  }

  /**
   * The {@code --bootstrap} arguments naming {@code relays}' data-plane addresses, in order;
   * clients only.
   */
  public static List<String> bootstrapArgs(List<LocalNode> relays) {
    List<String> args = new ArrayList<>();
    for (LocalNode relay : relays) {
      if (relay.isClient()) {
        throw new IllegalArgumentException("a client is no bootstrap relay: client " + relay.index());
      }
      args.addAll(List.of("--bootstrap", relay.dataAddress()));
    }
    return args;
  }

  /** {@code shroud node} arguments naming {@code shareRoots} and {@code downloadRoots}, absolute. */
  public static List<String> rootArgs(List<Path> shareRoots, List<Path> downloadRoots) {
    List<String> args = new ArrayList<>();
    shareRoots.forEach(r -> args.addAll(List.of("--share-root", r.toAbsolutePath().normalize().toString())));
    downloadRoots.forEach(r -> args.addAll(List.of("--download-root", r.toAbsolutePath().normalize().toString())));
    return args;
  }

  /** How many seeds a local network of {@code networkSize} nodes has: its first ones. */
  public static int seedCount(int networkSize) {
    return Math.min(SEEDS, networkSize);
  }

  /**
   * The {@code --seed} arguments every node of a local network of {@code networkSize} nodes gets:
   * the same seeds in the same order, node 1 first. Node 1 alone (a network of one) forms its
   * cluster at once; with more, node 1 forms it once the other seeds answer, and every other
   * node only joins.
   */
  public static List<String> seedArgs(int networkSize) {
    List<String> args = new ArrayList<>();
    for (int i = 1; i <= seedCount(networkSize); i++) {
      args.addAll(List.of("--seed", host(i) + ":" + CLUSTER_PORT));
    }
    return args;
  }

  public int index() {
    return index;
  }

  /** True for a {@linkplain #client client} process, false for a relay. */
  public boolean isClient() {
    return client;
  }

  /** "relay n" or "client n", for messages. */
  public String name() {
    return (client ? "client " : "relay ") + index;
  }

  public static String host(int index) {
    return "127." + index + ".0.1";
  }

  public String host() {
    return host(index);
  }

  public String managementUrl() {
    return "http://" + host() + ":" + MANAGEMENT_PORT;
  }

  public String clusterAddress() {
    return host() + ":" + CLUSTER_PORT;
  }

  /** The relay's data-plane address, {@code host:7400}: what a client's {@code --bootstrap} names. */
  public String dataAddress() {
    return host() + ":" + DATA_PORT;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path logFile() {
    return logFile;
  }

  /** Starts the process (again, on the same data directory, if it ran before). */
  public synchronized void start() {
    start(List.of());
  }

  /** Starts the process with {@code extraJvmOptions} added for this run only (e.g. a test switch). */
  public synchronized void start(List<String> extraJvmOptions) {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name() + " is already running");
    }
    List<String> cmd = commandLine(extraJvmOptions);
    try {
      Files.createDirectories(logFile.getParent());
      String banner = "==== start " + (++starts) + ": " + String.join(" ", cmd) + System.lineSeparator();
      Files.writeString(logFile, banner, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      process = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name(), e);
    }
  }

  /** The command line this node runs with: the same at every start (ports, seeds, data directory). */
  public List<String> commandLine() {
    return commandLine(List.of());
  }

  private List<String> commandLine(List<String> extraJvmOptions) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.addAll(extraJvmOptions);
    cmd.addAll(List.of("-jar", jar.toString(), "node"));
    if (client) {
      // no --host, cluster or data port: a client binds its management endpoint only
      cmd.addAll(List.of("--client", "--data-dir", dataDir.toString()));
    } else {
      cmd.addAll(List.of("--host", host(),
          "--data-dir", dataDir.toString(),
          "--cluster-port", String.valueOf(CLUSTER_PORT),
          "--data-port", String.valueOf(DATA_PORT)));
    }
    cmd.addAll(List.of("--management-host", host(), "--management-port", String.valueOf(MANAGEMENT_PORT)));
    cmd.addAll(extraArgs);
    return List.copyOf(cmd);
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  public synchronized Optional<Long> pid() {
    return process == null ? Optional.empty() : Optional.of(process.pid());
  }

  /** SIGTERM: the node leaves the cluster gracefully. Waits up to {@code timeout}. */
  public void stop(Duration timeout) {
    Process p = current();
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  /** SIGKILL ({@code kill -9}): no goodbye, no flush. Waits until the process is gone. */
  public void kill() {
    Process p = current();
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    try {
      p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The token this node's management routes need, from the cookie file it writes into its data
   * directory at every start; empty before its first start.
   */
  public Optional<String> token() {
    return ControlCookie.read(dataDir);
  }

  /**
   * A request to {@code path} on the management endpoint carrying the node's token, and
   * {@code Content-Type: application/json} with a body.
   */
  public HttpRequest.Builder request(String method, String path, String jsonBody) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(managementUrl() + path)).timeout(Duration.ofSeconds(60))
        .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
    if (jsonBody != null || !method.equals("GET")) {
      b.header("Content-Type", "application/json");
    }
    token().ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return b;
  }

  /** GET {@code path} on the management endpoint (with the token): status and body, or empty if unreachable. */
  public Optional<HttpResponse<String>> get(String path) {
    try {
      return Optional.of(HTTP.send(request("GET", path, null).build(), HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * True once {@code /health/alive} answers 200: the process has booted and serves its
   * management endpoint, member of a cluster or not yet.
   */
  public boolean isAlive() {
    return get("/health/alive").map(r -> r.statusCode() == 200).orElse(false);
  }

  /**
   * Starts a local network's seeds one after another, each once the one before is
   * {@linkplain #isAlive alive} (so that their JVMs do not boot all at once on a small machine),
   * without waiting for them to be Up: the first seed forms the cluster only once all the others
   * answer. False if a seed exits or is not alive within {@code timeout}.
   */
  public static boolean startSeeds(List<LocalNode> seeds, Duration timeout) throws InterruptedException {
    for (LocalNode seed : seeds) {
      seed.start();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!seed.isAlive()) {
        if (!seed.isRunning() || System.nanoTime() > deadline) {
          return false;
        }
        Thread.sleep(250);
      }
    }
    return true;
  }

  /** True once {@code /health/ready} answers 200. */
  public boolean isReady() {
    return get("/health/ready").map(r -> r.statusCode() == 200).orElse(false);
  }

  private synchronized Process current() {
    return process;
  }
}
