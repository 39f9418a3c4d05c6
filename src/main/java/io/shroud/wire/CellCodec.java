package io.shroud.wire;

/**
 * Encodes and strictly decodes the 4080-byte plaintext cell:
 * {@code circuit id (u32 BE) | command (u8) | payload (4075 bytes)}. Decoding rejects a wrong
 * length, an unknown command and a circuit id that does not fit the command, each with
 * {@link ProtocolViolationException}. Stateless.
 */
public final class CellCodec {
  private CellCodec() {}

  /** The 4080-byte encoding of {@code cell}. */
  public static byte[] encode(Cell cell) {
    byte[] out = new byte[CellFormat.CELL_BYTES];
    encode(cell, out, 0);
    return out;
  }

  /** Writes the 4080-byte encoding of {@code cell} into {@code out} at {@code off}. */
  public static void encode(Cell cell, byte[] out, int off) {
    int id = cell.circuitId();
    out[off] = (byte) (id >>> 24);
    out[off + 1] = (byte) (id >>> 16);
    out[off + 2] = (byte) (id >>> 8);
    out[off + 3] = (byte) id;
    out[off + 4] = (byte) cell.command().code();
    cell.copyPayloadTo(out, off + CellFormat.HEADER_BYTES);
  }

  /** Decodes a whole plaintext cell. */
  public static Cell decode(byte[] cell) throws ProtocolViolationException {
    return decode(cell, 0, cell.length);
  }

  /** Decodes the {@code len} bytes of {@code buf} from {@code off}; {@code len} must be 4080. */
  public static Cell decode(byte[] buf, int off, int len) throws ProtocolViolationException {
    if (len != CellFormat.CELL_BYTES) {
      throw new ProtocolViolationException("cell has the wrong size: " + len + " != "
          + CellFormat.CELL_BYTES + " bytes");
    }
    int id = ((buf[off] & 0xff) << 24) | ((buf[off + 1] & 0xff) << 16)
        | ((buf[off + 2] & 0xff) << 8) | (buf[off + 3] & 0xff);
    CellCommand command = CellCommand.fromCode(buf[off + 4] & 0xff);
    String problem = Cell.circuitIdProblem(id, command);
    if (problem != null) {
      throw new ProtocolViolationException(problem);
    }
    byte[] payload = new byte[CellFormat.PAYLOAD_BYTES];
    System.arraycopy(buf, off + CellFormat.HEADER_BYTES, payload, 0, payload.length);
    return Cell.adopt(id, command, payload);
  }
}
