package io.shroud.crypto;

/**
 * A circuit handshake failed: a malformed, misaddressed or replayed CREATE, or a CREATED whose
 * authentication does not verify. The message names the reason and never carries key
 * material. The caller refuses the CREATE or tears the circuit down.
 */
public final class HandshakeException extends Exception {
  public HandshakeException(String message) {
    super(message);
  }

  public HandshakeException(String message, Throwable cause) {
    super(message, cause);
  }
}
