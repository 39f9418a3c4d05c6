package io.shroud.circuit;

import io.shroud.wire.CellFormat;
import java.util.Arrays;

/**
 * The relay cell body (protocol §6.6.1): the whole payload of a RELAY link cell,
 * {@link CellFormat#PAYLOAD_BYTES} (4075) bytes, and its strict codec:
 * command u8 ‖ recognized u16 (0) ‖ stream id u16 ‖ tag 16 ‖ length u16 ‖ data ‖ zero padding.
 * The tag is written and checked by {@link OnionLayers} / {@link RelayLayer}; this codec
 * writes it as zeros and ignores it when decoding.
 */
public final class RelayCellFormat {
  /**
   * Size of every relay cell body: one link cell's payload (link cell 4080 = circuit id u32 +
   * command u8 + payload 4075), so that each onion layer maps a body onto one cell.
   */
  public static final int BODY_BYTES = CellFormat.PAYLOAD_BYTES;
  public static final int COMMAND_OFFSET = 0;
  public static final int RECOGNIZED_OFFSET = 1;
  public static final int STREAM_ID_OFFSET = 3;
  public static final int TAG_OFFSET = 5;
  public static final int TAG_BYTES = 16;
  public static final int LENGTH_OFFSET = TAG_OFFSET + TAG_BYTES;
  public static final int HEADER_BYTES = LENGTH_OFFSET + 2;
  /** Most data one relay cell carries: 4075 − 23 = 4052. */
  public static final int MAX_DATA = BODY_BYTES - HEADER_BYTES;

  private RelayCellFormat() {}

  /** A fresh {@link #BODY_BYTES}-byte plaintext body for {@code cell}, recognized 0 and tag zero. */
  public static byte[] encode(RelayCell cell) {
    byte[] body = new byte[BODY_BYTES];
    encodeInto(cell, body);
    return body;
  }

  /**
   * Writes the plaintext body for {@code cell} over all {@link #BODY_BYTES} bytes of {@code body} (recognized 0,
   * tag and padding zero), whatever it held: a layer reuses one scratch body per cell instead of
   * allocating one.
   */
  static void encodeInto(RelayCell cell, byte[] body) {
    if (body.length != BODY_BYTES) {
      throw new IllegalArgumentException("a relay cell body is " + BODY_BYTES + " bytes, not " + body.length);
    }
    byte[] data = cell.sharedData();
    Arrays.fill(body, 0, HEADER_BYTES, (byte) 0);
    body[COMMAND_OFFSET] = (byte) cell.command().code();
    putU16(body, STREAM_ID_OFFSET, cell.streamId());
    putU16(body, LENGTH_OFFSET, cell.length());
    System.arraycopy(data, 0, body, HEADER_BYTES, data.length);
    Arrays.fill(body, HEADER_BYTES + data.length, BODY_BYTES, (byte) 0);
  }

  /**
   * Decodes a plaintext body. Throws {@link CircuitProtocolException} unless it is exactly
   * {@link #BODY_BYTES} long, recognized is 0, the command is known and its stream id rule
   * holds, length ≤ {@link #MAX_DATA}, and every padding byte is zero.
   */
  public static RelayCell decode(byte[] body) throws CircuitProtocolException {
    if (body == null || body.length != BODY_BYTES) {
      throw new CircuitProtocolException("relay cell body must be " + BODY_BYTES + " bytes, got "
          + (body == null ? "null" : body.length));
    }
    if (u16(body, RECOGNIZED_OFFSET) != 0) {
      throw new CircuitProtocolException("relay cell recognized field is not zero");
    }
    int code = body[COMMAND_OFFSET] & 0xFF;
    RelayCommand command = RelayCommand.fromCode(code);
    if (command == null) {
      throw new CircuitProtocolException("unknown relay command " + code);
    }
    int streamId = u16(body, STREAM_ID_OFFSET);
    if (!command.allowsStreamId(streamId)) {
      throw new CircuitProtocolException("stream id " + streamId + " not allowed with " + command);
    }
    int length = u16(body, LENGTH_OFFSET);
    if (length > MAX_DATA) {
      throw new CircuitProtocolException("relay data length " + length + " exceeds limit " + MAX_DATA);
    }
    for (int i = HEADER_BYTES + length; i < BODY_BYTES; i++) {
      if (body[i] != 0) {
        throw new CircuitProtocolException("relay cell padding is not zero");
      }
    }
    return RelayCell.adopt(command, streamId, Arrays.copyOfRange(body, HEADER_BYTES, HEADER_BYTES + length));
  }

  static int u16(byte[] b, int at) {
    return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
  }

  static void putU16(byte[] b, int at, int value) {
    b[at] = (byte) (value >>> 8);
    b[at + 1] = (byte) value;
  }
}
