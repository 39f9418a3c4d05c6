package io.shroud.node.admission;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one-line WARNs about refused or failed Artery TLS sessions. A stranger's node retries its
 * join every few seconds, so the same line is written at most once per interval, with the count
 * of repeats not written; at most {@link #MAX_LINES} different lines are tracked. Lines are made
 * safe first: the reason may quote names from a peer's certificate, so control characters are
 * replaced and the line is clipped. Thread-safe (called from the TLS stages of many connections).
 */
final class RefusalLog {
  static final int MAX_LINES = 256;
  static final int MAX_LINE_CHARS = 400;

  private final Clock clock;
  private final Duration interval;
  private final Consumer<String> sink;
  private final Map<String, Seen> seen = new LinkedHashMap<>();

  private static final class Seen {
    Instant last;
    long suppressed;

    Seen(Instant last) {
      this.last = last;
    }
  }

  RefusalLog(Clock clock, Duration interval, Consumer<String> sink) {
    this.clock = clock;
    this.interval = interval;
    this.sink = sink;
  }

  /** Writes {@code line} (made safe), unless the same line was written within the interval. */
  void report(String line) {
    String safe = safe(line);
    String out;
    synchronized (this) {
      Instant now = clock.instant();
      Seen s = seen.get(safe);
      if (s != null && now.isBefore(s.last.plus(interval))) {
        s.suppressed++;
        return;
      }
      long suppressed = s == null ? 0 : s.suppressed;
      if (s == null) {
        if (seen.size() >= MAX_LINES) {
          seen.remove(seen.keySet().iterator().next());
        }
        seen.put(safe, new Seen(now));
      } else {
        s.last = now;
        s.suppressed = 0;
      }
      out = suppressed == 0 ? safe : safe + " (" + suppressed + " more like this not logged)";
    }
    sink.accept(out);
  }

  /** {@code text} with every control or non-ASCII character as '?', at most {@link #MAX_LINE_CHARS} long. */
  static String safe(String text) {
    String t = text == null ? "null" : text;
    StringBuilder b = new StringBuilder(Math.min(t.length(), MAX_LINE_CHARS + 1));
    for (int i = 0; i < t.length() && b.length() < MAX_LINE_CHARS; i++) {
      char c = t.charAt(i);
      b.append(c < 0x20 || c > 0x7e ? '?' : c);
    }
    if (t.length() > MAX_LINE_CHARS) {
      b.append("...");
    }
    return b.toString();
  }
}
