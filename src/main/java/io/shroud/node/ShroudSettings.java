package io.shroud.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.shroud.identity.DataAddress;
import io.shroud.identity.DescriptorVerifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The validated {@code shroud { … }} settings of one node. {@link #from(Config)} checks
 * every value and throws {@link SettingsException} naming the first bad one.
 */
public record ShroudSettings(
    Path dataDir,
    String host,
    int clusterPort,
    int dataPort,
    List<HostPort> seedNodes,
    String managementHost,
    int managementPort,
    String managementToken,
    List<Path> shareRoots,
    List<Path> downloadRoots,
    JournalKind journal,
    Duration onionRotationPeriod,
    Duration descriptorValidity,
    Duration clockSkew,
    long advertisedBandwidth) {

  /** Where the event journal lives. */
  public enum JournalKind {
    H2,
    POSTGRES
  }

  /** A {@code host:port} pair. */
  public record HostPort(String host, int port) {
    /** Parses {@code host:port}; {@code setting} names the setting in the error. */
    public static HostPort parse(String value, String setting) {
      int colon = value.lastIndexOf(':');
      if (colon <= 0 || colon == value.length() - 1) {
        throw new SettingsException(setting, "expected host:port, got \"" + value + "\"");
      }
      String host = value.substring(0, colon);
      int port;
      try {
        port = Integer.parseInt(value.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new SettingsException(setting, "port is not a number in \"" + value + "\"");
      }
      checkPort(setting, port);
      return new HostPort(host, port);
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  public static ShroudSettings from(Config config) {
    Config s = config.getConfig("shroud");
    String host = string(s, "host", "shroud.host");
    if (host.isBlank()) {
      throw new SettingsException("shroud.host", "must not be empty");
    }
    if (!DataAddress.isLiteralHost(host)) {
      // the descriptor publishes host:data-port, and peers dial it without a DNS lookup
      throw new SettingsException("shroud.host", "must be an IP address or localhost, got \"" + host + "\"");
    }
    List<HostPort> seeds;
    try {
      seeds = s.getStringList("seed-nodes").stream()
          .map(v -> HostPort.parse(v, "shroud.seed-nodes"))
          .toList();
    } catch (ConfigException e) {
      throw new SettingsException("shroud.seed-nodes", "must be a list of \"host:port\" strings");
    }
    checkSeeds(seeds);
    String journal = string(s, "journal.kind", "shroud.journal.kind");
    JournalKind kind;
    try {
      kind = JournalKind.valueOf(journal.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new SettingsException("shroud.journal.kind",
          "must be \"h2\" or \"postgres\", got \"" + journal + "\"");
    }
    Duration rotation = duration(s, "keys.onion-rotation-period", "shroud.keys.onion-rotation-period");
    if (rotation.compareTo(Duration.ofSeconds(10)) < 0) {
      throw new SettingsException("shroud.keys.onion-rotation-period",
          "must be at least 10s, got " + rotation);
    }
    Duration validity = duration(s, "directory.descriptor-validity", "shroud.directory.descriptor-validity");
    if (validity.compareTo(Duration.ofMinutes(1)) < 0 || validity.compareTo(DescriptorVerifier.MAX_VALIDITY) > 0) {
      throw new SettingsException("shroud.directory.descriptor-validity",
          "must be between 1m and " + DescriptorVerifier.MAX_VALIDITY + ", got " + validity);
    }
    return new ShroudSettings(
        Path.of(string(s, "data-dir", "shroud.data-dir")).toAbsolutePath(),
        host,
        port(s, "cluster-port", "shroud.cluster-port"),
        port(s, "data-port", "shroud.data-port"),
        seeds,
        string(s, "management.host", "shroud.management.host"),
        port(s, "management.port", "shroud.management.port"),
        string(s, "management.token", "shroud.management.token"),
        roots(s, "management.share-roots", "shroud.management.share-roots"),
        roots(s, "management.download-roots", "shroud.management.download-roots"),
        kind,
        rotation,
        validity,
        duration(s, "directory.clock-skew", "shroud.directory.clock-skew"),
        bandwidth(s));
  }

  /** Leaves the management token out. */
  @Override
  public String toString() {
    return "ShroudSettings[dataDir=" + dataDir + ", host=" + host + ", clusterPort=" + clusterPort
        + ", dataPort=" + dataPort + ", seeds=" + seedNodes + ", management=" + managementAddress()
        + ", token=" + (managementToken.isEmpty() ? "cookie" : "***") + ", shareRoots=" + shareRoots
        + ", downloadRoots=" + downloadRoots + ", journal=" + journal + "]";
  }

  /** How this node forms or joins the cluster, from its seed list. */
  public ClusterForming forming() {
    return ClusterForming.of(clusterAddress(), seedNodes);
  }

  /** Whether the management endpoint listens on a loopback address only. */
  public boolean managementOnLoopback() {
    return managementHost.equals("localhost")
        || (DataAddress.isLiteralHost(managementHost) && hostIsLoopback(managementHost));
  }

  private static boolean hostIsLoopback(String literal) {
    try {
      return java.net.InetAddress.getByName(literal).isLoopbackAddress(); // a literal: no DNS lookup
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /**
   * A seed is named exactly as it names itself: Artery drops messages for an address that is
   * not the receiver's own, and {@code shroud.host} is a literal. The order is the network's
   * (the first seed is the one that may form the cluster), so a seed listed twice is a mistake.
   */
  private static void checkSeeds(List<HostPort> seeds) {
    for (HostPort seed : seeds) {
      if (!DataAddress.isLiteralHost(seed.host())) {
        throw new SettingsException("shroud.seed-nodes",
            "a seed's host must be the IP address it sets as its shroud.host, got \"" + seed + "\"");
      }
    }
    if (seeds.stream().distinct().count() != seeds.size()) {
      throw new SettingsException("shroud.seed-nodes", "lists a seed twice: " + seeds);
    }
  }

  public HostPort clusterAddress() {
    return new HostPort(host, clusterPort);
  }

  public HostPort dataAddress() {
    return new HostPort(host, dataPort);
  }

  public HostPort managementAddress() {
    return new HostPort(managementHost, managementPort);
  }

  private static String string(Config s, String path, String setting) {
    try {
      return s.getString(path);
    } catch (ConfigException.Missing e) {
      throw new SettingsException(setting, "is missing");
    } catch (ConfigException e) {
      throw new SettingsException(setting, "must be a string");
    }
  }

  /** A non-empty list of absolute directories, normalised. */
  private static List<Path> roots(Config s, String path, String setting) {
    List<String> values;
    try {
      values = s.getStringList(path);
    } catch (ConfigException.Missing e) {
      throw new SettingsException(setting, "is missing");
    } catch (ConfigException e) {
      throw new SettingsException(setting, "must be a list of absolute directory paths");
    }
    if (values.isEmpty()) {
      throw new SettingsException(setting, "must name at least one directory");
    }
    List<Path> roots = new java.util.ArrayList<>();
    for (String v : values) {
      Path p;
      try {
        p = Path.of(v);
      } catch (java.nio.file.InvalidPathException e) {
        throw new SettingsException(setting, "\"" + v + "\" is not a path");
      }
      if (!p.isAbsolute()) {
        throw new SettingsException(setting, "must be absolute paths, got \"" + v + "\"");
      }
      roots.add(p.normalize());
    }
    return List.copyOf(roots);
  }

  private static int port(Config s, String path, String setting) {
    int port;
    try {
      port = s.getInt(path);
    } catch (ConfigException.Missing e) {
      throw new SettingsException(setting, "is missing");
    } catch (ConfigException e) {
      throw new SettingsException(setting, "must be a port number, got " + s.getValue(path).render());
    }
    checkPort(setting, port);
    return port;
  }

  private static void checkPort(String setting, int port) {
    if (port < 1 || port > 65535) {
      throw new SettingsException(setting, "must be a port number 1-65535, got " + port);
    }
  }

  private static long bandwidth(Config s) {
    try {
      long b = s.getBytes("advertised-bandwidth");
      if (b < 1024 || b > 0xffffffffL * 1024) {
        throw new SettingsException("shroud.advertised-bandwidth", "must be between 1KiB and 4TiB per second, got " + b);
      }
      return b;
    } catch (ConfigException.Missing e) {
      throw new SettingsException("shroud.advertised-bandwidth", "is missing");
    } catch (ConfigException e) {
      throw new SettingsException("shroud.advertised-bandwidth", "must be a size such as 10MiB (per second)");
    }
  }

  private static Duration duration(Config s, String path, String setting) {
    try {
      Duration d = s.getDuration(path);
      if (d.isNegative() || d.isZero()) {
        throw new SettingsException(setting, "must be positive, got " + d);
      }
      return d;
    } catch (ConfigException.Missing e) {
      throw new SettingsException(setting, "is missing");
    } catch (ConfigException e) {
      throw new SettingsException(setting,
          "must be a duration such as 30s, 10m or 7d, got " + s.getValue(path).render());
    }
  }
}
