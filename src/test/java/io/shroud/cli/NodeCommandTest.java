package io.shroud.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.shroud.node.NodeConfig;
import io.shroud.node.ShroudSettings;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code shroud node}'s flags as the settings they give, through the node's whole configuration. */
class NodeCommandTest {

  private static Config load(String... args) {
    NodeCommand cmd = new NodeCommand();
    new CommandLine(cmd).parseArgs(args);
    return NodeConfig.load(cmd.overrides(), Optional.empty());
  }

  @Test
  void withoutFlagsEverythingIsOnLoopback() {
    ShroudSettings s = ShroudSettings.from(load());
    assertEquals("127.0.0.1", s.host());
    assertEquals("127.0.0.1", s.managementHost());
    assertTrue(s.managementOnLoopback());
  }

  @Test
  void hostMovesTheManagementEndpointToo() {
    Config c = load("--host", "10.1.2.3");
    ShroudSettings s = ShroudSettings.from(c);
    assertEquals("10.1.2.3", s.managementHost());
    assertEquals("10.1.2.3", c.getString("pekko.management.http.hostname"));
    assertEquals("10.1.2.3", c.getString("pekko.management.http.bind-hostname"));
    assertFalse(s.managementOnLoopback(), "the start notice is printed");
  }

  @Test
  void managementHostKeepsItWhereItSays() {
    Config c = load("--host", "10.1.2.3", "--management-host", "127.0.0.1");
    ShroudSettings s = ShroudSettings.from(c);
    assertEquals("10.1.2.3", s.host());
    assertEquals("127.0.0.1", c.getString("pekko.management.http.bind-hostname"));
    assertTrue(s.managementOnLoopback());
    // and on its own it moves only the management endpoint
    ShroudSettings only = ShroudSettings.from(load("--management-host", "10.9.9.9"));
    assertEquals("127.0.0.1", only.host());
    assertEquals("10.9.9.9", only.managementHost());
  }

  @Test
  void loopbackIsAnyLoopbackAddressNotOnly127001() {
    assertTrue(ShroudSettings.from(load("--host", "127.3.0.1")).managementOnLoopback());
    assertTrue(ShroudSettings.from(load("--management-host", "::1")).managementOnLoopback());
    assertTrue(ShroudSettings.from(load("--management-host", "localhost")).managementOnLoopback());
    assertFalse(ShroudSettings.from(load("--management-host", "0.0.0.0")).managementOnLoopback());
  }

  @Test
  void seedsKeepTheirOrder() {
    Config c = load("--host", "127.2.0.1", "--seed", "127.1.0.1:25520", "--seed", "127.2.0.1:25520");
    assertEquals(List.of("pekko://shroud@127.1.0.1:25520", "pekko://shroud@127.2.0.1:25520"),
        c.getStringList("pekko.cluster.seed-nodes"));
  }

  @Test
  void networkAndCertificateAreAbsolutePathsAndTheCertificateDefaultsToTheDataDirectory() {
    Config c = load("--data-dir", "/var/lib/shroud", "--network", "net/network.conf");
    assertEquals(java.nio.file.Path.of("net/network.conf").toAbsolutePath().normalize().toString(),
        c.getString("shroud.network"));
    assertEquals("/var/lib/shroud/relay.crt", c.getString("shroud.relay-certificate"));
    assertEquals("/etc/shroud/relay.crt",
        load("--certificate", "/etc/shroud/./relay.crt").getString("shroud.relay-certificate"));
    assertEquals("", load().getString("shroud.network"), "no network unless given: the node then refuses to start");
  }
}
