package io.shroud.swarm.pick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

/**
 * Strikes of {@link SourceTable} across departures, which the picker tests do not reach: they
 * ban sources that stay connected.
 */
class SourceTableTest {
  @Test
  void strikesOutliveDepartureAndABannedSourceStaysOut() {
    RarityIndex rarity = new RarityIndex(3, null);
    SourceTable<String> sources = new SourceTable<>(3, 2, rarity);
    BitSet all = new BitSet();
    all.set(0, 3);
    sources.addHave("A", all);
    assertFalse(sources.strike("A", 1));
    assertNotNull(sources.remove("A"));
    assertEquals(0, rarity.availability(0), "a departed source counts for nothing");

    sources.addHave("A", all); // reconnects
    assertEquals(1, sources.strikes("A"), "strikes outlive departure");
    assertTrue(sources.strike("A", 1), "so the second strike bans it");
    assertTrue(sources.isBanned("A"));
    sources.remove("A");
    sources.addHave("A", all);
    assertNull(sources.get("A"), "a banned source never becomes live again");
    assertEquals(0, rarity.availability(0));
    assertFalse(sources.strike("A", 5), "a banned source is not banned again");
    assertEquals(2, sources.strikes("A"));
  }
}
