package io.shroud.hidden;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Time periods of hidden seeding (docs/protocol.md §11.2): {@code n = floor(unix seconds /
 * 86 400)}, UTC days. Around a boundary a seeder publishes for the next period too, in the last
 * hour of the current one, and a downloader looks up the neighbouring period within an hour of
 * either boundary, so clocks that differ by minutes still meet.
 */
public final class HsPeriod {
  public static final Duration LENGTH = Duration.ofDays(1);
  /** How close to a boundary the neighbouring period counts too. */
  public static final Duration OVERLAP = Duration.ofHours(1);
  private static final long LENGTH_SECONDS = LENGTH.getSeconds();
  private static final long OVERLAP_SECONDS = OVERLAP.getSeconds();

  private final Clock clock;

  public HsPeriod(Clock clock) {
    this.clock = clock;
  }

  /** The period of an instant (instants before 1970 are refused). */
  public static long of(Instant t) {
    if (t.getEpochSecond() < 0) {
      throw new IllegalArgumentException("no hidden-seeding period before 1970: " + t);
    }
    return t.getEpochSecond() / LENGTH_SECONDS;
  }

  /** When period {@code n} begins. */
  public static Instant start(long n) {
    return Instant.ofEpochSecond(Math.multiplyExact(n, LENGTH_SECONDS));
  }

  /** When period {@code n} ends (the start of {@code n + 1}). */
  public static Instant end(long n) {
    return start(n + 1);
  }

  /** The current period. */
  public long current() {
    return of(clock.instant());
  }

  /**
   * The periods a seeder publishes for now: the current one and, in its last hour, the next
   * one too (current first).
   */
  public List<Long> publishPeriods() {
    long s = clock.instant().getEpochSecond();
    long n = of(clock.instant());
    long intoPeriod = s - n * LENGTH_SECONDS;
    return intoPeriod >= LENGTH_SECONDS - OVERLAP_SECONDS ? List.of(n, n + 1) : List.of(n);
  }

  /**
   * The periods a downloader looks up now: the current one and, within an hour of either
   * boundary, the neighbouring one (current first).
   */
  public List<Long> lookupPeriods() {
    long s = clock.instant().getEpochSecond();
    long n = of(clock.instant());
    long intoPeriod = s - n * LENGTH_SECONDS;
    if (intoPeriod < OVERLAP_SECONDS && n > 0) {
      return List.of(n, n - 1);
    }
    if (intoPeriod >= LENGTH_SECONDS - OVERLAP_SECONDS) {
      return List.of(n, n + 1);
    }
    return List.of(n);
  }
}
