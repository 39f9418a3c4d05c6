package io.shroud.swarm;

/**
 * Policy knobs of a {@link PiecePicker}.
 *
 * @param maxStrikes strikes after which a source is banned (2–3 is sensible; at least 1)
 * @param endgameMaxRequesters in endgame, the most sources one block may be requested from at
 *     once (1 turns duplicate requests off)
 */
public record PickerConfig(int maxStrikes, int endgameMaxRequesters) {
  /** Three strikes, a block in flight from at most two sources in endgame. */
  public static final PickerConfig DEFAULT = new PickerConfig(3, 2);

  public PickerConfig {
    if (maxStrikes < 1) {
      throw new IllegalArgumentException("maxStrikes must be at least 1");
    }
    if (endgameMaxRequesters < 1) {
      throw new IllegalArgumentException("endgameMaxRequesters must be at least 1");
    }
  }
}
