package io.shroud.rendezvous;

import java.time.Duration;

/**
 * How a {@link HiddenSeederActor} runs.
 *
 * @param hops of every circuit (intro, publication, rendezvous): {@code shroud.seeding.hops}
 * @param tick effort rule, relays, plans' ends (at most a minute)
 * @param drop DROP on each intro circuit (under the 5-minute origin idle timeout)
 * @param retry before a failed store is tried again, or intro points are drawn again after a failure
 * @param timeout for a circuit build, a binding, a store
 * @param maxRendezvous rendezvous circuits being built at once
 * @param rendezvousPerSecond rendezvous circuits started a second at most, after a burst of
 *     {@code maxRendezvous}: under the CREATE rate its guard allows it (protocol §10, 5 a
 *     second), so a flood of introductions waits in the queue, where work orders it (§11.9),
 *     instead of spending the seeder's circuits (design.md §8.10)
 */
public record HiddenSeederSettings(int hops, Duration tick, Duration drop, Duration retry, Duration timeout,
    int maxRendezvous, int rendezvousPerSecond) {
  /** Four a second: one below a relay's CREATE rate per link, left for intro and publication circuits. */
  public static final int DEFAULT_RENDEZVOUS_PER_SECOND = 4;

  public HiddenSeederSettings(int hops, Duration tick, Duration drop, Duration retry, Duration timeout,
      int maxRendezvous) {
    this(hops, tick, drop, retry, timeout, maxRendezvous, DEFAULT_RENDEZVOUS_PER_SECOND);
  }

  public static HiddenSeederSettings defaults(int hops) {
    return new HiddenSeederSettings(hops, Duration.ofMinutes(1), Duration.ofMinutes(4), Duration.ofSeconds(5),
        Duration.ofMinutes(2), 8);
  }
}
