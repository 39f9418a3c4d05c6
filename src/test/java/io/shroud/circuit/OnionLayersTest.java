package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class OnionLayersTest {
  private static final int HOPS = 3;
  private final Random random = new Random(7);

  private RelayCell dataCell() {
    byte[] data = new byte[random.nextInt(RelayCellFormat.MAX_DATA + 1)];
    random.nextBytes(data);
    return new RelayCell(RelayCommand.DATA, 1 + random.nextInt(65535), data);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4})
  void cellsReachEveryHopIntactInBothDirections(int hops) {
    CircuitSim sim = new CircuitSim(hops, hops);
    for (int i = 0; i < 200; i++) {
      int hop = random.nextInt(hops);
      RelayCell cell = dataCell();
      CircuitSim.Result forward = sim.sendForward(hop, cell, CircuitSim.Tap.NONE);
      assertEquals(hop, forward.hop(), "forward cell recognized by the wrong hop");
      assertEquals(cell, forward.cell());
      int from = random.nextInt(hops);
      RelayCell back = dataCell();
      CircuitSim.Result backward = sim.sendBackward(from, back, CircuitSim.Tap.NONE);
      assertEquals(from, backward.hop(), "backward cell attributed to the wrong hop");
      assertEquals(back, backward.cell());
    }
  }

  /** Relays and the origin get a cell's own payload array ({@code Cell.sharedPayload}): never written. */
  @Test
  void layersOnlyReadTheBodiesTheyAreGiven() throws CircuitProtocolException {
    CircuitSim sim = new CircuitSim(HOPS, HOPS);
    byte[] body = sim.origin.encrypt(HOPS - 1, dataCell());
    for (int k = 0; k < HOPS - 1; k++) {
      byte[] input = body;
      byte[] before = input.clone();
      body = ((RelayLayer.Forward) sim.relays.get(k).forward(input, true)).body();
      assertArrayEquals(before, input, "relay " + k + " wrote to its input");
      assertFalse(Arrays.equals(before, body), "relay " + k + " removed no layer");
    }
    byte[] atLast = body.clone();
    sim.relays.get(HOPS - 1).forward(body, false);
    assertArrayEquals(atLast, body, "the last hop wrote to its input");
    byte[] back = sim.relays.get(HOPS - 1).originate(dataCell());
    for (int k = HOPS - 2; k >= 0; k--) {
      byte[] before = back.clone();
      byte[] layered = sim.relays.get(k).backward(back);
      assertArrayEquals(before, back, "relay " + k + " wrote to its input going backward");
      back = layered;
    }
    byte[] atOrigin = back.clone();
    sim.origin.decrypt(back);
    assertArrayEquals(atOrigin, back, "the origin wrote to its input");
  }

  /**
   * The layers work in scratch bodies they reuse for every cell: what they return (a body to
   * send, a decoded cell) must be the caller's own and stay as it was while later cells go
   * through.
   */
  @Test
  void whatLayersReturnOutlivesTheCellsAfterIt() throws CircuitProtocolException {
    CircuitSim sim = new CircuitSim(HOPS, HOPS);
    RelayCell first = dataCell();
    RelayCell second = dataCell();

    byte[] a = sim.origin.encrypt(HOPS - 1, first);
    byte[] aBefore = a.clone();
    byte[] b = sim.origin.encrypt(HOPS - 1, second);
    assertArrayEquals(aBefore, a, "encrypting the next cell changed a body already returned");
    assertEquals(first, toLastHop(sim, a));
    assertEquals(second, toLastHop(sim, b));

    RelayLayer last = sim.relays.get(HOPS - 1);
    byte[] c = last.originate(first);
    byte[] cBefore = c.clone();
    byte[] d = last.originate(second);
    assertArrayEquals(cBefore, c, "originating the next cell changed a body already returned");
    RelayCell firstBack = sim.origin.decrypt(toOrigin(sim, c)).cell();
    RelayCell secondBack = sim.origin.decrypt(toOrigin(sim, d)).cell();
    assertEquals(second, secondBack);
    assertEquals(first, firstBack, "decrypting the next cell changed a cell already returned");
  }

  private static RelayCell toLastHop(CircuitSim sim, byte[] body) throws CircuitProtocolException {
    for (int k = 0; k < HOPS - 1; k++) {
      body = ((RelayLayer.Forward) sim.relays.get(k).forward(body, true)).body();
    }
    return ((RelayLayer.Recognized) sim.relays.get(HOPS - 1).forward(body, false)).cell();
  }

  private static byte[] toOrigin(CircuitSim sim, byte[] body) throws CircuitProtocolException {
    for (int k = HOPS - 2; k >= 0; k--) {
      body = sim.relays.get(k).backward(body);
    }
    return body;
  }

  @Test
  void everyLinkCarriesAFullSizeBodyThatLooksDifferentOnEachLink() {
    CircuitSim sim = new CircuitSim(HOPS, 1);
    List<byte[]> seen = new ArrayList<>();
    RelayCell cell = new RelayCell(RelayCommand.DATA, 9, new byte[10]);
    sim.sendForward(2, cell, (link, body) -> seen.add(body.clone()));
    sim.sendBackward(2, cell, (link, body) -> seen.add(body.clone()));
    assertEquals(6, seen.size());
    for (int i = 0; i < seen.size(); i++) {
      assertEquals(RelayCellFormat.BODY_BYTES, seen.get(i).length);
      for (int j = i + 1; j < seen.size(); j++) {
        assertFalse(Arrays.equals(seen.get(i), seen.get(j)), "links " + i + " and " + j + " carry the same bytes");
      }
    }
  }

  @Test
  void aFlippedBitAnywhereOnAnyForwardLinkIsAcceptedByNoHopAndDestroysAtTheLastHop() {
    int trials = 0;
    for (int target = 0; target < HOPS; target++) {
      for (int link = 0; link <= target; link++) {
        for (int position = 0; position < RelayCellFormat.BODY_BYTES; position++) {
          CircuitSim sim = new CircuitSim(HOPS, position);
          sim.sendForward(target, dataCell(), CircuitSim.Tap.NONE); // counters past zero
          int flipLink = link;
          int flipAt = position;
          CircuitSim.Result result = sim.sendForward(target, dataCell(), (l, body) -> {
            if (l == flipLink) {
              body[flipAt] ^= (byte) (1 << (flipAt % 8));
            }
          });
          assertFalse(result.delivered(), "hop " + result.hop() + " accepted a cell flipped at byte " + position
              + " on link " + link + " for hop " + target);
          assertEquals(HOPS - 1, result.hop(), "destroyed somewhere other than the last hop");
          assertNotNull(result.error());
          trials++;
        }
      }
    }
    assertEquals(6 * RelayCellFormat.BODY_BYTES, trials);
  }

  @Test
  void aFlippedBitAnywhereOnAnyBackwardLinkDestroysAtTheOrigin() {
    for (int from = 0; from < HOPS; from++) {
      for (int link = 0; link <= from; link++) {
        for (int position = 0; position < RelayCellFormat.BODY_BYTES; position++) {
          CircuitSim sim = new CircuitSim(HOPS, position);
          sim.sendBackward(from, dataCell(), CircuitSim.Tap.NONE);
          int flipLink = link;
          int flipAt = position;
          CircuitSim.Result result = sim.sendBackward(from, dataCell(), (l, body) -> {
            if (l == flipLink) {
              body[flipAt] ^= (byte) (0x80 >>> (flipAt % 8));
            }
          });
          assertFalse(result.delivered(), "origin accepted a backward cell flipped at byte " + position);
          assertTrue(result.error().getMessage().contains("recognized by no hop"));
        }
      }
    }
  }

  @Test
  void replayedForwardCellIsDestroyed() {
    for (int link = 0; link < HOPS; link++) {
      CircuitSim sim = new CircuitSim(HOPS, link);
      byte[][] captured = new byte[1][];
      int captureLink = link;
      assertTrue(sim.sendForward(2, dataCell(), (l, body) -> {
        if (l == captureLink) {
          captured[0] = body.clone();
        }
      }).delivered());
      CircuitSim.Result replay = sim.deliverForward(captured[0], link, CircuitSim.Tap.NONE);
      assertFalse(replay.delivered(), "replay on link " + link + " accepted");
      assertEquals(HOPS - 1, replay.hop());
    }
  }

  @Test
  void replayedCellForAMiddleHopIsNotAcceptedThere() {
    CircuitSim sim = new CircuitSim(HOPS, 3);
    byte[] body = sim.origin.encrypt(1, dataCell());
    assertTrue(sim.deliverForward(body.clone(), 0, CircuitSim.Tap.NONE).delivered());
    CircuitSim.Result replay = sim.deliverForward(body, 0, CircuitSim.Tap.NONE);
    assertFalse(replay.delivered());
    assertEquals(HOPS - 1, replay.hop());
  }

  @Test
  void droppedForwardCellMakesTheNextOneFail() {
    for (int dropAt = 0; dropAt < HOPS; dropAt++) {
      CircuitSim sim = new CircuitSim(HOPS, dropAt);
      byte[] first = sim.origin.encrypt(2, dataCell());
      // relays before dropAt process the first cell, then it vanishes
      for (int k = 0; k < dropAt; k++) {
        try {
          first = ((RelayLayer.Forward) sim.relays.get(k).forward(first, true)).body();
        } catch (CircuitProtocolException e) {
          throw new AssertionError(e);
        }
      }
      CircuitSim.Result next = sim.sendForward(2, dataCell(), CircuitSim.Tap.NONE);
      assertFalse(next.delivered(), "cell after a drop at link " + dropAt + " accepted");
    }
  }

  @Test
  void reorderedForwardCellsAreDestroyed() {
    for (int target = 0; target < HOPS; target++) {
      CircuitSim sim = new CircuitSim(HOPS, target);
      sim.origin.encrypt(target, dataCell()); // the first cell, held back
      byte[] second = sim.origin.encrypt(target, dataCell());
      CircuitSim.Result swapped = sim.deliverForward(second, 0, CircuitSim.Tap.NONE);
      assertFalse(swapped.delivered(), "second cell accepted before the first");
    }
  }

  @Test
  void replayedDroppedOrReorderedBackwardCellsAreDestroyed() {
    CircuitSim sim = new CircuitSim(HOPS, 11);
    sim.relays.get(2).originate(dataCell()); // sent first but delivered never
    byte[] b = sim.relays.get(2).originate(dataCell());
    assertFalse(sim.deliverBackward(b, 2, CircuitSim.Tap.NONE).delivered(), "reordered backward cell accepted");

    CircuitSim fresh = new CircuitSim(HOPS, 12);
    byte[] c = fresh.relays.get(1).originate(dataCell());
    byte[][] atOrigin = new byte[1][];
    assertTrue(fresh.deliverBackward(c, 1, (l, body) -> {
      if (l == 0) {
        atOrigin[0] = body.clone();
      }
    }).delivered());
    assertThrowsProtocol(fresh.origin, atOrigin[0]); // replay towards the origin

    CircuitSim third = new CircuitSim(HOPS, 13);
    third.relays.get(0).originate(dataCell()); // dropped
    assertFalse(third.sendBackward(0, dataCell(), CircuitSim.Tap.NONE).delivered(), "cell after a drop accepted");
  }

  @Test
  void wrongSizeBodiesAreProtocolViolations() {
    CircuitSim sim = new CircuitSim(HOPS, 5);
    assertThrowsProtocol(sim.origin, new byte[RelayCellFormat.BODY_BYTES - 1]);
    try {
      sim.relays.get(0).forward(new byte[RelayCellFormat.BODY_BYTES + 1], true);
      throw new AssertionError("oversized body accepted");
    } catch (CircuitProtocolException expected) {
      assertTrue(expected.getMessage().contains("4075"));
    }
  }

  private static void assertThrowsProtocol(OnionLayers origin, byte[] body) {
    try {
      origin.decrypt(body);
      throw new AssertionError("accepted");
    } catch (CircuitProtocolException expected) {
      // expected
    }
  }
}
