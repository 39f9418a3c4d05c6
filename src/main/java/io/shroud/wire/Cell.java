package io.shroud.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * One plaintext cell: circuit id, command and a payload of exactly
 * {@link CellFormat#PAYLOAD_BYTES} bytes (shorter payloads are zero-padded here, so a cell
 * equals its decoded encoding). The constructor validates: link commands
 * ({@link CellCommand#isCircuitScoped()} false) need circuit id 0, circuit commands a non-zero
 * one; violations are {@link IllegalArgumentException} (our own bug; {@link CellCodec} turns a
 * peer's into {@link ProtocolViolationException}). The circuit id is an unsigned 32-bit value
 * held in an int. {@link #toString()} never shows payload bytes.
 *
 * <p>Immutable: the constructor copies the payload and {@link #payload()} returns a copy. The
 * data path, where each relayed byte would otherwise be copied four more times per hop, hands
 * arrays over instead: {@link #adopt} takes a full-size payload without copying it, and
 * {@link #sharedPayload()} lends the cell's own array to code that only reads it.
 */
public final class Cell {
  private final int circuitId;
  private final CellCommand command;
  private final byte[] payload;

  /** A cell with a copy of {@code payload} (at most 4075 bytes, zero-padded to 4075). */
  public Cell(int circuitId, CellCommand command, byte[] payload) {
    this(padded(payload), circuitId, command);
  }

  /** {@code ownPayload} is exactly 4075 bytes and belongs to this cell from now on. */
  private Cell(byte[] ownPayload, int circuitId, CellCommand command) {
    Objects.requireNonNull(command, "command");
    String problem = circuitIdProblem(circuitId, command);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    this.circuitId = circuitId;
    this.command = command;
    this.payload = ownPayload;
  }

  /**
   * A cell over {@code payload} itself, not a copy: it must be exactly
   * {@link CellFormat#PAYLOAD_BYTES} long, and the caller hands it over (never touches it again).
   */
  public static Cell adopt(int circuitId, CellCommand command, byte[] payload) {
    Objects.requireNonNull(payload, "payload");
    if (payload.length != CellFormat.PAYLOAD_BYTES) {
      throw new IllegalArgumentException("an adopted cell payload must be " + CellFormat.PAYLOAD_BYTES
          + " bytes, got " + payload.length);
    }
    return new Cell(payload, circuitId, command);
  }

  private static byte[] padded(byte[] payload) {
    Objects.requireNonNull(payload, "payload");
    if (payload.length > CellFormat.PAYLOAD_BYTES) {
      throw new IllegalArgumentException("cell payload is too large: " + payload.length + " > "
          + CellFormat.PAYLOAD_BYTES);
    }
    return Arrays.copyOf(payload, CellFormat.PAYLOAD_BYTES);
  }

  public int circuitId() {
    return circuitId;
  }

  public CellCommand command() {
    return command;
  }

  /** A PADDING cell (zero payload). */
  public static Cell padding() {
    return new Cell(0, CellCommand.PADDING, new byte[0]);
  }

  /** A REKEY cell (zero payload). */
  public static Cell rekey() {
    return new Cell(0, CellCommand.REKEY, new byte[0]);
  }

  /** The full 4075-byte payload (a copy). */
  public byte[] payload() {
    return payload.clone();
  }

  /**
   * This cell's own 4075-byte payload array, not a copy, for code that reads it and never
   * writes it (e.g. a layer of onion crypto writing its output to a new array).
   */
  public byte[] sharedPayload() {
    return payload;
  }

  /** Copies {@code length} payload bytes from {@code offset} without copying the whole payload. */
  public byte[] payload(int offset, int length) {
    Objects.checkFromIndexSize(offset, length, payload.length);
    return Arrays.copyOfRange(payload, offset, offset + length);
  }

  /** Writes the payload into {@code out} at {@code off} (used by the codec). */
  void copyPayloadTo(byte[] out, int off) {
    System.arraycopy(payload, 0, out, off, payload.length);
  }

  /** Why {@code circuitId} is wrong for {@code command}, or null when it is fine. */
  static String circuitIdProblem(int circuitId, CellCommand command) {
    if (command.isCircuitScoped() && circuitId == 0) {
      return "cell command " + command + " needs a non-zero circuit id";
    }
    if (!command.isCircuitScoped() && circuitId != 0) {
      return "link cell " + command + " must have circuit id 0, got "
          + Integer.toUnsignedString(circuitId);
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cell c && c.circuitId == circuitId && c.command == command
        && Arrays.equals(c.payload, payload);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * circuitId + command.hashCode()) + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "Cell[circuit=" + Integer.toUnsignedString(circuitId) + ", " + command + "]";
  }
}
