package io.shroud.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shroud.identity.NodeId;
import io.shroud.metrics.NodeMetrics.DhtDrop;
import io.shroud.testutil.MutableClock;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every DHT cell from a peer: decoded strictly, requests rate-limited per peer, responses not. */
class DhtInboundTest {
  private final MutableClock clock = new MutableClock();
  private final DhtInbound inbound = new DhtInbound(new PeerRateLimiter(clock, 2, 1.0, 100));
  private final NodeId alice = NodeId.fromHex("0a".repeat(32));
  private final NodeId bob = NodeId.fromHex("0b".repeat(32));

  private DhtInbound.Verdict admit(NodeId from, DhtMessage m) {
    return inbound.admit(from, DhtCellFraming.toCell(m));
  }

  @Test
  void requestsBeyondTheBurstAreDroppedUntilTokensComeBack() {
    assertInstanceOf(DhtInbound.Request.class, admit(alice, new DhtMessage.Ping(1)));
    assertInstanceOf(DhtInbound.Request.class, admit(alice, new DhtMessage.FindNode(2, bob)));
    DhtInbound.Dropped dropped = assertInstanceOf(DhtInbound.Dropped.class,
        admit(alice, new DhtMessage.FindValue(3, bob)));
    assertEquals(DhtDrop.RATE_LIMITED, dropped.reason());
    assertInstanceOf(DhtInbound.Request.class, admit(bob, new DhtMessage.Ping(4)), "bob has his own bucket");
    clock.advance(Duration.ofSeconds(1));
    assertInstanceOf(DhtInbound.Request.class, admit(alice, new DhtMessage.Ping(5)));
    assertEquals(1, inbound.rateLimited());
  }

  @Test
  void responsesPassWithoutATokenAndTakeNone() {
    for (int i = 0; i < 50; i++) {
      DhtInbound.Response r = assertInstanceOf(DhtInbound.Response.class,
          admit(alice, new DhtMessage.Nodes(i, List.of())));
      assertEquals(i, r.message().txId());
    }
    assertInstanceOf(DhtInbound.Request.class, admit(alice, new DhtMessage.Ping(1)));
    assertInstanceOf(DhtInbound.Request.class, admit(alice, new DhtMessage.Ping(2)));
    assertEquals(0, inbound.rateLimited());
  }

  @Test
  void aMalformedCellIsDroppedCountedAndCostsNoToken() {
    byte[] payload = DhtCellFraming.toCell(new DhtMessage.Ping(1)).payload();
    payload[4000] = 1; // non-zero padding
    for (int i = 0; i < 5; i++) {
      DhtInbound.Dropped dropped = assertInstanceOf(DhtInbound.Dropped.class,
          inbound.admit(alice, new Cell(0, CellCommand.DHT, payload)));
      assertEquals(DhtDrop.MALFORMED, dropped.reason());
    }
    assertEquals(5, inbound.malformed());
    assertInstanceOf(DhtInbound.Request.class, admit(alice, new DhtMessage.Ping(2)));
    assertInstanceOf(DhtInbound.Request.class, admit(alice, new DhtMessage.Ping(3)));
  }
}
