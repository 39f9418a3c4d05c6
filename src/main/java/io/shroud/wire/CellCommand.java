package io.shroud.wire;

/**
 * Every cell command number, in one place. A byte that is not listed here is a protocol
 * violation when decoded ({@link #fromCode}). Ranges: {@code 0x00-0x0F} link-level commands
 * (circuit id 0), {@code 0x10-0x1F} circuit commands (circuit id non-zero), {@code 0x20-0x2F}
 * reserved for piece transfer; numbers in a range that are not assigned yet are still unknown
 * on the wire.
 */
public enum CellCommand {
  /** Cover traffic; the receiver drops it. Encrypted like any cell, so it looks the same. */
  PADDING(0x00, false),
  /** The sender re-keys its direction right after this cell; the receiver does the same. */
  REKEY(0x01, false),
  /** A DHT message between the two link ends; payload format owned by {@code io.shroud.dht}. */
  DHT(0x02, false),
  /**
   * Asks the other link end for a LINK_PONG; payload starts with an 8-byte ping id (u64 BE),
   * the rest is zero. Consumed by the link (round-trip time), never routed.
   */
  LINK_PING(0x03, false),
  /** Answers LINK_PING with the same 8-byte ping id. Consumed by the link, never routed. */
  LINK_PONG(0x04, false),
  /**
   * Asks the other link end for its directory: the latest valid consensus and the descriptors
   * of the relays it lists ({@link DirectoryCells}, docs/protocol.md §4.10.4). Sent by clients
   * and relays, answered only by relays.
   */
  DIR_REQUEST(0x05, false),
  /** One chunk of the answer to a DIR_REQUEST ({@link DirectoryCells}); relay to requester only. */
  DIR_DATA(0x06, false),
  /** Asks the next hop to create a circuit (hybrid X25519 + ML-KEM-768 handshake). */
  CREATE(0x10, true),
  /** The reply to CREATE. */
  CREATED(0x11, true),
  /** An onion-encrypted relay cell (EXTEND, data, transfer messages ride inside). */
  RELAY(0x12, true),
  /** Tears a circuit down. */
  DESTROY(0x13, true);

  private static final CellCommand[] BY_CODE = new CellCommand[256];

  static {
    for (CellCommand c : values()) {
      BY_CODE[c.code] = c;
    }
  }

  private final int code;
  private final boolean circuitScoped;

  CellCommand(int code, boolean circuitScoped) {
    this.code = code;
    this.circuitScoped = circuitScoped;
  }

  /** The command byte on the wire (0..255). */
  public int code() {
    return code;
  }

  /** True when the command belongs to a circuit (non-zero circuit id), false for link cells. */
  public boolean isCircuitScoped() {
    return circuitScoped;
  }

  /**
   * True for PADDING, REKEY, LINK_PING and LINK_PONG, which the link consumes itself and never
   * routes.
   */
  public boolean isLinkControl() {
    return this == PADDING || this == REKEY || this == LINK_PING || this == LINK_PONG;
  }

  /** The command for a wire byte; unknown bytes are a violation. */
  public static CellCommand fromCode(int code) throws ProtocolViolationException {
    CellCommand c = code >= 0 && code < 256 ? BY_CODE[code] : null;
    if (c == null) {
      throw new ProtocolViolationException(
          String.format("cell command 0x%02x is unknown", code & 0xff));
    }
    return c;
  }
}
