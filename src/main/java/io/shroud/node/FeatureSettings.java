package io.shroud.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.shroud.admission.ConsensusSettings;
import io.shroud.circuit.CircuitSettings;
import io.shroud.dht.DhtSettings;
import io.shroud.link.LinkSettings;
import io.shroud.store.StoreSettings;
import io.shroud.swarm.transfer.SeedingSettings;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.wire.RekeyPolicy;
import java.time.Duration;

/**
 * Reads the settings of the node's subsystems ({@code shroud.links}, {@code shroud.circuits})
 * from the configuration into the plain records those subsystems take. A bad value is a
 * {@link SettingsException} naming the setting.
 */
public final class FeatureSettings {
  private FeatureSettings() {}

  public static LinkSettings links(Config config) {
    Config l = config.getConfig("shroud.links");
    String p = "shroud.links.";
    return check(p, () -> new LinkSettings(
        duration(l, "handshake-timeout", p), duration(l, "idle-timeout", p), duration(l, "padding-interval", p),
        duration(l, "ping-interval", p),
        new RekeyPolicy(positiveLong(l, "rekey-cells", p), duration(l, "rekey-interval", p)),
        positiveInt(l, "max-links", p), positiveInt(l, "max-queued-cells", p), duration(l, "dial-timeout", p),
        new LinkSettings.Admission(positiveInt(l, "max-pending-handshakes", p),
            positiveInt(l, "max-connections-per-ip", p), positiveInt(l, "max-connections-per-subnet", p),
            nonNegativeInt(l, "outbound-reserve", p)),
        positiveInt(l, "max-inbound-cells", p), duration(l, "abuse-log-interval", p)));
  }

  public static CircuitSettings circuits(Config config) {
    Config c = config.getConfig("shroud.circuits");
    String p = "shroud.circuits.";
    CircuitSettings d = CircuitSettings.defaults();
    return check(p, () -> new CircuitSettings(
        duration(c, "build-timeout", p), nonNegativeInt(c, "build-retries", p), duration(c, "max-age", p),
        duration(c, "idle-timeout", p), duration(c, "relay-idle-timeout", p), d.housekeepingInterval(), d.window(), d.sendmeIncrement(),
        d.streamCredit(), d.maxStreamsPerCircuit(), positiveInt(c, "max-circuits-per-link", p),
        positiveInt(c, "max-relayed-circuits", p), queuedCells(c, "max-queued-bytes", p),
        positiveInt(c, "create-burst", p), positiveDouble(c, "create-per-second", p),
        positiveInt(c, "replay-cache-size", p), duration(c, "replay-window", p), d.viewTimeout()));
  }

  /** {@code shroud.consensus}: how votes become a consensus (defaults: {@link ConsensusSettings#DEFAULT}). */
  public static ConsensusSettings consensus(Config config) {
    Config c = config.getConfig("shroud.consensus");
    String p = "shroud.consensus.";
    return check(p, () -> new ConsensusSettings(bytes(c, "fast-guarantee", p) / 1024,
        nonNegative(c, "stable-min-uptime", p), nonNegative(c, "guard-min-uptime", p),
        positiveInt(c, "max-per-slash24", p), duration(c, "fresh-for", p), duration(c, "valid-for", p)));
  }

  /** {@code shroud.consensus.probe-interval}: an authority probes each relay at most this often. */
  public static Duration probeInterval(Config config) {
    return duration(config.getConfig("shroud.consensus"), "probe-interval", "shroud.consensus.");
  }

  private static Duration nonNegative(Config c, String key, String prefix) {
    try {
      Duration d = c.getDuration(key);
      if (d.isNegative()) {
        throw new SettingsException(prefix + key, "must not be negative, got " + d);
      }
      return d;
    } catch (ConfigException e) {
      throw new SettingsException(prefix + key, "must be a duration such as 0s or 5d");
    }
  }

  public static DhtSettings dht(Config config) {
    Config c = config.getConfig("shroud.dht");
    String p = "shroud.dht.";
    DhtSettings d = DhtSettings.defaults();
    return check(p, () -> new DhtSettings(d.k(), d.alpha(), duration(c, "query-timeout", p),
        duration(c, "ping-timeout", p), duration(c, "refresh-interval", p),
        duration(c, "record-max-lifetime", p), d.republishFraction(), d.snapshotEveryChanges(),
        d.snapshotInterval(), d.maintenanceInterval(), d.persistRoutingTable(),
        positiveInt(c, "queries-burst", p), positiveDouble(c, "queries-per-second", p)));
  }

  /**
   * The JVM system property that alone turns on the TEST ONLY fault switch (every served block
   * corrupted, {@link SwarmSettings#corruptBlocksForTesting()}): the multi-JVM harness sets it on
   * the java command line of the node it wants to misbehave. It is deliberately not a setting: no
   * configuration file, {@code --config} or flag reaches it, so an operator's configuration (or a
   * configuration someone talks an operator into) cannot make a node serve corrupt data. Whoever
   * sets JVM options of the node process controls the process anyway.
   */
  public static final String CORRUPT_SERVED_BLOCKS_PROPERTY = "shroud-test-harness.corrupt-served-blocks";

  public static SwarmSettings swarm(Config config) {
    return swarm(config, System.getProperties());
  }

  /** The swarm settings from {@code config}; the test-only fault switch from {@code jvm} alone. */
  static SwarmSettings swarm(Config config, java.util.Properties jvm) {
    Config c = config.getConfig("shroud.swarm");
    String p = "shroud.swarm.";
    SwarmSettings d = SwarmSettings.defaults();
    long rate = c.getString("upload-rate").equals("unlimited") ? d.uploadBytesPerSecond() : bytes(c, "upload-rate", p);
    return check(p, () -> new SwarmSettings(rate, d.uploadBurstBytes(), positiveInt(c, "max-downloaders", p),
        d.pipelineMin(), d.pipelineMax(), positiveInt(c, "max-strikes", p), duration(c, "announce-interval", p),
        positiveInt(c, "max-providers-per-download", p), d.defaultHops(),
        duration(c, "stall-timeout", p), d.providerRelookup(),
        Boolean.parseBoolean(jvm.getProperty(CORRUPT_SERVED_BLOCKS_PROPERTY))));
  }

  /**
   * {@code shroud.seeding}: the seeder's hops, seeding after a download. {@code hidden = off}, the
   * named seeding of earlier versions, was removed: a configuration asking for it is refused
   * rather than silently seeding hidden.
   */
  public static SeedingSettings seeding(Config config) {
    Config c = config.getConfig("shroud.seeding");
    String p = "shroud.seeding.";
    if (c.hasPath("hidden") && !bool(c, "hidden", p)) {
      throw new SettingsException(p + "hidden", "off is no longer supported: named seeding (provider records naming "
          + "the seeder) was removed and every share is seeded hidden; delete the setting");
    }
    boolean after = bool(c, "after-download", p);
    int hops = positiveInt(c, "hops", p);
    return check(p, () -> new SeedingSettings(hops, after));
  }

  /** {@code shroud.store}: the fragments a relay keeps for others (quota, 0 for none; the longest lease). */
  public static StoreSettings store(Config config) {
    Config c = config.getConfig("shroud.store");
    String p = "shroud.store.";
    long quota;
    try {
      quota = c.getBytes("quota");
    } catch (ConfigException e) {
      throw new SettingsException(p + "quota", "must be a size such as 1GiB, or 0 to store nothing");
    }
    Duration lease = duration(c, "max-lease", p);
    return check(p, () -> new StoreSettings(quota, lease));
  }

  private static boolean bool(Config c, String key, String prefix) {
    try {
      return c.getBoolean(key);
    } catch (ConfigException e) {
      throw new SettingsException(prefix + key, "must be on or off");
    }
  }

  /** {@code auto} (a quarter of the heap) or a size such as 256MiB, in queued cells of 4 KiB. */
  private static int queuedCells(Config c, String key, String prefix) {
    if (c.getString(key).equals("auto")) {
      return CircuitSettings.autoMaxQueuedCells(Runtime.getRuntime().maxMemory());
    }
    try {
      long v = c.getBytes(key);
      if (v < CircuitSettings.QUEUED_CELL_BYTES) {
        throw new SettingsException(prefix + key, "must be at least " + CircuitSettings.QUEUED_CELL_BYTES + " bytes");
      }
      return (int) Math.min(Integer.MAX_VALUE, v / CircuitSettings.QUEUED_CELL_BYTES);
    } catch (ConfigException e) {
      throw new SettingsException(prefix + key, "must be a size such as 256MiB, or \"auto\"");
    }
  }

  private static long bytes(Config c, String key, String prefix) {
    try {
      long v = c.getBytes(key);
      if (v < 1) {
        throw new SettingsException(prefix + key, "must be positive");
      }
      return v;
    } catch (ConfigException e) {
      throw new SettingsException(prefix + key, "must be a size per second such as 20MiB, or \"unlimited\"");
    }
  }

  private static <T> T check(String prefix, java.util.function.Supplier<T> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw new SettingsException(prefix.substring(0, prefix.length() - 1), e.getMessage());
    }
  }

  private static Duration duration(Config c, String key, String prefix) {
    try {
      Duration d = c.getDuration(key);
      if (d.isNegative() || d.isZero()) {
        throw new SettingsException(prefix + key, "must be positive, got " + d);
      }
      return d;
    } catch (ConfigException e) {
      throw new SettingsException(prefix + key, "must be a duration such as 10s or 5m");
    }
  }

  private static long positiveLong(Config c, String key, String prefix) {
    try {
      long v = c.getLong(key);
      if (v < 1) {
        throw new SettingsException(prefix + key, "must be at least 1, got " + v);
      }
      return v;
    } catch (ConfigException e) {
      throw new SettingsException(prefix + key, "must be a whole number");
    }
  }

  private static int positiveInt(Config c, String key, String prefix) {
    long v = positiveLong(c, key, prefix);
    if (v > Integer.MAX_VALUE) {
      throw new SettingsException(prefix + key, "is too large: " + v);
    }
    return (int) v;
  }

  private static int nonNegativeInt(Config c, String key, String prefix) {
    try {
      int v = c.getInt(key);
      if (v < 0) {
        throw new SettingsException(prefix + key, "must not be negative, got " + v);
      }
      return v;
    } catch (ConfigException e) {
      throw new SettingsException(prefix + key, "must be a whole number");
    }
  }

  private static double positiveDouble(Config c, String key, String prefix) {
    try {
      double v = c.getDouble(key);
      if (!(v > 0)) {
        throw new SettingsException(prefix + key, "must be positive, got " + v);
      }
      return v;
    } catch (ConfigException e) {
      throw new SettingsException(prefix + key, "must be a number");
    }
  }
}
