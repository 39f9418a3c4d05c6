package io.shroud.swarm.transfer;

/** Every type byte of the transfer protocol, in one place. */
public enum TransferMessageType {
  HELLO(1),
  HAVE(2),
  REFUSE(3),
  HASH_REQUEST(4),
  HASHES(5),
  BLOCK_REQUEST(6),
  BLOCK(7),
  REJECT(8),
  CANCEL(9),
  METADATA_REQUEST(10),
  METADATA(11);

  private final int code;

  TransferMessageType(int code) {
    this.code = code;
  }

  /** The type byte on the wire. */
  public int code() {
    return code;
  }

  /** The type for a wire byte, or null if unknown. */
  static TransferMessageType of(int code) {
    for (TransferMessageType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
