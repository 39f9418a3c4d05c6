package io.shroud.crypto;

/**
 * A Noise handshake or transport message was malformed or failed authentication, or the
 * handshake was driven out of order. Checked, so that every caller that feeds a peer's bytes
 * into Noise decides what to do (on a peer link: close it). Messages never carry key material.
 */
public final class NoiseException extends Exception {
  private static final long serialVersionUID = 1L;

  public NoiseException(String message) {
    super(message);
  }

  public NoiseException(String message, Throwable cause) {
    super(message, cause);
  }
}
