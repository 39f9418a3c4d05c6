package io.shroud.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests: {@code initdb} into a temporary directory, then
 * {@code postgres} on a free loopback port with trust authentication for user
 * {@code shroud}. PostgreSQL refuses to run as root, so as root the server runs as the
 * {@code postgres} system user (or {@code nobody}) through {@code runuser}. The binaries come
 * from Debian's {@code postgresql} package, which {@code .ci/run} installs; set
 * {@code SHROUD_PG_BIN} to use others.
 */
public final class PostgresServer implements AutoCloseable {
  public static final String USER = "shroud";

  private final Path dir;
  private final int port;
  private final Process process;

  private PostgresServer(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  public static PostgresServer start() throws IOException, InterruptedException {
    Path bin = findBinaries().orElseThrow(() -> new IllegalStateException(
        "PostgreSQL server binaries (initdb, postgres) not found: install Debian's postgresql package "
            + "(.ci/run does) or set SHROUD_PG_BIN"));
    Path dir = Files.createTempDirectory("shroud-pg-");
    List<String> asUser = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      String user = userExists("postgres") ? "postgres" : "nobody";
      run(List.of("chown", user, dir.toString()), dir.resolve("chown.log"));
      asUser.addAll(List.of("runuser", "-u", user, "--"));
    }
    Path data = dir.resolve("data");
    List<String> initdb = new ArrayList<>(asUser);
    initdb.addAll(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER,
        "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"));
    run(initdb, Path.of(System.getProperty("java.io.tmpdir"), "shroud-initdb-" + dir.getFileName() + ".log"));
    int port = freePort();
    List<String> postgres = new ArrayList<>(asUser);
    postgres.addAll(List.of(bin.resolve("postgres").toString(), "-D", data.toString(), "-p", String.valueOf(port),
        "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
        "-c", "synchronous_commit=off", "-c", "full_page_writes=off"));
    Process p = new ProcessBuilder(postgres).redirectErrorStream(true)
        .redirectOutput(dir.resolve("server.log").toFile()).start();
    PostgresServer server = new PostgresServer(dir, port, p);
    server.awaitAcceptingConnections(Duration.ofSeconds(60));
    return server;
  }

  public int port() {
    return port;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  public void createDatabase(String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, "");
         Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
  }

  private void awaitAcceptingConnections(Duration timeout) throws InterruptedException, IOException {
    Instant deadline = Instant.now().plus(timeout);
    SQLException last = null;
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("postgres exited: " + Files.readString(dir.resolve("server.log")));
      }
      try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, "")) {
        return;
      } catch (SQLException e) {
        last = e;
      }
      process.waitFor(200, TimeUnit.MILLISECONDS);
    }
    throw new IllegalStateException("postgres did not accept connections in " + timeout, last);
  }

  /** Fast shutdown (SIGINT), then the directory goes. */
  @Override
  public void close() throws IOException {
    try {
      if (process.isAlive()) {
        new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static Optional<Path> findBinaries() {
    String env = System.getenv("SHROUD_PG_BIN");
    if (env != null && Files.isExecutable(Path.of(env, "initdb"))) {
      return Optional.of(Path.of(env));
    }
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions.map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("postgres")))
          .max(Comparator.comparing(b -> versionOf(b.getParent().getFileName().toString())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int versionOf(String name) {
    try {
      return Integer.parseInt(name);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static boolean userExists(String user) throws IOException, InterruptedException {
    return new ProcessBuilder("id", "-u", user).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
  }

  private static void run(List<String> cmd, Path log) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + Files.readString(log));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
