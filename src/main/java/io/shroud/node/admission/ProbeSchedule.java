package io.shroud.node.admission;

import io.shroud.identity.NodeId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which relay an authority probes next, and what its probes found (design.md §8.2). One probe at
 * a time; each relay at most once per {@code interval} (a relay the last probe did not reach,
 * once per quarter interval: a relay still starting gets its retries before it is voted
 * unreachable); the relay probed longest ago (never probed first, ties by node id) goes next. A probe that does not finish within
 * {@code timeout} counts as failed. Pure; the clock is injected; not thread-safe.
 */
public final class ProbeSchedule {
  /** What the last finished probe of a relay found: reached its data port, and at what speed. */
  public record Result(boolean reached, long kibps, Instant at) {}

  private final Clock clock;
  private final Duration interval;
  private final Duration timeout;
  private final Map<NodeId, Instant> lastStarted = new HashMap<>();
  private final Map<NodeId, Result> results = new HashMap<>();
  private NodeId inFlight;
  private Instant inFlightSince;

  public ProbeSchedule(Clock clock, Duration interval, Duration timeout) {
    this.clock = clock;
    this.interval = interval;
    this.timeout = timeout;
  }

  /**
   * The relay to probe now among {@code relays}, marked as started; empty while a probe is in
   * flight or every relay was probed within the interval.
   */
  public Optional<NodeId> next(Collection<NodeId> relays) {
    Instant now = clock.instant();
    if (inFlight != null) {
      if (now.isBefore(inFlightSince.plus(timeout))) {
        return Optional.empty();
      }
      finished(inFlight, false, 0); // timed out
    }
    NodeId pick = null;
    Instant pickLast = null;
    for (NodeId id : relays) {
      Instant last = lastStarted.get(id);
      Result result = results.get(id);
      Duration wait = result != null && !result.reached() ? interval.dividedBy(4) : interval;
      if (last != null && now.isBefore(last.plus(wait))) {
        continue;
      }
      Instant key = last == null ? Instant.MIN : last;
      if (pick == null || key.isBefore(pickLast) || key.equals(pickLast) && id.compareTo(pick) < 0) {
        pick = id;
        pickLast = key;
      }
    }
    if (pick != null) {
      inFlight = pick;
      inFlightSince = now;
      lastStarted.put(pick, now);
    }
    return Optional.ofNullable(pick);
  }

  /** The probe of {@code relay} ended: {@code reached} its data port, measured {@code kibps}. */
  public void finished(NodeId relay, boolean reached, long kibps) {
    if (relay.equals(inFlight)) {
      inFlight = null;
      inFlightSince = null;
    }
    results.put(relay, new Result(reached, reached ? kibps : 0, clock.instant()));
  }

  /** The last result of {@code relay}'s probes, if one finished. */
  public Optional<Result> result(NodeId relay) {
    return Optional.ofNullable(results.get(relay));
  }

  /** Forgets relays not in {@code relays} (gone from the directory). */
  public void retain(Collection<NodeId> relays) {
    lastStarted.keySet().retainAll(relays);
    results.keySet().retainAll(relays);
  }

  /**
   * KiB/s of {@code bytes} received in {@code nanos}: whole KiB/s, rounded down; at least 1 when
   * any byte arrived (a probe that delivered is not weight 0), 0 when none did.
   */
  public static long kibps(long bytes, long nanos) {
    if (bytes <= 0) {
      return 0;
    }
    double seconds = Math.max(nanos, 1) / 1e9;
    return Math.max(1, (long) (bytes / 1024.0 / seconds));
  }
}
