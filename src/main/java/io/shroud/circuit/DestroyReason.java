package io.shroud.circuit;

/** The one-byte reason in a DESTROY cell's payload (protocol §6.9). */
public enum DestroyReason {
  /** Tampered, malformed or unrecognizable relay cell; broken flow control. */
  PROTOCOL(1),
  /** CREATE refused: limit, rate, replay, unknown key, bad circuit id. */
  REFUSED(2),
  /** The origin closed the circuit normally. */
  FINISHED(3),
  /** A neighbour's link went down. */
  LINK_LOST(4),
  /** EXTEND refused: unknown target, itself, the previous hop, or already extended. */
  EXTEND_REFUSED(5),
  /** The build did not finish in time. */
  TIMEOUT(6),
  /**
   * The relay is out of a node-wide resource: its cap on relayed circuits (a refused CREATE),
   * or memory for queued cells (the circuit holding the oldest was destroyed). Not the
   * sender's fault: it may try another relay.
   */
  RESOURCE_LIMIT(7),
  /** A relay closed the circuit: no cell from either neighbour for its relay idle timeout. */
  IDLE(8);

  private final int code;

  DestroyReason(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The reason with this code, or {@link #PROTOCOL} for unknown codes. */
  public static DestroyReason fromCode(int code) {
    for (DestroyReason reason : values()) {
      if (reason.code == code) {
        return reason;
      }
    }
    return PROTOCOL;
  }
}
