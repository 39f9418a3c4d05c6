package io.shroud.store;

import java.time.Duration;

/**
 * {@code shroud.store}: what a relay keeps for others (docs/protocol.md §12.5). {@code quotaBytes}
 * of fragments at most (0: the relay stores nothing, and answers every PUT REFUSED);
 * {@code maxLease} the longest lease it grants.
 */
public record StoreSettings(long quotaBytes, Duration maxLease) {
  public StoreSettings {
    if (quotaBytes < 0) {
      throw new IllegalArgumentException("quota must be 0 or more bytes");
    }
    if (maxLease.isNegative() || maxLease.isZero()) {
      throw new IllegalArgumentException("max-lease must be positive");
    }
  }

  public static StoreSettings defaults() {
    return new StoreSettings(1L << 30, Duration.ofDays(30));
  }
}
