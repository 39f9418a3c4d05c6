package io.shroud.hidden;

/**
 * The data of a hidden-seeding relay command (protocol §11.4, §11.6) is malformed: wrong size,
 * unknown version or status, non-zero padding. The message names the field and never carries
 * key material. Whoever receives it treats it as a protocol violation (DESTROY PROTOCOL), or,
 * for a sealed introduction the seeder cannot open, drops it silently.
 */
public final class HiddenCellException extends Exception {
  private static final long serialVersionUID = 1L;

  public HiddenCellException(String message) {
    super(message);
  }
}
