package io.shroud.dht;

import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.CellFormat;
import java.nio.ByteBuffer;

/**
 * Puts one {@link DhtMessage} into the payload of a {@link CellCommand#DHT} cell and takes it
 * out again. A cell payload is always {@link CellFormat#PAYLOAD_BYTES} (4075) bytes,
 * zero-padded, while {@link DhtMessageCodec} rejects trailing bytes, so the message carries
 * its length in front:
 *
 * <pre>
 * DHT cell payload = length u16 (9..4073, big-endian) | message[length] | zero padding
 * </pre>
 *
 * A message therefore has at most {@link #MAX_FRAMED_MESSAGE_BYTES} (4073) bytes inside a
 * cell; VALUES replies are packed to that size with
 * {@link DhtMessageCodec#valuesFitting(long, java.util.List, java.util.List, int)}. Unframing
 * is strict: a length outside 9..4073 or a non-zero padding byte is a
 * {@link DhtProtocolException}, like any malformed message.
 */
public final class DhtCellFraming {
  /** The length prefix: u16, big-endian. */
  public static final int LENGTH_BYTES = 2;
  /** Largest DHT message that fits a cell beside its length prefix: 4073 bytes. */
  public static final int MAX_FRAMED_MESSAGE_BYTES = CellFormat.PAYLOAD_BYTES - LENGTH_BYTES;

  private DhtCellFraming() {}

  /** A DHT cell (circuit id 0) carrying {@code message}. */
  public static Cell toCell(DhtMessage message) {
    byte[] encoded = DhtMessageCodec.encode(message);
    if (encoded.length > MAX_FRAMED_MESSAGE_BYTES) {
      throw new IllegalArgumentException("DHT message of " + encoded.length
          + " bytes does not fit a cell, limit " + MAX_FRAMED_MESSAGE_BYTES);
    }
    ByteBuffer b = ByteBuffer.allocate(LENGTH_BYTES + encoded.length);
    b.putShort((short) encoded.length).put(encoded);
    return new Cell(0, CellCommand.DHT, b.array());
  }

  /** The DHT message in {@code cell}'s payload; anything malformed is a {@link DhtProtocolException}. */
  public static DhtMessage fromCell(Cell cell) throws DhtProtocolException {
    if (cell.command() != CellCommand.DHT) {
      throw new DhtProtocolException("not a DHT cell: " + cell.command());
    }
    byte[] payload = cell.payload();
    int length = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    if (length < DhtMessageCodec.HEADER_BYTES || length > MAX_FRAMED_MESSAGE_BYTES) {
      throw new DhtProtocolException("DHT message length " + length + " is outside "
          + DhtMessageCodec.HEADER_BYTES + ".." + MAX_FRAMED_MESSAGE_BYTES);
    }
    for (int i = LENGTH_BYTES + length; i < payload.length; i++) {
      if (payload[i] != 0) {
        throw new DhtProtocolException("DHT cell padding byte " + i + " is not zero");
      }
    }
    byte[] message = new byte[length];
    System.arraycopy(payload, LENGTH_BYTES, message, 0, length);
    return DhtMessageCodec.decode(message);
  }
}
