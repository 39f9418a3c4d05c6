package io.shroud.hidden;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * The seeder's replay check of introductions for one intro point's auth key (protocol §11.6,
 * "Replays"): it remembers {@code R = H("shroud-hs-intro-replay-v1" ‖ auth key ‖ X)} of every
 * introduction it opened, for the life of the auth key, and refuses an introduction whose
 * {@code X} it has seen. Unlike a relay's CREATE cache (crypto.ReplayCache), a full filter never
 * forgets to make room: that would let whoever sees INTRODUCE1 (the introduction point) replay
 * it later and watch the seeder come to the rendezvous point again. A full filter answers
 * {@link Verdict#FULL}: the seeder drops the introduction and retires the intro point (new keys,
 * new descriptor), as Tor does after 16 384 introductions.
 *
 * <p>Bounded ({@code capacity} entries, 16 bytes each), O(1) a call. Pure; clock injected; not
 * thread-safe (one owner, the seeder's intro point).
 */
public final class ReplayFilter {
  /** Introductions one auth key takes before its intro point must be replaced. */
  public static final int DEFAULT_CAPACITY = 16_384;
  /** Longer than an auth key lives: its 24-hour period plus the hours around the boundaries. */
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(26);

  private static final byte[] LABEL = "shroud-hs-intro-replay-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** What {@link #checkAndRemember} decided. */
  public enum Verdict {
    /** Not seen; now remembered. */
    FRESH,
    /** Seen within the window: drop it. */
    REPLAY,
    /** Not seen, but the filter is full: drop it and retire the intro point. */
    FULL
  }

  private record Key(long high, long low) {}

  private final byte[] authKey;
  private final Clock clock;
  private final long windowMillis;
  private final int capacity;
  private final LinkedHashMap<Key, Long> seen = new LinkedHashMap<>();
  private long replays;

  /** A filter of {@link #DEFAULT_CAPACITY} over {@link #DEFAULT_WINDOW}. */
  public ReplayFilter(byte[] authKey, Clock clock) {
    this(authKey, clock, DEFAULT_WINDOW, DEFAULT_CAPACITY);
  }

  public ReplayFilter(byte[] authKey, Clock clock, Duration window, int capacity) {
    this.authKey = Introduction.exact(authKey, Introduce1.AUTH_KEY_BYTES, "auth key");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (capacity < 1 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("capacity and window must be positive");
    }
    this.windowMillis = window.toMillis();
    this.capacity = capacity;
  }

  /**
   * True (and counted as a replay) if {@code x} was remembered within the window; remembers
   * nothing: the check before public-key work.
   */
  public boolean seen(byte[] x) {
    long now = clock.millis();
    purgeExpired(now);
    Long at = seen.get(key(x));
    boolean replay = at != null && now - at < windowMillis;
    if (replay) {
      replays++;
    }
    return replay;
  }

  /** Remembers {@code x} (the 32-byte X of an introduction that opened) unless seen or full. */
  public Verdict checkAndRemember(byte[] x) {
    long now = clock.millis();
    purgeExpired(now);
    Key key = key(x);
    Long at = seen.get(key);
    if (at != null && now - at < windowMillis) {
      replays++;
      return Verdict.REPLAY;
    }
    if (at != null) {
      seen.remove(key); // expired behind a younger entry (the clock stepped back)
    } else if (seen.size() >= capacity) {
      return Verdict.FULL;
    }
    seen.put(key, now);
    return Verdict.FRESH;
  }

  /** True once the filter holds {@code capacity} entries: time to retire this intro point. */
  public boolean full() {
    purgeExpired(clock.millis());
    return seen.size() >= capacity;
  }

  public int size() {
    return seen.size();
  }

  /** Replays refused so far (a sign of a hostile introduction point). */
  public long replays() {
    return replays;
  }

  public byte[] authKey() {
    return authKey.clone();
  }

  private void purgeExpired(long now) {
    Iterator<Long> it = seen.values().iterator();
    while (it.hasNext() && now - it.next() >= windowMillis) {
      it.remove();
    }
  }

  private Key key(byte[] x) {
    if (x == null || x.length != 32) {
      throw new IllegalArgumentException("X has 32 bytes");
    }
    byte[] r = ServiceKeys.sha256(LABEL, authKey, x);
    return new Key(longAt(r, 0), longAt(r, 8));
  }

  private static long longAt(byte[] b, int offset) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[offset + i] & 0xFF);
    }
    return v;
  }

  @Override
  public String toString() {
    return "ReplayFilter[" + seen.size() + "/" + capacity + "]";
  }
}
