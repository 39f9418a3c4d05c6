package io.shroud.admission;

/**
 * The flags a consensus gives a relay (docs/protocol.md §10.8), earned from the authorities'
 * measurements ({@link ConsensusBuilder}); path selection reads them. Each has a fixed bit in
 * the encoded flags byte.
 */
public enum RelayFlag {
  /** May be a first hop: Fast, Stable, long uptime and at least the median weight. */
  GUARD(0),
  /** Measured weight in the upper 7/8 of the listed relays, or at least the fast guarantee. */
  FAST(1),
  /** Its uptime, as the authorities saw it, is at least the stable minimum. */
  STABLE(2);

  private final int bit;

  RelayFlag(int bit) {
    this.bit = bit;
  }

  /** The flag's bit in the encoded flags byte: 1 &lt;&lt; bit. */
  public int mask() {
    return 1 << bit;
  }

  /** Every defined bit: a flags byte with any other bit set is refused. */
  static int allMask() {
    int m = 0;
    for (RelayFlag f : values()) {
      m |= f.mask();
    }
    return m;
  }
}
