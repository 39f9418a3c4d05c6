package io.shroud.circuit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The hops this node relays, as its {@code CircuitsActor} sees them: when each last received a
 * cell (from either neighbour), and whether it is already being closed. Answers which hops have
 * been silent for the relay idle timeout (protocol §6.12) and finds a hop by the number it was
 * given when added (also the key of its cells in {@link QueuedCells}). A hop that is being
 * closed is never picked again. Pure: time comes in as
 * epoch milliseconds from the caller's clock; its actor is the only caller.
 *
 * @param <R> how the caller names a hop (its actor)
 */
final class RelayHops<R> {
  private static final class Hop<R> {
    final R ref;
    final long id;
    long lastCellMillis;
    boolean closing;

    Hop(R ref, long id, long now) {
      this.ref = ref;
      this.id = id;
      this.lastCellMillis = now;
    }
  }

  private final Map<R, Hop<R>> byRef = new HashMap<>();
  private final Map<Long, Hop<R>> byId = new HashMap<>();
  private final QueuedCells queued;

  /** {@code queued}: the ledger of the cells the hops hold, bounded node-wide. */
  RelayHops(QueuedCells queued) {
    this.queued = queued;
  }

  /** The gauge hop number {@code id} reports its queued cells through (given to it before it is added). */
  QueuedCells.Gauge gauge(long id) {
    return queued.gauge(id);
  }

  /** Adds hop number {@code id} (unique: the caller's spawn counter), created at {@code now}. */
  void add(long id, R ref, long now) {
    Hop<R> hop = new Hop<>(ref, id, now);
    byRef.put(ref, hop);
    byId.put(id, hop);
  }

  /** {@code ref} received a cell at {@code now}. */
  void heardFrom(R ref, long now) {
    Hop<R> hop = byRef.get(ref);
    if (hop != null) {
      hop.lastCellMillis = Math.max(hop.lastCellMillis, now);
    }
  }

  /** Forgets {@code ref} (it stopped) and its queued cells; false when it was not here. */
  boolean remove(Object ref) {
    Hop<R> hop = byRef.remove(ref);
    if (hop == null) {
      return false;
    }
    byId.remove(hop.id);
    queued.forget(hop.id);
    return true;
  }

  /** The hops silent for at least {@code timeout} at {@code now}, now marked as closing. */
  List<R> closeIdle(long now, Duration timeout) {
    List<R> idle = new ArrayList<>();
    long limit = timeout.toMillis();
    for (Hop<R> hop : byRef.values()) {
      if (!hop.closing && now - hop.lastCellMillis >= limit) {
        hop.closing = true;
        idle.add(hop.ref);
      }
    }
    return idle;
  }

  /**
   * When the cells queued on the hops are over their bound: the hops holding the oldest
   * ({@link QueuePressure}), now marked as closing and their cells no longer counted. Empty
   * when under the bound. Re-arms the ledger's request for the next check.
   */
  List<R> closeOverQueueBound() {
    queued.checking();
    List<R> victims = new ArrayList<>();
    for (long id : QueuePressure.victims(queued.snapshot(), queued.limit())) {
      queued.forget(id);
      Hop<R> hop = byId.get(id);
      if (hop != null && !hop.closing) { // a closing hop's cells go with it anyway
        hop.closing = true;
        victims.add(hop.ref);
      }
    }
    return victims;
  }

  /** Cells queued on all hops now (their bound: {@link #queueLimit()}). */
  long queuedCells() {
    return queued.total();
  }

  long queueLimit() {
    return queued.limit();
  }

  /** True while {@code ref} is here. */
  boolean contains(Object ref) {
    return byRef.containsKey(ref);
  }

  /** Hops relayed now, closing ones included (they hold their resources until they stop). */
  int size() {
    return byRef.size();
  }

  /** Every hop's actor, for views. */
  List<R> refs() {
    return new ArrayList<>(byRef.keySet());
  }
}
