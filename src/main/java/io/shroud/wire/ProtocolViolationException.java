package io.shroud.wire;

/**
 * A peer sent something malformed or unauthenticated: an oversized handshake frame, a record
 * that fails authentication, an unknown cell command, a cell on the wrong circuit id. The only
 * exception the data-plane decoders let out for bad input; whoever catches it closes the link
 * (or, for a cell inside a circuit, the circuit).
 *
 * <p>Checked on purpose: every call that takes a peer's bytes has to say what it does with a
 * violation, and the compiler finds the ones that forget. Misuse by our own code (a locally
 * built {@link Cell} with a bad field, calling out of turn) is an unchecked
 * {@link IllegalArgumentException} or {@link IllegalStateException} instead. Messages name
 * what was wrong and never carry key material or payload bytes.
 */
public final class ProtocolViolationException extends Exception {
  private static final long serialVersionUID = 1L;

  public ProtocolViolationException(String message) {
    super(message);
  }

  public ProtocolViolationException(String message, Throwable cause) {
    super(message, cause);
  }
}
