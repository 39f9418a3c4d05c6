package io.shroud.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.link.LinkSettings;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code shroud.links} in conf/application.conf says what {@link LinkSettings#defaults()} says. */
class LinkSettingsConfigTest {

  @Test
  void theBundledConfigurationGivesTheDefaults() {
    assertEquals(LinkSettings.defaults(), FeatureSettings.links(NodeConfig.load(Map.of(), Optional.empty())));
  }

  @Test
  void theDataPortLimitsCanBeSet() {
    LinkSettings s = FeatureSettings.links(NodeConfig.load(Map.of(
        "shroud.links.max-pending-handshakes", 16, "shroud.links.max-connections-per-ip", 2,
        "shroud.links.max-connections-per-subnet", 4, "shroud.links.outbound-reserve", 0,
        "shroud.links.max-inbound-cells", 64, "shroud.links.abuse-log-interval", "10s"), Optional.empty()));
    assertEquals(new LinkSettings.Admission(16, 2, 4, 0), s.admission());
    assertEquals(64, s.maxInboundCells());
    assertEquals(java.time.Duration.ofSeconds(10), s.abuseLogInterval());
  }

  @Test
  void aReserveThatLeavesNoRoomForInboundLinksIsRefusedByName() {
    SettingsException e = assertThrows(SettingsException.class, () -> NodeConfig.load(Map.of(
        "shroud.links.max-links", 8, "shroud.links.outbound-reserve", 8), Optional.empty()));
    assertTrue(e.getMessage().contains("shroud.links"), e.getMessage());
    assertThrows(SettingsException.class, () -> NodeConfig.load(Map.of(
        "shroud.links.max-connections-per-ip", 0), Optional.empty()));
  }
}
