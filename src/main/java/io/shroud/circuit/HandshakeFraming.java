package io.shroud.circuit;

import io.shroud.crypto.CircuitHandshake;
import java.util.Arrays;

/**
 * How CREATE and CREATED ride in cells (protocol §6.4, §6.5): the 4075-byte payloads of link
 * CREATE / CREATED cells and the data of an EXTENDED relay cell. Decoders are strict and throw
 * {@link CircuitProtocolException}.
 */
public final class HandshakeFraming {
  /** Link CREATE payload: HTYPE u16 ‖ HLEN u16 ‖ CREATE ‖ zeros. */
  public static final int PAYLOAD_BYTES = RelayCellFormat.BODY_BYTES;
  /** EXTENDED data: HLEN u16 ‖ CREATED = 1154 bytes. */
  public static final int EXTENDED_BYTES = 2 + CircuitHandshake.CREATED_BYTES;

  private HandshakeFraming() {}

  public static byte[] createCellPayload(byte[] create) {
    requireLength(create, CircuitHandshake.CREATE_BYTES, "CREATE");
    byte[] out = new byte[PAYLOAD_BYTES];
    RelayCellFormat.putU16(out, 0, CircuitHandshake.HTYPE);
    RelayCellFormat.putU16(out, 2, create.length);
    System.arraycopy(create, 0, out, 4, create.length);
    return out;
  }

  public static byte[] parseCreateCellPayload(byte[] payload) throws CircuitProtocolException {
    checkPayload(payload, "CREATE");
    if (RelayCellFormat.u16(payload, 0) != CircuitHandshake.HTYPE) {
      throw new CircuitProtocolException("CREATE handshake type " + RelayCellFormat.u16(payload, 0) + " is unknown");
    }
    return takeFramed(payload, 2, CircuitHandshake.CREATE_BYTES, "CREATE");
  }

  public static byte[] createdCellPayload(byte[] created) {
    requireLength(created, CircuitHandshake.CREATED_BYTES, "CREATED");
    byte[] out = new byte[PAYLOAD_BYTES];
    System.arraycopy(extendedData(created), 0, out, 0, EXTENDED_BYTES);
    return out;
  }

  public static byte[] parseCreatedCellPayload(byte[] payload) throws CircuitProtocolException {
    checkPayload(payload, "CREATED");
    return takeFramed(payload, 0, CircuitHandshake.CREATED_BYTES, "CREATED");
  }

  public static byte[] extendedData(byte[] created) {
    requireLength(created, CircuitHandshake.CREATED_BYTES, "CREATED");
    byte[] out = new byte[EXTENDED_BYTES];
    RelayCellFormat.putU16(out, 0, created.length);
    System.arraycopy(created, 0, out, 2, created.length);
    return out;
  }

  public static byte[] parseExtendedData(byte[] data) throws CircuitProtocolException {
    if (data == null || data.length != EXTENDED_BYTES) {
      throw new CircuitProtocolException("EXTENDED data must be " + EXTENDED_BYTES + " bytes, got "
          + (data == null ? "null" : data.length));
    }
    return takeFramed(data, 0, CircuitHandshake.CREATED_BYTES, "EXTENDED");
  }

  private static byte[] takeFramed(byte[] in, int lengthAt, int expected, String what) throws CircuitProtocolException {
    if (RelayCellFormat.u16(in, lengthAt) != expected) {
      throw new CircuitProtocolException(what + " handshake length must be " + expected);
    }
    int end = lengthAt + 2 + expected;
    for (int i = end; i < in.length; i++) {
      if (in[i] != 0) {
        throw new CircuitProtocolException(what + " padding is not zero");
      }
    }
    return Arrays.copyOfRange(in, lengthAt + 2, end);
  }

  private static void checkPayload(byte[] payload, String what) throws CircuitProtocolException {
    if (payload == null || payload.length != PAYLOAD_BYTES) {
      throw new CircuitProtocolException(what + " payload must be " + PAYLOAD_BYTES + " bytes, got "
          + (payload == null ? "null" : payload.length));
    }
  }

  private static void requireLength(byte[] b, int length, String what) {
    if (b == null || b.length != length) {
      throw new IllegalArgumentException(what + " must be " + length + " bytes");
    }
  }
}
