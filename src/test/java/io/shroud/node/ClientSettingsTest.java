package io.shroud.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code shroud.role = client} and {@code shroud.bootstrap}: checked at load, and a local actor system. */
class ClientSettingsTest {

  @Test
  void aClientRunsALocalActorSystemWithoutTheClustersRoutesOrChecks() {
    Config c = NodeConfig.load(Map.of("shroud.role", "client",
        "shroud.bootstrap", List.of("127.1.0.1:7400", "127.2.0.1:7400")), Optional.empty());
    assertTrue(ClientSettings.isClient(c));
    assertEquals(List.of(new InetSocketAddress("127.1.0.1", 7400), new InetSocketAddress("127.2.0.1", 7400)),
        ClientSettings.from(c).bootstrap());
    assertEquals("local", c.getString("pekko.actor.provider"));
    assertEquals("", c.getString("pekko.management.http.routes.cluster-management"));
    assertEquals("", c.getString("pekko.management.health-checks.readiness-checks.cluster-membership"));
    assertEquals("", c.getString("pekko.management.health-checks.readiness-checks.sharding"));
  }

  @Test
  void aRelayIsTheDefaultAndKeepsTheCluster() {
    Config c = NodeConfig.load(Map.of(), Optional.empty());
    assertEquals(false, ClientSettings.isClient(c));
    assertEquals("cluster", c.getString("pekko.actor.provider"));
  }

  @Test
  void badClientSettingsAreRefusedWithTheSettingNamed() {
    SettingsException none = assertThrows(SettingsException.class,
        () -> NodeConfig.load(Map.of("shroud.role", "client"), Optional.empty()));
    assertTrue(none.getMessage().contains("shroud.bootstrap"), none.getMessage());
    SettingsException name = assertThrows(SettingsException.class, () -> NodeConfig.load(
        Map.of("shroud.role", "client", "shroud.bootstrap", List.of("relay.example.org:7400")), Optional.empty()));
    assertTrue(name.getMessage().contains("IP address"), name.getMessage());
    SettingsException role = assertThrows(SettingsException.class,
        () -> NodeConfig.load(Map.of("shroud.role", "observer"), Optional.empty()));
    assertTrue(role.getMessage().contains("relay or client"), role.getMessage());
  }
}
