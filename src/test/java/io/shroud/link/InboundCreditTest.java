package io.shroud.link;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A link's inbound credit: the reader waits at the bound and goes on when handlers take cells. */
class InboundCreditTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  /** Runs {@code credit.acquire(n)} on a thread of its own, as the reader does. */
  private static CompletableFuture<Boolean> acquireAsync(InboundCredit credit, int n) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        done.complete(credit.acquire(n));
      } catch (InterruptedException e) {
        done.completeExceptionally(e);
      }
    }, "credit-test");
    t.setDaemon(true);
    t.start();
    return done;
  }

  @Test
  void theReaderWaitsAtTheBoundUntilHandlersTakeCells() throws Exception {
    InboundCredit credit = new InboundCredit(64);
    assertTrue(credit.acquire(32));
    assertTrue(credit.acquire(32));
    assertEquals(64, credit.outstanding());
    CompletableFuture<Boolean> third = acquireAsync(credit, 32);
    await().atMost(WAIT).until(credit::waiting);
    assertFalse(third.isDone());
    credit.release(16);
    assertFalse(third.isDone(), "16 free is not enough for 32");
    credit.release(16);
    assertTrue(third.get(5, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(64, credit.outstanding());
    assertEquals(64, credit.peak(), "never beyond the bound");
    assertEquals(1, credit.pauses());
  }

  @Test
  void closingEndsAWait() throws Exception {
    InboundCredit credit = new InboundCredit(32);
    credit.acquire(32);
    CompletableFuture<Boolean> waiting = acquireAsync(credit, 1);
    await().atMost(WAIT).until(credit::waiting);
    credit.close();
    assertFalse(waiting.get(5, java.util.concurrent.TimeUnit.SECONDS), "the link closed: nothing to hand over");
    assertFalse(credit.acquire(1));
  }

  @Test
  void aBatchLargerThanTheBoundGoesAloneRatherThanForever() throws Exception {
    InboundCredit credit = new InboundCredit(32);
    assertTrue(credit.acquire(40));
    CompletableFuture<Boolean> next = acquireAsync(credit, 1);
    await().atMost(WAIT).until(credit::waiting);
    credit.release(40);
    assertTrue(next.get(5, java.util.concurrent.TimeUnit.SECONDS));
  }
}
