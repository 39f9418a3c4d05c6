package io.shroud.lookup;

import io.shroud.circuit.CircuitProtocolException;
import io.shroud.dht.DhtMessage;
import io.shroud.dht.DhtMessageCodec;
import io.shroud.dht.DhtProtocolException;
import io.shroud.dht.SignedRecord;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The {@code dht} circuit service's messages: how an origin asks the last hop of a circuit to
 * run a DHT lookup for it, so the lookup never leaves the origin directly. Pure.
 *
 * <pre>
 *   request  (origin → last hop):  u8 version (1) ‖ u8 kind (1 = FIND_VALUE) ‖ key[32]       = 34 bytes
 *   response (last hop → origin):  u32 length ‖ DHT VALUES message (DhtMessageCodec, tx id 0)
 * </pre>
 *
 * The response carries the signed records the last hop's iterative lookup found (no contacts);
 * the origin verifies every record itself. Each side ends the stream after its message.
 */
public final class DhtOverCircuit {
  public static final String SERVICE = "dht";
  public static final int VERSION = 1;
  public static final int KIND_FIND_VALUE = 1;
  public static final int REQUEST_BYTES = 34;
  /** Largest response accepted: the length and one VALUES message, which fits in a DHT cell. */
  public static final int MAX_RESPONSE_BYTES = 4 + DhtMessageCodec.MAX_MESSAGE_BYTES;

  private DhtOverCircuit() {}

  public static byte[] request(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("key must be 32 bytes");
    }
    return ByteBuffer.allocate(REQUEST_BYTES).put((byte) VERSION).put((byte) KIND_FIND_VALUE).put(key).array();
  }

  /** The key of a request; {@link CircuitProtocolException} for anything else. */
  public static byte[] parseRequest(byte[] bytes) throws CircuitProtocolException {
    if (bytes.length != REQUEST_BYTES) {
      throw new CircuitProtocolException("dht request must be " + REQUEST_BYTES + " bytes, got " + bytes.length);
    }
    if ((bytes[0] & 0xff) != VERSION || (bytes[1] & 0xff) != KIND_FIND_VALUE) {
      throw new CircuitProtocolException("dht request version/kind " + (bytes[0] & 0xff) + "/" + (bytes[1] & 0xff) + " is unknown");
    }
    byte[] key = new byte[32];
    System.arraycopy(bytes, 2, key, 0, 32);
    return key;
  }

  /** Encodes as many of {@code records} as fit in one VALUES message. */
  public static byte[] response(List<SignedRecord> records) {
    DhtMessage.Values values = DhtMessageCodec.valuesFitting(0, records, List.of());
    byte[] message = DhtMessageCodec.encode(values);
    return ByteBuffer.allocate(4 + message.length).putInt(message.length).put(message).array();
  }

  /**
   * The records of a complete response, or empty while more bytes are needed; a malformed or
   * oversized response is a {@link CircuitProtocolException}.
   */
  public static java.util.Optional<List<SignedRecord>> parseResponse(byte[] bytes) throws CircuitProtocolException {
    if (bytes.length > MAX_RESPONSE_BYTES) {
      throw new CircuitProtocolException("dht response is too large: " + bytes.length + " bytes");
    }
    if (bytes.length < 4) {
      return java.util.Optional.empty();
    }
    int length = ByteBuffer.wrap(bytes).getInt();
    if (length < 0 || length > MAX_RESPONSE_BYTES - 4) {
      throw new CircuitProtocolException("dht response length " + length + " is out of range");
    }
    if (bytes.length < 4 + length) {
      return java.util.Optional.empty();
    }
    if (bytes.length > 4 + length) {
      throw new CircuitProtocolException("dht response has trailing bytes");
    }
    try {
      DhtMessage m = DhtMessageCodec.decode(java.util.Arrays.copyOfRange(bytes, 4, bytes.length));
      if (!(m instanceof DhtMessage.Values values)) {
        throw new CircuitProtocolException("dht response is not a VALUES message");
      }
      return java.util.Optional.of(values.records());
    } catch (DhtProtocolException e) {
      throw new CircuitProtocolException("dht response: " + e.getMessage());
    }
  }
}
