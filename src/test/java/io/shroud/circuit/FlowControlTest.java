package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.identity.NodeId;
import io.shroud.testutil.SeededRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure parts under the actors: windows, what an end holds, circuit id halves (CREATE buckets: dht.PeerRateLimiterTest). */
class FlowControlTest {
  @Test
  void theWindowStopsSendingUntilASendmeAndTheQueueIsBounded() throws Exception {
    FlowControl flow = new FlowControl(8, 4, 3);
    for (int i = 0; i < 3; i++) {
      assertTrue(flow.offer(1, new byte[] {(byte) i}));
    }
    assertFalse(flow.offer(1, new byte[1]), "a fourth queued chunk exceeds the stream credit");
    int sent = 0;
    for (int round = 0; round < 10; round++) {
      while (flow.poll() != null) {
        sent++;
      }
      flow.offer(1, new byte[1]);
      flow.offer(1, new byte[1]);
    }
    assertEquals(8, sent, "no more than the window leaves without a SENDME");
    assertEquals(8, flow.inFlight());
    flow.onSendme();
    assertEquals(4, flow.inFlight());
    assertThrows(CircuitProtocolException.class, () -> {
      flow.onSendme();
      flow.onSendme();
    }, "a SENDME for cells never sent is a violation");
  }

  @Test
  void anEndWaitsBehindItsData() {
    FlowControl flow = new FlowControl(1, 1, 4);
    flow.offer(1, new byte[] {1});
    flow.offer(1, new byte[] {2});
    flow.offerEnd(1);
    assertEquals(1, flow.poll().data()[0]);
    assertNull(flow.poll(), "the window is shut, and the END must not overtake the second chunk");
  }

  @Test
  void theReceiverSendsASendmePerIncrementConsumedAndRefusesOverruns() throws Exception {
    FlowControl flow = new FlowControl(8, 4, 4);
    for (int i = 0; i < 8; i++) {
      flow.onData(1);
    }
    assertThrows(CircuitProtocolException.class, () -> flow.onData(1));
    assertEquals(0, flow.onConsumed(1, 3));
    assertEquals(1, flow.onConsumed(1, 1));
    flow.onData(1); // room again after the SENDME
    assertEquals(1, flow.onStreamClosed(1), "closing counts the unconsumed cells as consumed");
  }

  @Test
  void itCountsTheCellsItHoldsAndWhenTheOldestCame() throws Exception {
    long[] now = {1_000};
    FlowControl flow = new FlowControl(1, 1, 4, () -> now[0]);
    assertEquals(0, flow.queuedCells());
    assertEquals(Long.MAX_VALUE, flow.oldestQueuedMillis());
    flow.offer(1, new byte[1]);
    now[0] = 2_000;
    flow.offer(1, new byte[1]);
    flow.offerEnd(1);
    assertEquals(2, flow.queuedCells(), "DATA chunks waiting; the END holds no cell");
    assertEquals(1_000, flow.oldestQueuedMillis());
    flow.poll(); // the window of 1 lets the first chunk go
    assertEquals(1, flow.queuedCells());
    assertEquals(2_000, flow.oldestQueuedMillis());

    now[0] = 500; // received cells count too, however old
    flow.onData(5);
    assertEquals(500, flow.oldestQueuedMillis());
    assertEquals(2, flow.queuedCells());
    flow.onConsumed(5, 1);
    assertEquals(2_000, flow.oldestQueuedMillis(), "consumed cells no longer count");
    flow.onStreamClosed(1);
    assertEquals(0, flow.queuedCells(), "a closed stream's queued chunks are dropped");
    assertEquals(Long.MAX_VALUE, flow.oldestQueuedMillis());
  }

  @Test
  void receivedCellsLeaveInTheOrderTheyCamePerStream() throws Exception {
    long[] now = {10};
    FlowControl flow = new FlowControl(64, 16, 4, () -> now[0]);
    flow.onData(1);
    flow.onData(1); // two in one millisecond
    now[0] = 20;
    flow.onData(2);
    now[0] = 30;
    flow.onData(1);
    assertEquals(4, flow.queuedCells());
    flow.onConsumed(1, 1);
    assertEquals(10, flow.oldestQueuedMillis(), "one of the two cells of time 10 is left");
    flow.onConsumed(1, 1);
    assertEquals(20, flow.oldestQueuedMillis(), "stream 2's cell is now the oldest");
    flow.onConsumed(2, 5); // more than it holds
    assertEquals(30, flow.oldestQueuedMillis());
    assertEquals(1, flow.queuedCells());
  }

  @Test
  void theTwoEndsOfALinkAllocateFromDisjointHalves() {
    NodeId a = NodeId.fromHex("01".repeat(32));
    NodeId b = NodeId.fromHex("02".repeat(32));
    CircuitIdAllocator atA = new CircuitIdAllocator(a, SeededRandom.of(1));
    CircuitIdAllocator atB = new CircuitIdAllocator(b, SeededRandom.of(1));
    Set<Integer> fromA = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int id = atA.allocate(b, fromA::contains);
      fromA.add(id);
      assertTrue(atB.isPeersId(a, id));
      assertFalse(atA.isPeersId(b, id));
      int other = atB.allocate(a, x -> false);
      assertFalse(fromA.contains(other));
      assertTrue(atA.isPeersId(b, other));
    }
    assertFalse(atB.isPeersId(a, 0), "0 is never a circuit id");
  }
}
