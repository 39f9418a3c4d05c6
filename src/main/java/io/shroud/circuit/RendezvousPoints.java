package io.shroud.circuit;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The cookies downloaders left at this relay as a rendezvous point (protocol §11.7): each maps to
 * the downloader's circuit until a RENDEZVOUS1 takes it, the circuit ends, or it is
 * {@link #EXPIRY_MILLIS} old. At most {@link #MAX_COOKIES} pending. Pure: time comes in as epoch
 * milliseconds from the caller's clock; {@link RendezvousActor} is the only caller.
 *
 * @param <R> how the caller names a circuit (its relay hop's actor)
 */
final class RendezvousPoints<R> {
  /** Pending cookies per relay; an ESTABLISH_RENDEZVOUS beyond is refused with RESOURCE_LIMIT. */
  static final int MAX_COOKIES = 4096;
  /** A cookie no RENDEZVOUS1 took within 2 minutes is forgotten. */
  static final long EXPIRY_MILLIS = 120_000;
  static final int COOKIE_BYTES = 20;

  /** The answer to an ESTABLISH_RENDEZVOUS. */
  enum Established { OK, COOKIE_IN_USE, FULL }

  private record Pending<R>(R circuit, long since) {}

  /** In the order they came, oldest first (what {@link #expire} relies on). */
  private final Map<String, Pending<R>> byCookie = new LinkedHashMap<>();
  private final Map<R, String> byCircuit = new HashMap<>();

  /** Maps {@code cookie} to {@code circuit} at {@code now}, unless it is in use or the relay is full. */
  Established establish(byte[] cookie, R circuit, long now) {
    expire(now);
    String key = HexFormat.of().formatHex(cookie);
    if (byCookie.containsKey(key)) {
      return Established.COOKIE_IN_USE;
    }
    if (byCookie.size() >= MAX_COOKIES) {
      return Established.FULL;
    }
    byCookie.put(key, new Pending<>(circuit, now));
    byCircuit.put(circuit, key);
    return Established.OK;
  }

  /** For a RENDEZVOUS1: the downloader's circuit waiting with {@code cookie}, now forgotten; empty if none (or expired). */
  Optional<R> take(byte[] cookie, long now) {
    expire(now);
    Pending<R> pending = byCookie.remove(HexFormat.of().formatHex(cookie));
    if (pending == null) {
      return Optional.empty();
    }
    byCircuit.remove(pending.circuit());
    return Optional.of(pending.circuit());
  }

  /**
   * Forgets the cookies older than {@link #EXPIRY_MILLIS} at {@code now}: from the oldest on, up
   * to the first that is younger (a step back of the clock only delays expiry).
   */
  void expire(long now) {
    for (Iterator<Pending<R>> it = byCookie.values().iterator(); it.hasNext(); ) {
      Pending<R> pending = it.next();
      if (now - pending.since() < EXPIRY_MILLIS) {
        return;
      }
      byCircuit.remove(pending.circuit());
      it.remove();
    }
  }

  /** {@code circuit} ended: its cookie, if still pending, is forgotten. */
  void circuitEnded(R circuit) {
    String key = byCircuit.remove(circuit);
    if (key != null) {
      byCookie.remove(key);
    }
  }

  /** Cookies pending now. */
  int size() {
    return byCookie.size();
  }
}
