package io.shroud.swarm.pick;

import java.util.Objects;

/**
 * Policy knobs of a {@link PiecePicker}.
 *
 * @param maxStrikes strikes after which a source is banned (2–3 is sensible; at least 1)
 * @param endgameMaxRequesters in endgame, the most sources one block may be requested from at
 *     once (1 turns duplicate requests off)
 * @param ties how pieces of equal availability are ordered
 */
public record PickerConfig(int maxStrikes, int endgameMaxRequesters, Ties ties) {
  /** Three strikes, a block in flight from at most two sources in endgame, random ties. */
  public static final PickerConfig DEFAULT = new PickerConfig(3, 2);

  /** Order among untouched pieces that equally many sources have. */
  public enum Ties {
    /**
     * A random permutation drawn once per picker: downloaders that fetch from partial sources
     * spread their pieces over the swarm (BitTorrent's reason for random tie-breaking).
     */
    RANDOM,
    /**
     * Piece index order. When every source has every piece (Shroud's providers always send
     * HAVE all) random ties spread nothing, and pieces that complete nearly in order let the
     * downloader hash its output while it downloads instead of reading it back at the end.
     */
    IN_ORDER
  }

  /** Random ties. */
  public PickerConfig(int maxStrikes, int endgameMaxRequesters) {
    this(maxStrikes, endgameMaxRequesters, Ties.RANDOM);
  }

  public PickerConfig {
    if (maxStrikes < 1) {
      throw new IllegalArgumentException("maxStrikes must be at least 1");
    }
    if (endgameMaxRequesters < 1) {
      throw new IllegalArgumentException("endgameMaxRequesters must be at least 1");
    }
    Objects.requireNonNull(ties, "ties");
  }
}
