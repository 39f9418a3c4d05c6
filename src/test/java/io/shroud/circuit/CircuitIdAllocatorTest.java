package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.identity.NodeId;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Protocol §6.8 (relays: halves by node id) and §4.10.3 (a client: always the top half). */
class CircuitIdAllocatorTest {
  private static NodeId id(int first) {
    byte[] b = new byte[NodeId.BYTES];
    Arrays.fill(b, (byte) 0x11);
    b[0] = (byte) first;
    return NodeId.of(b);
  }

  @Test
  void relaysSplitTheIdsByNodeId() {
    NodeId small = id(0x01);
    NodeId large = id(0xf0);
    CircuitIdAllocator a = new CircuitIdAllocator(small, new SplittableRandom(1));
    CircuitIdAllocator b = new CircuitIdAllocator(large, new SplittableRandom(2));
    for (int i = 0; i < 200; i++) {
      int fromSmall = a.allocate(large, x -> false);
      int fromLarge = b.allocate(small, x -> false);
      assertNotEquals(0, fromSmall & CircuitIdAllocator.HIGH_BIT);
      assertEquals(0, fromLarge & CircuitIdAllocator.HIGH_BIT);
      assertNotEquals(0, fromLarge);
      assertTrue(b.isPeersId(small, fromSmall));
      assertFalse(b.isPeersId(small, fromLarge));
    }
  }

  @Test
  void aClientAlwaysUsesTheTopHalfWhateverTheRelaysId() {
    // the client's own id is larger than one relay's and smaller than the other's: by §6.8 it
    // would use the bottom half towards the first; on a client link it never does
    NodeId client = id(0x80);
    CircuitIdAllocator ids = CircuitIdAllocator.forClient(client, new SplittableRandom(3));
    for (NodeId relay : new NodeId[] {id(0x01), id(0xf0)}) {
      assertTrue(ids.usesHighHalf(relay));
      for (int i = 0; i < 200; i++) {
        assertNotEquals(0, ids.allocate(relay, x -> false) & CircuitIdAllocator.HIGH_BIT);
      }
    }
  }
}
