package io.shroud.wire;


import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A token bucket of {@code burst} tokens refilled at {@code rate} a second, read from an injected
 * {@link Clock}: the upload limit for serving shares (tokens are bytes: a provider takes a block's
 * length before sending it, and when the bucket is short REJECTs with {@code RATE_LIMITED} or
 * schedules the send after {@link #timeUntil}), and the pace of a hidden seeder's rendezvous
 * circuits (a token a circuit). Exact integer arithmetic (tokens are counted in
 * billionths of a byte), no drift however often it is polled; a clock that steps back refills
 * nothing. Not thread-safe.
 */
public final class TokenBucket {
  /** Largest rate and burst accepted (1 GiB), which keeps the arithmetic inside a long. */
  public static final long MAX_RATE = 1L << 30;

  private static final long NANOS = 1_000_000_000L;

  private final long rate;
  private final long burst;
  private final Clock clock;
  private long scaled; // tokens × 10^9
  private long lastNanos;

  /** A full bucket. */
  public TokenBucket(long bytesPerSecond, long burst, Clock clock) {
    if (bytesPerSecond < 1 || bytesPerSecond > MAX_RATE) {
      throw new IllegalArgumentException("rate must be 1.." + MAX_RATE + " bytes/s");
    }
    if (burst < 1 || burst > MAX_RATE) {
      throw new IllegalArgumentException("burst must be 1.." + MAX_RATE + " bytes");
    }
    this.rate = bytesPerSecond;
    this.burst = burst;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scaled = burst * NANOS;
    this.lastNanos = nanos(clock.instant());
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * NANOS + t.getNano();
  }

  private void refill() {
    long now = nanos(clock.instant());
    long elapsed = now - lastNanos;
    if (elapsed <= 0) {
      return;
    }
    lastNanos = now;
    long full = burst * NANOS;
    long cap = (full - scaled + rate - 1) / rate; // nanos to fill up
    scaled = elapsed >= cap ? full : scaled + elapsed * rate;
  }

  /** Whole bytes available now. */
  public long available() {
    refill();
    return scaled / NANOS;
  }

  /** Takes {@code bytes} if they are all available now; otherwise takes nothing. */
  public boolean tryTake(long bytes) {
    checkSize(bytes);
    refill();
    if (scaled < bytes * NANOS) {
      return false;
    }
    scaled -= bytes * NANOS;
    return true;
  }

  /** How long until {@code bytes} are available (zero if they are now). */
  public Duration timeUntil(long bytes) {
    checkSize(bytes);
    refill();
    long missing = bytes * NANOS - scaled;
    return missing <= 0 ? Duration.ZERO : Duration.ofNanos((missing + rate - 1) / rate);
  }

  private void checkSize(long bytes) {
    if (bytes < 0 || bytes > burst) {
      throw new IllegalArgumentException(
          "cannot take " + bytes + " bytes from a bucket of " + burst);
    }
  }

  public long bytesPerSecond() {
    return rate;
  }

  public long burst() {
    return burst;
  }
}
