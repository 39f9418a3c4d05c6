package io.shroud.crypto;

/**
 * A circuit handshake failed: a malformed, misaddressed or replayed CREATE, or a CREATED whose
 * authentication does not verify. The message names the reason and never carries key
 * material. The caller refuses the CREATE or tears the circuit down.
 */
public final class HandshakeException extends Exception {
  private final boolean replay;

  public HandshakeException(String message) {
    this(message, null, false);
  }

  public HandshakeException(String message, Throwable cause) {
    this(message, cause, false);
  }

  private HandshakeException(String message, Throwable cause, boolean replay) {
    super(message, cause);
    this.replay = replay;
  }

  /** A CREATE refused only because the relay saw the same one within its replay window. */
  public static HandshakeException replay(String message) {
    return new HandshakeException(message, null, true);
  }

  /** True when the CREATE was refused as a replay (counted apart from malformed ones). */
  public boolean isReplay() {
    return replay;
  }
}
