package io.shroud.dht;

/**
 * Why a record was refused: by {@link RecordVerifier}, by {@link RecordStore}, or by the
 * storing actor. The code is the byte a {@code STORED} reply carries (0 means accepted).
 */
public enum RecordRejection {
  /** The signature does not verify under the publisher key. */
  BAD_SIGNATURE(1),
  /** The expiry is not in the future. */
  EXPIRED(2),
  /** The expiry is further ahead than the node's maximum record lifetime. */
  EXPIRY_TOO_FAR(3),
  /** The value is longer than {@link SignedRecord#MAX_VALUE_BYTES}. */
  VALUE_TOO_LARGE(4),
  /** A record from this publisher with a higher (or the same, different) seq is held. */
  STALE_SEQ(5),
  /** The key already holds the maximum number of publishers. */
  KEY_FULL(6),
  /** The store holds its maximum number of records. */
  STORE_FULL(7),
  /** Set by the actor: this node is not among the k closest it knows to the key. */
  NOT_RESPONSIBLE(8),
  /** Set by the actor: the sender stores too often. */
  RATE_LIMITED(9);

  private final int code;

  RecordRejection(int code) {
    this.code = code;
  }

  /** The wire code, 1..255. */
  public int code() {
    return code;
  }

  /** The rejection with this wire code, or null when none has it. */
  public static RecordRejection fromCode(int code) {
    for (RecordRejection r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    return null;
  }
}
