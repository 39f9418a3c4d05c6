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
 * given when added. A hop that is being closed is never picked again. Pure: time comes in as
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
  private long nextId;

  /** Adds a hop created at {@code now}; returns its number. */
  long add(R ref, long now) {
    Hop<R> hop = new Hop<>(ref, ++nextId, now);
    byRef.put(ref, hop);
    byId.put(hop.id, hop);
    return hop.id;
  }

  /** {@code ref} received a cell at {@code now}. */
  void heardFrom(R ref, long now) {
    Hop<R> hop = byRef.get(ref);
    if (hop != null) {
      hop.lastCellMillis = Math.max(hop.lastCellMillis, now);
    }
  }

  /** Forgets {@code ref}; returns its number, or -1 when it was not here. */
  long remove(Object ref) {
    Hop<R> hop = byRef.remove(ref);
    if (hop == null) {
      return -1;
    }
    byId.remove(hop.id);
    return hop.id;
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

  /** The hop numbered {@code id}, now marked as closing; null when it is gone or already closing. */
  R close(long id) {
    Hop<R> hop = byId.get(id);
    if (hop == null || hop.closing) {
      return null;
    }
    hop.closing = true;
    return hop.ref;
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
