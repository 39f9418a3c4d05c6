package io.shroud.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.shroud.circuit.CircuitSettings;
import io.shroud.dht.DhtSettings;
import io.shroud.store.StoreSettings;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The circuit and DHT defences and the fragment store as conf/application.conf sets them, and their bad values. */
class FeatureSettingsTest {
  private static Config load(Map<String, Object> overrides) {
    return NodeConfig.load(overrides, Optional.empty());
  }

  @Test
  void theBundledConfSetsTheDefencesToTheDocumentedDefaults() {
    CircuitSettings circuits = FeatureSettings.circuits(load(Map.of()));
    CircuitSettings defaults = CircuitSettings.defaults();
    assertEquals(defaults.relayIdleTimeout(), circuits.relayIdleTimeout());
    assertEquals(defaults.maxRelayedCircuits(), circuits.maxRelayedCircuits());
    assertEquals(defaults.maxCircuitsPerLink(), circuits.maxCircuitsPerLink());
    assertEquals(defaults.createBurst(), circuits.createBurst());
    assertEquals(defaults.createPerSecond(), circuits.createPerSecond());
    assertEquals(defaults.replayWindow(), circuits.replayWindow());
    assertEquals(defaults.replayCacheSize(), circuits.replayCacheSize());
    assertEquals(CircuitSettings.autoMaxQueuedCells(Runtime.getRuntime().maxMemory()), circuits.maxQueuedCells(),
        "auto: a quarter of the heap");
    DhtSettings dht = FeatureSettings.dht(load(Map.of()));
    assertEquals(DhtSettings.defaults().queriesBurst(), dht.queriesBurst());
    assertEquals(DhtSettings.defaults().queriesPerSecond(), dht.queriesPerSecond());
  }

  @Test
  void theQueueBoundIsASizeCountedInCellsOrAQuarterOfTheHeap() {
    assertEquals(65_536, FeatureSettings.circuits(load(Map.of("shroud.circuits.max-queued-bytes", "256MiB")))
        .maxQueuedCells());
    assertEquals(65_536, CircuitSettings.autoMaxQueuedCells(1L << 30));
    assertEquals(CircuitSettings.MIN_AUTO_QUEUED_CELLS, CircuitSettings.autoMaxQueuedCells(1L << 20),
        "a tiny heap still relays a little");
  }

  @Test
  void theStoreKeepsAGibibyteForThirtyDaysByDefaultAndZeroStoresNothing() {
    assertEquals(StoreSettings.defaults(), FeatureSettings.store(load(Map.of())));
    assertEquals(0, FeatureSettings.store(load(Map.of("shroud.store.quota", "0"))).quotaBytes());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "shroud.circuits.max-queued-bytes     | lots | shroud.circuits.max-queued-bytes: must be a size",
      "shroud.circuits.max-queued-bytes     | 100B | shroud.circuits.max-queued-bytes: must be at least 4096 bytes",
      "shroud.circuits.max-relayed-circuits | 0    | shroud.circuits.max-relayed-circuits: must be at least 1",
      "shroud.circuits.relay-idle-timeout   | 0s   | shroud.circuits.relay-idle-timeout: must be positive",
      "shroud.circuits.replay-window        | soon | shroud.circuits.replay-window: must be a duration",
      "shroud.circuits.replay-cache-size    | -1   | shroud.circuits.replay-cache-size: must be at least 1",
      "shroud.dht.queries-burst             | 0    | shroud.dht.queries-burst: must be at least 1",
      "shroud.dht.queries-per-second        | 0    | shroud.dht.queries-per-second: must be positive",
      "shroud.store.quota                   | lots | shroud.store.quota: must be a size",
      "shroud.store.quota                   | -1   | shroud.store.quota: must be a size",
      "shroud.store.max-lease               | 0s   | shroud.store.max-lease: must be positive",
  })
  void aBadValueNamesTheSetting(String key, String value, String expectedPrefix) {
    SettingsException e = assertThrows(SettingsException.class, () -> load(Map.of(key, value)));
    assertTrue(e.getMessage().startsWith(expectedPrefix), e.getMessage());
  }
}
