package io.shroud.circuit;

/**
 * The one exception for bad circuit input: a relay cell or handshake frame that violates the
 * format, or a cell that no hop recognizes (tampered, replayed, dropped or reordered). The
 * message says which rule broke and never carries cell contents or keys. The owner of the
 * circuit destroys it; the peer link stays up.
 */
public final class CircuitProtocolException extends Exception {
  public CircuitProtocolException(String message) {
    super(message);
  }
}
