package io.shroud.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a node's full configuration: command-line overrides, then the user's file, then the
 * bundled {@code application.conf}, then the libraries' {@code reference.conf}; and derives
 * the Pekko settings that cannot be written as plain substitutions (seed nodes and how the
 * node forms the cluster, see {@link ClusterForming}; the journal database).
 */
public final class NodeConfig {
  /** Name of the actor system; part of every cluster address. */
  public static final String SYSTEM_NAME = "shroud";

  /** Where the build puts {@code conf/application.conf} inside the jar. */
  public static final String BUNDLED_DEFAULTS = "io/shroud/conf/application.conf";

  private NodeConfig() {}

  /**
   * @param overrides settings from flags, by path (e.g. {@code shroud.data-port})
   * @param file an optional HOCON file given with {@code --config}
   */
  public static Config load(Map<String, Object> overrides, Optional<Path> file) {
    Config user = ConfigFactory.empty();
    if (file.isPresent()) {
      Path p = file.get();
      if (!Files.isReadable(p)) {
        throw new SettingsException("--config", "cannot read " + p);
      }
      try {
        user = ConfigFactory.parseFile(p.toFile());
      } catch (ConfigException e) {
        throw new SettingsException("--config", "cannot parse " + p + ": " + e.getMessage());
      }
    }
    Config merged;
    try {
      merged = ConfigFactory.systemProperties()
          .withFallback(ConfigFactory.parseMap(overrides, "command line"))
          .withFallback(user)
          .withFallback(ConfigFactory.parseResources(NodeConfig.class.getClassLoader(), BUNDLED_DEFAULTS))
          .withFallback(ConfigFactory.defaultReference())
          .resolve();
    } catch (ConfigException e) {
      throw new SettingsException("configuration", e.getMessage());
    }
    ShroudSettings settings = ShroudSettings.from(merged);
    AdmissionSettings.from(merged);
    FeatureSettings.links(merged);
    FeatureSettings.circuits(merged);
    FeatureSettings.dht(merged);
    FeatureSettings.swarm(merged);
    FeatureSettings.seeding(merged);
    FeatureSettings.store(merged);
    if (ClientSettings.isClient(merged)) {
      ClientSettings.from(merged);
    }
    return derive(merged, settings);
  }

  /** Adds the Pekko settings that follow from {@code settings}. */
  static Config derive(Config merged, ShroudSettings settings) {
    if (ClientSettings.isClient(merged)) {
      return clientDerived().withFallback(merged).resolve();
    }
    ClusterForming forming = settings.forming();
    List<String> seeds = forming.seeds().stream().map(NodeConfig::address).toList();
    Config derived = ConfigFactory.empty()
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds));
    if (forming.role() == ClusterForming.Role.FIRST_SEED) {
      // the first seed forms a cluster only when every other seed answered "not a member"
      derived = derived.withValue("pekko.cluster.seed-node-timeout",
          ConfigValueFactory.fromAnyRef(ClusterForming.NEVER.toDays() + "d"));
    }
    if (settings.journal() == ShroudSettings.JournalKind.POSTGRES) {
      Config pg = merged.getConfig("shroud.journal.postgres");
      String db = "pekko-persistence-jdbc.shared-databases.shroud.";
      derived = derived
          .withValue(db + "profile", ConfigValueFactory.fromAnyRef("slick.jdbc.PostgresProfile$"))
          .withValue(db + "db.url", ConfigValueFactory.fromAnyRef(pg.getString("url")))
          .withValue(db + "db.user", ConfigValueFactory.fromAnyRef(pg.getString("user")))
          .withValue(db + "db.password", ConfigValueFactory.fromAnyRef(pg.getString("password")))
          .withValue(db + "db.driver", ConfigValueFactory.fromAnyRef("org.postgresql.Driver"))
          .withValue(db + "db.maxConnections", ConfigValueFactory.fromAnyRef(pg.getInt("max-connections")))
          .withValue(db + "db.numThreads", ConfigValueFactory.fromAnyRef(pg.getInt("max-connections")));
    }
    return derived.withFallback(merged);
  }

  /**
   * A client's Pekko: a local actor system (no Artery: nothing listens but the management
   * endpoint), without the cluster's management routes and readiness checks (membership,
   * sharding), which need a cluster.
   */
  private static Config clientDerived() {
    return ConfigFactory.empty()
        .withValue("pekko.actor.provider", ConfigValueFactory.fromAnyRef("local"))
        .withValue("pekko.management.http.routes.cluster-management", ConfigValueFactory.fromAnyRef(""))
        .withValue("pekko.management.health-checks.readiness-checks.cluster-membership",
            ConfigValueFactory.fromAnyRef(""))
        .withValue("pekko.management.health-checks.readiness-checks.sharding", ConfigValueFactory.fromAnyRef(""));
  }

  /** The Artery address of a cluster member at {@code hp}. */
  public static String address(ShroudSettings.HostPort hp) {
    return "pekko://" + SYSTEM_NAME + "@" + hp.host() + ":" + hp.port();
  }
}
