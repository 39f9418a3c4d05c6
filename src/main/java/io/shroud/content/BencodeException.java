package io.shroud.content;

/**
 * Thrown for any bencoded input that Shroud's strict decoder refuses, and for a well-formed
 * value that does not have the shape a caller requires (a torrent info dictionary missing a
 * key, say). It is unchecked ({@link IllegalArgumentException}) because the input is an argument:
 * callers that take bytes from the network catch it and drop the sender's message.
 *
 * <p>{@link #offset()} is the byte offset in the input where the problem was found, or -1 when
 * the problem is about the shape of a decoded value rather than a position.
 */
public final class BencodeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final long offset;

  public BencodeException(String message, long offset) {
    super(offset >= 0 ? message + " at offset " + offset : message);
    this.offset = offset;
  }

  public long offset() {
    return offset;
  }
}
