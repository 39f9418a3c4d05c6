package io.shroud.crypto;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * Remembers CREATE fingerprints for a short window, so a relay refuses a CREATE it has just
 * answered (protocol §6.3.4, "Replay window"). It is not what keeps the handshake fresh (the
 * relay's own ephemeral key and its encapsulation to the origin's ephemeral ML-KEM key do: a
 * replayed CREATE gets a CREATED with new keys its sender cannot compute); it refuses exact
 * repeats, which no honest origin sends, before any public-key work, and counts them.
 *
 * <p>Bounded: at most {@code capacity} fingerprints, each kept for {@code window}. A new
 * fingerprint is never refused: when the cache is full the oldest entry goes
 * ({@link #evictedEarly()} counts those that went before their window ended, i.e. the window
 * shrank under a flood of CREATEs). Every call is O(1): entries sit in insertion order, expired
 * ones are removed from the front, and a lookup is one hash probe. 128 bits of each fingerprint
 * are kept (a false match needs a 2⁻¹²⁸ collision). Pure; clock injected. Not thread-safe: one
 * owner (the relay's {@code CircuitsActor}) calls it.
 */
public final class ReplayCache {
  /** How long a fingerprint is remembered unless {@code capacity} runs out first. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

  /** What {@link #checkAndRemember} decided. */
  public enum Verdict {
    /** Not seen within the window; now remembered. */
    FRESH,
    /** Seen within the window: a replay. */
    REPLAY
  }

  private record Key(long high, long low) {}

  private final Clock clock;
  private final long windowMillis;
  private final int capacity;
  /** Fingerprint → when it was seen (epoch millis), oldest first. */
  private final LinkedHashMap<Key, Long> seen = new LinkedHashMap<>();
  private long evictedEarly;

  /** A cache of {@code capacity} fingerprints over {@link #DEFAULT_WINDOW}. */
  public ReplayCache(Clock clock, int capacity) {
    this(clock, DEFAULT_WINDOW, capacity);
  }

  public ReplayCache(Clock clock, Duration window, int capacity) {
    if (capacity < 1 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("capacity and window must be positive");
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.windowMillis = window.toMillis();
    this.capacity = capacity;
  }

  /** {@link Verdict#REPLAY} if {@code fingerprint} (at least 16 bytes) was seen within the window; else remembers it. */
  public Verdict checkAndRemember(byte[] fingerprint) {
    long now = clock.millis();
    purgeExpired(now);
    Key key = key(fingerprint);
    Long at = seen.get(key);
    if (at != null && now - at < windowMillis) {
      return Verdict.REPLAY;
    }
    if (at != null) {
      seen.remove(key); // expired but behind a younger entry (the clock stepped back): re-enter at the end
    } else if (seen.size() >= capacity) {
      Iterator<Long> oldest = seen.values().iterator();
      oldest.next();
      oldest.remove();
      evictedEarly++;
    }
    seen.put(key, now);
    return Verdict.FRESH;
  }

  /** Fingerprints held now. */
  public int size() {
    return seen.size();
  }

  /** Fingerprints let go before their window ended, to make room. */
  public long evictedEarly() {
    return evictedEarly;
  }

  /** Drops expired entries from the front; stops at the first one still inside the window. */
  private void purgeExpired(long now) {
    Iterator<Long> it = seen.values().iterator();
    while (it.hasNext() && now - it.next() >= windowMillis) {
      it.remove();
    }
  }

  private static Key key(byte[] fingerprint) {
    if (fingerprint.length < 16) {
      throw new IllegalArgumentException("a fingerprint has at least 16 bytes");
    }
    return new Key(longAt(fingerprint, 0), longAt(fingerprint, 8));
  }

  private static long longAt(byte[] b, int offset) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[offset + i] & 0xFF);
    }
    return v;
  }
}
