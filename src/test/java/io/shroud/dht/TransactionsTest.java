package io.shroud.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransactionsTest {
  private final Contact a = DhtFixtures.contact(DhtFixtures.num(1), 1);
  private final Contact b = DhtFixtures.contact(DhtFixtures.num(2), 2);

  @Test
  void anAnswerCompletesItsQueryOnceAndOnlyFromTheNodeAskedWithTheExpectedType() {
    Transactions<String> t = new Transactions<>(new SplittableRandom(7));
    long ping = t.open(a, DhtMessageType.PONG, "ping-a");
    long find = t.open(b, DhtMessageType.NODES, "find-b");
    assertNotEquals(ping, find);
    assertEquals(2, t.open());

    // from another node, or of another type, or with an unknown id: unmatched, query kept
    assertTrue(t.complete(b.id(), new DhtMessage.Pong(ping)).isEmpty());
    assertTrue(t.complete(b.id(), new DhtMessage.Pong(find)).isEmpty());
    assertTrue(t.complete(a.id(), new DhtMessage.Pong(ping + 1)).isEmpty());
    assertEquals(3, t.unmatched());
    assertEquals(2, t.open());

    assertEquals("ping-a", t.complete(a.id(), new DhtMessage.Pong(ping)).orElseThrow().replyTo());
    assertTrue(t.complete(a.id(), new DhtMessage.Pong(ping)).isEmpty(), "a second answer matches nothing");
    assertEquals(4, t.unmatched());
    assertEquals(1, t.open());
  }

  @Test
  void aQueryThatTimesOutIsGoneAndALateAnswerIsUnmatched() {
    Transactions<String> t = new Transactions<>(new SplittableRandom(7));
    long ping = t.open(a, DhtMessageType.PONG, "ping-a");
    assertEquals("ping-a", t.expire(ping).orElseThrow().replyTo());
    assertTrue(t.expire(ping).isEmpty(), "answered or expired queries expire once");
    assertTrue(t.complete(a.id(), new DhtMessage.Pong(ping)).isEmpty());
    assertEquals(1, t.unmatched());
    assertEquals(0, t.open());
  }
}
