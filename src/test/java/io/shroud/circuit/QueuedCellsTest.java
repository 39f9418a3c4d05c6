package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The node-wide ledger of cells queued on relayed circuits, and when it asks for a check. */
class QueuedCellsTest {
  @Test
  void theTotalFollowsEachHopsLatestReport() {
    QueuedCells ledger = new QueuedCells(1_000, () -> { });
    QueuedCells.Gauge a = ledger.gauge(1);
    QueuedCells.Gauge b = ledger.gauge(2);
    a.set(10, 100);
    b.set(5, 200);
    a.set(7, 150);
    assertEquals(12, ledger.total());
    b.set(0, Long.MAX_VALUE);
    assertEquals(7, ledger.total());
    assertEquals(List.of(new QueuedCells.Entry(1, 7, 150)), ledger.snapshot(), "a hop holding nothing is not listed");
    ledger.forget(1);
    assertEquals(0, ledger.total());
    assertEquals(List.of(), ledger.snapshot());
  }

  @Test
  void goingOverTheLimitAsksForOneCheckUntilThatCheckStarts() {
    AtomicInteger checks = new AtomicInteger();
    QueuedCells ledger = new QueuedCells(100, checks::incrementAndGet);
    QueuedCells.Gauge a = ledger.gauge(1);
    a.set(100, 0);
    assertEquals(0, checks.get(), "at the limit is not over it");
    a.set(101, 0);
    a.set(150, 0);
    ledger.gauge(2).set(10, 0);
    assertEquals(1, checks.get(), "one request while one is pending");
    ledger.checking();
    a.set(151, 0);
    assertEquals(2, checks.get());
  }

  @Test
  void concurrentReportsLeaveAnExactTotal() throws Exception {
    QueuedCells ledger = new QueuedCells(Long.MAX_VALUE, () -> { });
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch done = new CountDownLatch(8);
    for (int t = 0; t < 8; t++) {
      long hop = t;
      pool.execute(() -> {
        QueuedCells.Gauge gauge = ledger.gauge(hop);
        for (int i = 0; i < 20_000; i++) {
          gauge.set(i % 97, i);
        }
        gauge.set((int) hop + 1, 0);
        done.countDown();
      });
    }
    done.await(30, TimeUnit.SECONDS);
    pool.shutdown();
    assertEquals(1 + 2 + 3 + 4 + 5 + 6 + 7 + 8, ledger.total());
  }
}
