package io.shroud.content;

/**
 * Thrown by {@link ShareLink#parse} for any link it refuses (bad scheme, missing or repeated
 * parameter, bad multihash, bad hex, wrong key length, over-long link, parameters that do not
 * hash to the link's info-hash, ...). Unchecked: a link is an argument; the message says what
 * is wrong and never echoes the key.
 */
public final class ShareLinkException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ShareLinkException(String message) {
    super(message);
  }
}
