package io.shroud.dht;

import io.shroud.identity.NodeId;
import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A token bucket per remote node: {@code burst} requests at once, then {@code perSecond}. The
 * DHT takes one for every query a peer sends ({@code DhtActor}); circuits take one for every
 * CREATE ({@code circuit.CircuitsActor}), so it lives here, in the lower of the two layers.
 *
 * <p>Bounded in memory: at most {@code maxTracked} peers have a bucket. A bucket that has
 * refilled to {@code burst} is indistinguishable from a new one and is dropped as the map is
 * used (the least recently used entries are looked at on every call, so the map holds about the
 * peers active within the last {@code burst / perSecond} seconds). When {@code maxTracked} peers
 * are all still refilling, a new peer's bucket replaces the least recently used one, which then
 * starts again full: a peer can only profit from that after {@code maxTracked} other peers were
 * served since its last request. Counted in {@link #evictedEarly()}. Every call is O(1).
 *
 * <p>Pure: the clock is injected; a clock that steps back refills nothing. Not thread-safe:
 * one actor owns each instance.
 */
public final class PeerRateLimiter {
  /** Idle buckets looked at (and dropped when full) per call: enough to keep up with arrivals. */
  private static final int TRIM_PER_CALL = 2;

  private static final class Bucket {
    double tokens;
    long atNanos;

    Bucket(double tokens, long atNanos) {
      this.tokens = tokens;
      this.atNanos = atNanos;
    }
  }

  private final Clock clock;
  private final int burst;
  private final double perSecond;
  private final int maxTracked;
  /** Access order: the eldest entry is the peer heard from least recently. */
  private final LinkedHashMap<NodeId, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true);
  private long evictedEarly;

  public PeerRateLimiter(Clock clock, int burst, double perSecond, int maxTracked) {
    if (burst < 1 || !(perSecond > 0) || maxTracked < 1) {
      throw new IllegalArgumentException("burst, rate and maxTracked must be positive");
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.burst = burst;
    this.perSecond = perSecond;
    this.maxTracked = maxTracked;
  }

  /** Takes one token for {@code from}; false (nothing taken) when its bucket is empty. */
  public boolean tryAcquire(NodeId from) {
    long now = nanos();
    trimIdle(now);
    Bucket bucket = buckets.get(from);
    if (bucket == null) {
      if (buckets.size() >= maxTracked) {
        Iterator<Bucket> eldest = buckets.values().iterator();
        eldest.next();
        eldest.remove();
        evictedEarly++;
      }
      bucket = new Bucket(burst, now);
      buckets.put(from, bucket);
    } else {
      bucket.tokens = refilled(bucket, now);
      bucket.atNanos = Math.max(bucket.atNanos, now);
    }
    if (bucket.tokens < 1) {
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }

  /** Peers with a bucket now. */
  public int tracked() {
    return buckets.size();
  }

  /** Buckets dropped before they had refilled, because {@code maxTracked} peers were active. */
  public long evictedEarly() {
    return evictedEarly;
  }

  /** Drops up to {@link #TRIM_PER_CALL} least recently used buckets that have refilled. */
  private void trimIdle(long now) {
    Iterator<Map.Entry<NodeId, Bucket>> it = buckets.entrySet().iterator();
    for (int i = 0; i < TRIM_PER_CALL && it.hasNext(); i++) {
      if (refilled(it.next().getValue(), now) < burst) {
        return;
      }
      it.remove();
    }
  }

  private double refilled(Bucket bucket, long now) {
    long elapsed = Math.max(0, now - bucket.atNanos);
    return Math.min(burst, bucket.tokens + elapsed / 1e9 * perSecond);
  }

  private long nanos() {
    var instant = clock.instant();
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
