package io.shroud.dht;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the DHT actors ({@code DhtActor} and its children). The node feeds them from
 * configuration; {@link #defaults()} are the values of {@code docs/design.md} §7.
 *
 * @param k bucket size and the number of closest nodes a lookup converges on and a record is
 *     stored on
 * @param alpha queries in flight per lookup
 * @param queryTimeout how long a request (FIND_NODE, FIND_VALUE, STORE) waits for its answer
 * @param pingTimeout how long a ping-before-evict PING waits before the contact is replaced
 * @param refreshInterval a bucket idle this long is refreshed with a lookup in its range
 * @param recordMaxLifetime furthest ahead a record's expiry may be (stored and published)
 * @param republishFraction share of a record's lifetime after which its publisher re-stores it
 * @param snapshotEveryChanges persist the routing table's contacts after this many changes
 * @param snapshotInterval ...or after this long when anything changed since the last save
 * @param maintenanceInterval how often expired records are evicted, republishing is checked
 *     and each bucket actor checks whether its bucket is due for a refresh
 * @param persistRoutingTable false turns routing-table persistence off (tests without a journal)
 * @param queriesBurst requests (PING, FIND_NODE, FIND_VALUE, STORE) one remote node may send at once
 * @param queriesPerSecond ...and then per second; requests beyond are dropped unanswered
 */
public record DhtSettings(
    int k,
    int alpha,
    Duration queryTimeout,
    Duration pingTimeout,
    Duration refreshInterval,
    Duration recordMaxLifetime,
    double republishFraction,
    int snapshotEveryChanges,
    Duration snapshotInterval,
    Duration maintenanceInterval,
    boolean persistRoutingTable,
    int queriesBurst,
    double queriesPerSecond) {

  /** Remote nodes whose query buckets are kept at once (PeerRateLimiter's bound). */
  public static final int QUERY_RATE_PEERS = 4096;

  public DhtSettings {
    Objects.requireNonNull(queryTimeout, "queryTimeout");
    Objects.requireNonNull(pingTimeout, "pingTimeout");
    Objects.requireNonNull(refreshInterval, "refreshInterval");
    Objects.requireNonNull(recordMaxLifetime, "recordMaxLifetime");
    Objects.requireNonNull(snapshotInterval, "snapshotInterval");
    Objects.requireNonNull(maintenanceInterval, "maintenanceInterval");
    if (k < 1 || alpha < 1 || snapshotEveryChanges < 1 || queriesBurst < 1 || !(queriesPerSecond > 0)) {
      throw new IllegalArgumentException("k, alpha, snapshotEveryChanges and the query rate must be positive");
    }
    if (!(republishFraction > 0 && republishFraction < 1)) {
      throw new IllegalArgumentException("republishFraction must be in (0, 1)");
    }
    for (Duration d : new Duration[] {queryTimeout, pingTimeout, refreshInterval,
        recordMaxLifetime, snapshotInterval, maintenanceInterval}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("DHT durations must be positive, got " + d);
      }
    }
  }

  /**
   * k = 20, α = 3, 2 s queries, 5 s pings, 15 min refresh, 24 h records, republish at 3/4;
   * 500 queries at once per remote node, then 50 a second.
   */
  public static DhtSettings defaults() {
    return new DhtSettings(RoutingConfig.K, RoutingConfig.ALPHA, Duration.ofSeconds(2),
        Duration.ofSeconds(5), RoutingConfig.DEFAULT_REFRESH_INTERVAL,
        RecordVerifier.DEFAULT_MAX_LIFETIME, Republisher.REPUBLISH_FRACTION, 20,
        Duration.ofMinutes(5), Duration.ofMinutes(1), true, 500, 50.0);
  }

  /** The routing table's parameters (replacement cache, subnet limit, failures: defaults). */
  public RoutingConfig routingConfig() {
    return new RoutingConfig(k, RoutingConfig.DEFAULT_REPLACEMENT_CACHE_SIZE,
        RoutingConfig.DEFAULT_MAX_PER_SUBNET, refreshInterval, pingTimeout,
        RoutingConfig.DEFAULT_MAX_FAILURES);
  }

  public DhtSettings withTimeouts(Duration query, Duration ping) {
    return new DhtSettings(k, alpha, query, ping, refreshInterval, recordMaxLifetime,
        republishFraction, snapshotEveryChanges, snapshotInterval, maintenanceInterval,
        persistRoutingTable, queriesBurst, queriesPerSecond);
  }

  public DhtSettings withMaintenance(Duration interval, Duration refresh) {
    return new DhtSettings(k, alpha, queryTimeout, pingTimeout, refresh, recordMaxLifetime,
        republishFraction, snapshotEveryChanges, snapshotInterval, interval, persistRoutingTable,
        queriesBurst, queriesPerSecond);
  }

  public DhtSettings withPersistence(boolean persist, int everyChanges) {
    return new DhtSettings(k, alpha, queryTimeout, pingTimeout, refreshInterval,
        recordMaxLifetime, republishFraction, everyChanges, snapshotInterval,
        maintenanceInterval, persist, queriesBurst, queriesPerSecond);
  }

  public DhtSettings withQueryRate(int burst, double perSecond) {
    return new DhtSettings(k, alpha, queryTimeout, pingTimeout, refreshInterval,
        recordMaxLifetime, republishFraction, snapshotEveryChanges, snapshotInterval,
        maintenanceInterval, persistRoutingTable, burst, perSecond);
  }
}
