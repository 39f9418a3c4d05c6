package io.shroud.link;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Rate limit for the log lines about peers the node refused or cut (a handshake that stalled, a
 * malformed or oversized frame, a connection over a cap): at most one line per address per
 * interval, and at most {@code maxLinesPerInterval} lines per interval in all, so that neither
 * one address nor many can flood the log. What is not logged is counted and said in the next
 * line: for an address, in that address's next line; beyond the overall budget, in the next
 * line of any address.
 *
 * <p>Holds at most the addresses that got a line in the last two intervals. Plain and
 * single-threaded ({@code LinksActor}'s); the caller never passes key material or frame contents.
 */
final class AbuseLog {
  /**
   * One line to log.
   *
   * @param suppressed events from this address since its last line that were not logged
   * @param othersSuppressed events from other addresses not logged (overall budget, or an
   *     address that has not come back)
   */
  record Line(String address, String event, long suppressed, long othersSuppressed) {
    /** The line's text, e.g. {@code 127.42.0.5: handshake timeout (3 more not logged)}. */
    String text() {
      StringBuilder s = new StringBuilder(address).append(": ").append(event);
      if (suppressed > 0 || othersSuppressed > 0) {
        s.append(" (");
        if (suppressed > 0) {
          s.append(suppressed).append(" more from this address");
        }
        if (othersSuppressed > 0) {
          s.append(suppressed > 0 ? "; " : "").append(othersSuppressed).append(" from other addresses");
        }
        s.append(" not logged)");
      }
      return s.toString();
    }
  }

  private static final class Seen {
    final Instant lastLine;
    long suppressed;

    Seen(Instant lastLine) {
      this.lastLine = lastLine;
    }
  }

  private final Clock clock;
  private final Duration interval;
  private final int maxLinesPerInterval;
  private final Map<String, Seen> seen = new HashMap<>();
  private Instant windowStart = Instant.MIN;
  private int linesInWindow;
  private long othersSuppressed;
  private long totalSuppressed;

  AbuseLog(Clock clock, Duration interval, int maxLinesPerInterval) {
    if (maxLinesPerInterval < 1) {
      throw new IllegalArgumentException("maxLinesPerInterval must be at least 1");
    }
    this.clock = clock;
    this.interval = interval;
    this.maxLinesPerInterval = maxLinesPerInterval;
  }

  /** An event about {@code address}: the line to log now, or null when it is only counted. */
  Line offer(String address, String event) {
    Instant now = clock.instant();
    Seen last = seen.get(address);
    if (last != null && now.isBefore(last.lastLine.plus(interval))) {
      last.suppressed++;
      totalSuppressed++;
      return null;
    }
    if (!now.isBefore(windowStart.plus(interval))) {
      windowStart = now;
      linesInWindow = 0;
      forgetExpired(now, address);
    }
    if (linesInWindow >= maxLinesPerInterval) {
      othersSuppressed++;
      totalSuppressed++;
      return null;
    }
    linesInWindow++;
    Line line = new Line(address, event, last == null ? 0 : last.suppressed, othersSuppressed);
    othersSuppressed = 0;
    seen.put(address, new Seen(now));
    return line;
  }

  /** Events counted and not logged, since this log was made. */
  long suppressed() {
    return totalSuppressed;
  }

  /** Addresses remembered now (for tests: the map stays bounded). */
  int remembered() {
    return seen.size();
  }

  /**
   * Forgets addresses whose interval has passed (their next event would be logged anyway), but
   * {@code current}, which is about to get its line; what they had not logged goes into the next
   * line as "from other addresses".
   */
  private void forgetExpired(Instant now, String current) {
    seen.entrySet().removeIf(e -> {
      boolean expired = !e.getKey().equals(current) && !now.isBefore(e.getValue().lastLine.plus(interval));
      if (expired) {
        othersSuppressed += e.getValue().suppressed;
      }
      return expired;
    });
  }
}
