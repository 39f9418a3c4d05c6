package io.shroud.crypto;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Remembers handshake fingerprints until a given instant, so a relay refuses a replayed
 * CREATE for as long as the onion key it targets is accepted. Bounded: when {@code capacity}
 * unexpired entries are held, new fingerprints are refused ({@link Verdict#FULL}) rather than
 * forgetting old ones, so a flood cannot reopen a replay window. Expired entries are purged
 * oldest-inserted first. Not thread-safe: one owner (the relay's keys actor) calls it.
 */
public final class ReplayCache {
  /** What {@link #checkAndRemember} decided. */
  public enum Verdict {
    /** Not seen before; now remembered. */
    FRESH,
    /** Seen before and not yet expired: a replay. */
    REPLAY,
    /** Not seen, but the cache is full of unexpired entries: refuse. */
    FULL
  }

  private final Clock clock;
  private final int capacity;
  private final LinkedHashMap<ByteBuffer, Instant> entries = new LinkedHashMap<>();

  public ReplayCache(Clock clock, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.capacity = capacity;
  }

  /** Records {@code fingerprint} (kept until {@code keepUntil}) unless already present. */
  public Verdict checkAndRemember(byte[] fingerprint, Instant keepUntil) {
    Instant now = clock.instant();
    purgeExpired(now);
    ByteBuffer key = ByteBuffer.wrap(fingerprint.clone());
    Instant seenUntil = entries.get(key);
    if (seenUntil != null && now.isBefore(seenUntil)) {
      return Verdict.REPLAY;
    }
    if (!now.isBefore(keepUntil)) {
      return Verdict.FRESH; // nothing to remember: the key it targets is already retired
    }
    if (entries.size() >= capacity) {
      return Verdict.FULL;
    }
    entries.put(key, keepUntil);
    return Verdict.FRESH;
  }

  public int size() {
    return entries.size();
  }

  private void purgeExpired(Instant now) {
    Iterator<Map.Entry<ByteBuffer, Instant>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      if (now.isBefore(it.next().getValue())) {
        // Entries are mostly in expiry order; a later-expiring entry ahead of an expired one
        // only delays that one's purge, never lets a live entry go.
        if (entries.size() < capacity) {
          return;
        }
        continue;
      }
      it.remove();
    }
  }
}
