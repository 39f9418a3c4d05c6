package io.shroud.dht;

import java.time.Duration;
import java.util.Objects;

/**
 * Routing-table parameters.
 *
 * @param k bucket size and the number of closest nodes a lookup converges on (Kademlia's k)
 * @param replacementCacheSize candidates kept per full bucket, newest first, to replace
 *     contacts that stop answering
 * @param maxPerSubnet contacts allowed from one IPv4 /24 or IPv6 /64 in one bucket
 * @param refreshInterval a bucket untouched for this long is due for a refresh lookup
 * @param pingTimeout after this long a ping-before-evict decision that was never resolved may
 *     be issued again for the same bucket
 * @param maxFailures consecutive failures (timeouts) after which a contact is evicted
 */
public record RoutingConfig(
    int k,
    int replacementCacheSize,
    int maxPerSubnet,
    Duration refreshInterval,
    Duration pingTimeout,
    int maxFailures) {

  /** Kademlia's k. */
  public static final int K = 20;
  /** Kademlia's α: queries in flight per lookup. */
  public static final int ALPHA = 3;
  public static final int DEFAULT_REPLACEMENT_CACHE_SIZE = 8;
  public static final int DEFAULT_MAX_PER_SUBNET = 2;
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMinutes(15);
  public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_FAILURES = 2;

  public RoutingConfig {
    Objects.requireNonNull(refreshInterval, "refreshInterval");
    Objects.requireNonNull(pingTimeout, "pingTimeout");
    if (k < 1 || replacementCacheSize < 0 || maxPerSubnet < 1 || maxFailures < 1) {
      throw new IllegalArgumentException("k, maxPerSubnet and maxFailures must be positive,"
          + " replacementCacheSize not negative");
    }
    if (refreshInterval.isNegative() || refreshInterval.isZero() || pingTimeout.isNegative()) {
      throw new IllegalArgumentException("refreshInterval must be positive, pingTimeout not negative");
    }
  }

  public static RoutingConfig defaults() {
    return new RoutingConfig(K, DEFAULT_REPLACEMENT_CACHE_SIZE, DEFAULT_MAX_PER_SUBNET,
        DEFAULT_REFRESH_INTERVAL, DEFAULT_PING_TIMEOUT, DEFAULT_MAX_FAILURES);
  }
}
