package io.shroud.circuit;

import io.shroud.identity.NodeId;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A token bucket per remote node for CREATE cells: {@code burst} at once, then
 * {@code perSecond}. At most {@link #MAX_TRACKED} nodes are tracked; full buckets are pruned
 * first, and when none is full the request is refused (fail closed). Pure; clock injected.
 */
public final class CreateRateLimiter {
  public static final int MAX_TRACKED = 4096;

  private record Bucket(double tokens, long atNanos) {}

  private final Clock clock;
  private final int burst;
  private final double perSecond;
  private final Map<NodeId, Bucket> buckets = new HashMap<>();

  public CreateRateLimiter(Clock clock, int burst, double perSecond) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.burst = burst;
    this.perSecond = perSecond;
  }

  /** Takes one token for {@code from}; false when its bucket is empty. */
  public boolean tryAcquire(NodeId from) {
    long now = nanos();
    Bucket bucket = buckets.get(from);
    double tokens = bucket == null ? burst : refill(bucket, now);
    if (bucket == null && buckets.size() >= MAX_TRACKED) {
      buckets.entrySet().removeIf(e -> refill(e.getValue(), now) >= burst);
      if (buckets.size() >= MAX_TRACKED) {
        return false;
      }
    }
    if (tokens < 1) {
      buckets.put(from, new Bucket(tokens, now));
      return false;
    }
    buckets.put(from, new Bucket(tokens - 1, now));
    return true;
  }

  private double refill(Bucket bucket, long now) {
    return Math.min(burst, bucket.tokens() + (now - bucket.atNanos()) / 1e9 * perSecond);
  }

  private long nanos() {
    var instant = clock.instant();
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
