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
 */
public record Cell(int circuitId, CellCommand command, byte[] payload) {

  public Cell {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(payload, "payload");
    if (payload.length > CellFormat.PAYLOAD_BYTES) {
      throw new IllegalArgumentException("cell payload is too large: " + payload.length + " > "
          + CellFormat.PAYLOAD_BYTES);
    }
    String problem = circuitIdProblem(circuitId, command);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    payload = Arrays.copyOf(payload, CellFormat.PAYLOAD_BYTES);
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
  @Override
  public byte[] payload() {
    return payload.clone();
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
