package io.shroud.wire;

import java.time.Duration;
import java.util.Objects;

/**
 * When a link direction re-keys: after every {@code cells} records in that direction (both ends
 * count, no signal needed), and when {@code interval} has passed on the sender's clock since
 * its last rekey (the sender announces it with a REKEY cell).
 */
public record RekeyPolicy(long cells, Duration interval) {
  /** Largest allowed {@code cells}: far below the 2^64-1 nonce limit. */
  public static final long MAX_CELLS = 1L << 48;
  /** {@link CellFormat#DEFAULT_REKEY_CELLS} and {@link CellFormat#DEFAULT_REKEY_INTERVAL}. */
  public static final RekeyPolicy DEFAULT =
      new RekeyPolicy(CellFormat.DEFAULT_REKEY_CELLS, CellFormat.DEFAULT_REKEY_INTERVAL);

  public RekeyPolicy {
    Objects.requireNonNull(interval, "interval");
    if (cells < 1 || cells > MAX_CELLS) {
      throw new IllegalArgumentException("rekey cells must be in 1.." + MAX_CELLS + ": " + cells);
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("rekey interval must be positive: " + interval);
    }
  }
}
