package io.shroud.node.admission;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Continuous uptime of cluster members as this node sees them, by cluster address
 * ({@code host:port}): counted from when a member was seen Up (or reachable again) and reset when
 * it becomes unreachable, leaves or is removed. What an authority votes as a relay's uptime
 * (design.md §8.2). Pure; not thread-safe.
 */
public final class UptimeTracker {
  private final Map<String, Instant> upSince = new HashMap<>();

  /** {@code member} is Up and reachable at {@code at}; a member already counted keeps its start. */
  public void up(String member, Instant at) {
    upSince.putIfAbsent(member, at);
  }

  /** {@code member} is unreachable, leaving or gone: its uptime starts again when it is up. */
  public void down(String member) {
    upSince.remove(member);
  }

  /** How long {@code member} has been up without a break at {@code now}; zero if it is not up. */
  public Duration uptime(String member, Instant now) {
    Instant since = upSince.get(member);
    if (since == null || since.isAfter(now)) {
      return Duration.ZERO;
    }
    return Duration.between(since, now);
  }

  @Override
  public String toString() {
    return "UptimeTracker[" + upSince.size() + " up]";
  }
}
