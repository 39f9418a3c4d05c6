package io.shroud.lookup;

import io.shroud.circuit.CircuitProtocolException;
import io.shroud.dht.DhtMessage;
import io.shroud.dht.DhtMessageCodec;
import io.shroud.dht.DhtProtocolException;
import io.shroud.dht.SignedRecord;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The {@code dht} circuit service's messages: how an origin asks the last hop of a circuit to
 * run a DHT lookup or publication for it, so neither leaves the origin directly. Pure.
 *
 * <pre>
 *   kind 1, FIND_VALUE
 *   request  (origin → last hop):  u8 version (1) ‖ u8 kind (1) ‖ key[32]                    = 34 bytes
 *   response (last hop → origin):  u32 length ‖ DHT VALUES message (DhtMessageCodec, tx id 0)
 *   kind 2, STORE
 *   request  (origin → last hop):  u8 version (1) ‖ u8 kind (2) ‖ record (§5.2)     = 148..1172 bytes
 *   response (last hop → origin):  u8 stored ‖ u8 attempted  (stored ≤ attempted)            = 2 bytes
 * </pre>
 *
 * A FIND_VALUE response carries the signed records the last hop's iterative lookup found (no
 * contacts); the origin verifies every record itself. A STORE response counts the nodes that
 * accepted the record out of those it was offered to; {@code 0 ‖ 0} means the last hop refused
 * the record itself (§5.4 checks). Each side ends the stream after its message.
 *
 * <p>The parsers read a message as it arrives: empty while more bytes are needed, the message
 * once it is whole, and a {@link CircuitProtocolException} as soon as the bytes cannot begin a
 * valid message or run past its end.
 */
public final class DhtOverCircuit {
  public static final String SERVICE = "dht";
  public static final int VERSION = 1;
  public static final int KIND_FIND_VALUE = 1;
  public static final int KIND_STORE = 2;
  /** A FIND_VALUE request's size. */
  public static final int REQUEST_BYTES = 34;
  /** Version, kind and the record's fixed fields up to its value length. */
  private static final int STORE_HEAD_BYTES = 2 + 32 + 32 + 8 + 8 + 2;
  /** Smallest and largest STORE request: a record with an empty and a 1024-byte value. */
  public static final int MIN_STORE_REQUEST_BYTES = 2 + DhtMessageCodec.RECORD_OVERHEAD_BYTES;
  public static final int MAX_STORE_REQUEST_BYTES = 2 + DhtMessageCodec.MAX_RECORD_BYTES;
  /** A STORE response's size. */
  public static final int STORE_RESPONSE_BYTES = 2;
  /** Largest response accepted: the length and one VALUES message, which fits in a DHT cell. */
  public static final int MAX_RESPONSE_BYTES = 4 + DhtMessageCodec.MAX_MESSAGE_BYTES;

  /** A whole request, as the last hop reads it. */
  public sealed interface Request {}

  /** Kind 1: look up {@code key} (32 bytes) and return the records found. */
  public record FindValue(byte[] key) implements Request {}

  /** Kind 2: publish {@code record}, signed by its publisher, at the k closest nodes to its key. */
  public record Store(SignedRecord record) implements Request {}

  /** A STORE response: the §5.9 step 4 counts. */
  public record Stored(int stored, int attempted) {
    public Stored {
      if (stored < 0 || attempted > 255 || stored > attempted) {
        throw new IllegalArgumentException("need 0 <= stored <= attempted <= 255, got " + stored + "/" + attempted);
      }
    }

    /** True when the last hop refused the record itself and offered it to nobody. */
    public boolean refused() {
      return attempted == 0;
    }
  }

  private DhtOverCircuit() {}

  /** A kind 1 (FIND_VALUE) request. */
  public static byte[] request(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("key must be 32 bytes");
    }
    return ByteBuffer.allocate(REQUEST_BYTES).put((byte) VERSION).put((byte) KIND_FIND_VALUE).put(key).array();
  }

  /** A kind 2 (STORE) request; the record's value must be at most 1024 bytes. */
  public static byte[] storeRequest(SignedRecord record) {
    byte[] encoded = DhtMessageCodec.encodeRecord(record);
    return ByteBuffer.allocate(2 + encoded.length).put((byte) VERSION).put((byte) KIND_STORE).put(encoded).array();
  }

  /**
   * The request in {@code bytes} (everything read from the stream so far): empty while more
   * bytes are needed; {@link CircuitProtocolException} for an unknown version or kind, a record
   * value over 1024 bytes, a malformed record or bytes past the end of the request.
   */
  public static Optional<Request> parseRequest(byte[] bytes) throws CircuitProtocolException {
    if (bytes.length >= 1 && (bytes[0] & 0xff) != VERSION) {
      throw new CircuitProtocolException("dht request version " + (bytes[0] & 0xff) + " is unknown");
    }
    if (bytes.length < 2) {
      return Optional.empty();
    }
    int kind = bytes[1] & 0xff;
    if (kind == KIND_FIND_VALUE) {
      if (bytes.length > REQUEST_BYTES) {
        throw new CircuitProtocolException("dht FIND_VALUE request must be " + REQUEST_BYTES + " bytes, got " + bytes.length);
      }
      return bytes.length < REQUEST_BYTES ? Optional.empty()
          : Optional.of(new FindValue(Arrays.copyOfRange(bytes, 2, REQUEST_BYTES)));
    }
    if (kind != KIND_STORE) {
      throw new CircuitProtocolException("dht request kind " + kind + " is unknown");
    }
    if (bytes.length > MAX_STORE_REQUEST_BYTES) {
      throw new CircuitProtocolException("dht STORE request is too large: " + bytes.length + " bytes");
    }
    if (bytes.length < STORE_HEAD_BYTES) {
      return Optional.empty();
    }
    int valueLength = ((bytes[STORE_HEAD_BYTES - 2] & 0xff) << 8) | (bytes[STORE_HEAD_BYTES - 1] & 0xff);
    if (valueLength > SignedRecord.MAX_VALUE_BYTES) {
      throw new CircuitProtocolException("dht STORE record value is too large: " + valueLength + " bytes");
    }
    int total = MIN_STORE_REQUEST_BYTES + valueLength;
    if (bytes.length > total) {
      throw new CircuitProtocolException("dht STORE request has trailing bytes");
    }
    if (bytes.length < total) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Store(DhtMessageCodec.decodeRecord(Arrays.copyOfRange(bytes, 2, total))));
    } catch (DhtProtocolException e) {
      throw new CircuitProtocolException("dht STORE record: " + e.getMessage());
    }
  }

  /** A STORE response. */
  public static byte[] storeResponse(Stored stored) {
    return new byte[] {(byte) stored.stored(), (byte) stored.attempted()};
  }

  /**
   * The counts of a STORE response: empty while more bytes are needed;
   * {@link CircuitProtocolException} for trailing bytes or more stored than attempted.
   */
  public static Optional<Stored> parseStoreResponse(byte[] bytes) throws CircuitProtocolException {
    if (bytes.length > STORE_RESPONSE_BYTES) {
      throw new CircuitProtocolException("dht STORE response must be " + STORE_RESPONSE_BYTES + " bytes, got " + bytes.length);
    }
    if (bytes.length < STORE_RESPONSE_BYTES) {
      return Optional.empty();
    }
    int stored = bytes[0] & 0xff;
    int attempted = bytes[1] & 0xff;
    if (stored > attempted) {
      throw new CircuitProtocolException("dht STORE response: " + stored + " stored of " + attempted + " attempted");
    }
    return Optional.of(new Stored(stored, attempted));
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
  public static Optional<List<SignedRecord>> parseResponse(byte[] bytes) throws CircuitProtocolException {
    if (bytes.length > MAX_RESPONSE_BYTES) {
      throw new CircuitProtocolException("dht response is too large: " + bytes.length + " bytes");
    }
    if (bytes.length < 4) {
      return Optional.empty();
    }
    int length = ByteBuffer.wrap(bytes).getInt();
    if (length < 0 || length > MAX_RESPONSE_BYTES - 4) {
      throw new CircuitProtocolException("dht response length " + length + " is out of range");
    }
    if (bytes.length < 4 + length) {
      return Optional.empty();
    }
    if (bytes.length > 4 + length) {
      throw new CircuitProtocolException("dht response has trailing bytes");
    }
    try {
      DhtMessage m = DhtMessageCodec.decode(Arrays.copyOfRange(bytes, 4, bytes.length));
      if (!(m instanceof DhtMessage.Values values)) {
        throw new CircuitProtocolException("dht response is not a VALUES message");
      }
      return Optional.of(values.records());
    } catch (DhtProtocolException e) {
      throw new CircuitProtocolException("dht response: " + e.getMessage());
    }
  }
}
