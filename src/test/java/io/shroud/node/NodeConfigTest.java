package io.shroud.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeConfigTest {

  @Test
  void defaultsComeFromTheBundledApplicationConf() {
    Config c = NodeConfig.load(Map.of(), Optional.empty());
    ShroudSettings s = ShroudSettings.from(c);
    assertEquals("127.0.0.1", s.host());
    assertEquals(25520, s.clusterPort());
    assertEquals(7400, s.dataPort());
    assertEquals(8558, s.managementPort());
    assertEquals(ShroudSettings.JournalKind.H2, s.journal());
    assertEquals(Duration.ofDays(7), s.onionRotationPeriod());
    // no seeds: the node forms its own cluster
    assertEquals(List.of("pekko://shroud@127.0.0.1:25520"), c.getStringList("pekko.cluster.seed-nodes"));
    assertEquals("127.0.0.1", c.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals("off", c.getString("pekko.actor.allow-java-serialization"));
    assertEquals("keep-majority", c.getString("pekko.cluster.split-brain-resolver.active-strategy"));
  }

  @Test
  void flagsOverrideAndFeedThePekkoSettings() {
    Config c = NodeConfig.load(Map.of(
        "shroud.host", "127.3.0.1",
        "shroud.cluster-port", 25999,
        "shroud.management.port", 9000,
        "shroud.data-dir", "/tmp/shroud-x",
        "shroud.seed-nodes", List.of("127.1.0.1:25520", "127.2.0.1:25520")), Optional.empty());
    assertEquals("127.3.0.1", c.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(25999, c.getInt("pekko.remote.artery.canonical.port"));
    assertEquals(9000, c.getInt("pekko.management.http.port"));
    assertEquals(List.of("pekko://shroud@127.1.0.1:25520", "pekko://shroud@127.2.0.1:25520"),
        c.getStringList("pekko.cluster.seed-nodes"));
    assertEquals("jdbc:h2:file:/tmp/shroud-x/journal/shroud;DB_CLOSE_DELAY=-1;WRITE_DELAY=0",
        c.getString("pekko-persistence-jdbc.shared-databases.shroud.db.url"));
  }

  @Test
  void postgresIsOneSwitch(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pg.conf");
    Files.writeString(file, "shroud.journal { kind = postgres, postgres.url = \"jdbc:postgresql://127.0.0.1:5999/x\" }");
    Config c = NodeConfig.load(Map.of(), Optional.of(file));
    assertEquals("slick.jdbc.PostgresProfile$", c.getString("pekko-persistence-jdbc.shared-databases.shroud.profile"));
    assertEquals("jdbc:postgresql://127.0.0.1:5999/x", c.getString("pekko-persistence-jdbc.shared-databases.shroud.db.url"));
    assertEquals("org.postgresql.Driver", c.getString("pekko-persistence-jdbc.shared-databases.shroud.db.driver"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "shroud.data-port        | 70000      | shroud.data-port: must be a port number 1-65535, got 70000",
      "shroud.cluster-port     | abc        | shroud.cluster-port: must be a port number",
      "shroud.journal.kind     | mysql      | shroud.journal.kind: must be \"h2\" or \"postgres\", got \"mysql\"",
      "shroud.keys.onion-rotation-period | soon | shroud.keys.onion-rotation-period: must be a duration",
      "shroud.keys.onion-rotation-period | 1s   | shroud.keys.onion-rotation-period: must be at least 10s",
      "shroud.host             | ''         | shroud.host: must not be empty",
      "shroud.host             | relay.example.org | shroud.host: must be an IP address or localhost, got \"relay.example.org\"",
      "shroud.seeding.hidden   | off        | shroud.seeding.hidden: off is no longer supported: named seeding",
      "shroud.seeding.hops     | 5          | shroud.seeding: seeding hops must be 1..4, got 5",
  })
  void aBadValueNamesTheSetting(String key, String value, String expectedPrefix) {
    SettingsException e = assertThrows(SettingsException.class,
        () -> NodeConfig.load(Map.of(key, value), Optional.empty()));
    assertEquals(true, e.getMessage().startsWith(expectedPrefix), e.getMessage());
    assertEquals(-1, e.getMessage().indexOf('\n'), "one line");
  }

  @Test
  void aBadSeedNamesTheSetting() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> NodeConfig.load(Map.of("shroud.seed-nodes", List.of("127.1.0.1")), Optional.empty()));
    assertEquals("shroud.seed-nodes: expected host:port, got \"127.1.0.1\"", e.getMessage());
  }

  @Test
  void aMissingConfigFileIsNamed() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> NodeConfig.load(Map.of(), Optional.of(Path.of("/nonexistent/shroud.conf"))));
    assertEquals("--config: cannot read /nonexistent/shroud.conf", e.getMessage());
  }
}
