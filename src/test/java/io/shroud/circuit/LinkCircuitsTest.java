package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.identity.NodeId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The circuit-id table and its per-link counts stay in step through every way an id leaves. */
class LinkCircuitsTest {
  private final NodeId a = NodeId.fromHex("0a".repeat(32));
  private final NodeId b = NodeId.fromHex("0b".repeat(32));

  @Test
  void countsFollowPutsAndRemoves() {
    LinkCircuits<String> table = new LinkCircuits<>();
    table.put(a, 1, "x");
    table.put(a, 2, "y");
    table.put(a, 2, "y again"); // replaces: still two ids
    table.put(b, 1, "x");
    assertEquals(2, table.count(a));
    assertEquals(1, table.count(b));
    assertEquals("y again", table.get(a, 2));
    assertEquals("x", table.remove(a, 1));
    assertNull(table.remove(a, 1));
    assertEquals(1, table.count(a));
    assertTrue(table.contains(b, 1));
    assertFalse(table.contains(b, 2));
  }

  @Test
  void aLinkGoingDownTakesAllItsIdsAndOnlyThose() {
    LinkCircuits<String> table = new LinkCircuits<>();
    table.put(a, 1, "p");
    table.put(a, 2, "q");
    table.put(b, 3, "p");
    assertEquals(List.of("p", "q"), table.removePeer(a).stream().sorted().toList());
    assertEquals(0, table.count(a));
    assertEquals(1, table.count(b));
    assertEquals(List.of(), table.removePeer(a));
  }

  @Test
  void removingAnOwnerFreesItsIdsOnEveryLink() {
    LinkCircuits<String> table = new LinkCircuits<>();
    table.put(a, 1, "relay");
    table.put(b, 7, "relay");
    table.put(b, 8, "other");
    table.removeIf("relay"::equals);
    assertEquals(0, table.count(a));
    assertEquals(1, table.count(b));
    assertEquals(1, table.size());
  }
}
