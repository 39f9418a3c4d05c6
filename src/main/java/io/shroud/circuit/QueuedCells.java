package io.shroud.circuit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cells queued on the circuits this node relays, node-wide: per relayed hop, how many it
 * holds and when the oldest of them was queued, with their running total. Each hop's stream
 * multiplexer reports its own {@link FlowControl} through a {@link Gauge} as it changes; when
 * the total goes over {@code limit}, {@code overLimit} runs once (it asks the circuits actor to
 * look, which then picks victims with {@link QueuePressure}) and does not run again until that
 * check has started ({@link #checking()}). So the bound is checked on every change at the cost
 * of one map write and one atomic add, as Tor checks its cell queues' total on every queued
 * cell.
 *
 * <p>Thread-safe: each gauge is written by one hop's actor, the snapshot and removals are the
 * circuits actor's. The total is exactly the sum of the entries once the writers are quiet
 * (every write adds its own difference to what it replaced).
 */
final class QueuedCells {
  /** One hop's queued cells: {@code cells} of them, the oldest queued at {@code oldestMillis}. */
  record Entry(long hop, int cells, long oldestMillis) {}

  /** What one hop's multiplexer reports through. */
  interface Gauge {
    /** This hop now holds {@code cells}, the oldest since {@code oldestMillis}. */
    void set(int cells, long oldestMillis);

    /** The gauge of a circuit end whose queue nobody bounds (the origin's own circuits). */
    Gauge NONE = (cells, oldestMillis) -> { };
  }

  private final long limit;
  private final Runnable overLimit;
  private final Map<Long, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong total = new AtomicLong();
  private final AtomicBoolean checkPending = new AtomicBoolean();

  /** @param overLimit runs (on the reporting thread) when the total first goes over {@code limit} */
  QueuedCells(long limit, Runnable overLimit) {
    if (limit < 1) {
      throw new IllegalArgumentException("the limit must be positive");
    }
    this.limit = limit;
    this.overLimit = Objects.requireNonNull(overLimit, "overLimit");
  }

  /** The gauge of hop {@code hop}. */
  Gauge gauge(long hop) {
    return (cells, oldestMillis) -> set(hop, cells, oldestMillis);
  }

  private void set(long hop, int cells, long oldestMillis) {
    Entry previous = cells <= 0 ? entries.remove(hop) : entries.put(hop, new Entry(hop, cells, oldestMillis));
    long now = total.addAndGet(Math.max(cells, 0) - (previous == null ? 0 : previous.cells()));
    if (now > limit && checkPending.compareAndSet(false, true)) {
      overLimit.run();
    }
  }

  /** Forgets hop {@code hop} (destroyed, or stopped). */
  void forget(long hop) {
    Entry previous = entries.remove(hop);
    if (previous != null) {
      total.addAndGet(-previous.cells());
    }
  }

  /** A check of the bound starts: the next change over the limit asks for another one. */
  void checking() {
    checkPending.set(false);
  }

  /** Cells queued on all relayed hops now. */
  long total() {
    return total.get();
  }

  long limit() {
    return limit;
  }

  /** Every hop holding cells now. */
  List<Entry> snapshot() {
    return new ArrayList<>(entries.values());
  }
}
