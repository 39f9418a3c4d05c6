package io.shroud.dht;

/** Every DHT message type and its wire number (the first byte of a DHT message). */
public enum DhtMessageType {
  PING(0x01),
  PONG(0x02),
  FIND_NODE(0x03),
  NODES(0x04),
  FIND_VALUE(0x05),
  VALUES(0x06),
  STORE(0x07),
  STORED(0x08);

  private final int code;

  DhtMessageType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The type with this wire number, or null when none has it. */
  public static DhtMessageType fromCode(int code) {
    for (DhtMessageType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }

  /** Requests are PING, FIND_NODE, FIND_VALUE and STORE; the others are their responses. */
  public boolean isRequest() {
    return this == PING || this == FIND_NODE || this == FIND_VALUE || this == STORE;
  }
}
