package io.shroud.lookup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shroud.circuit.CircuitProtocolException;
import io.shroud.crypto.Ed25519;
import io.shroud.dht.SignedRecord;
import io.shroud.identity.NodeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzes the {@code dht} circuit service's messages, which come out of a circuit stream from
 * whoever is at its other end. The first input byte (mod 3) picks the side:
 *
 * <ul>
 *   <li>0: the last hop parses a request, FIND_VALUE or STORE ({@link DhtOverCircuit#parseRequest});
 *       an accepted one is exactly {@link DhtOverCircuit#request} of its key or
 *       {@link DhtOverCircuit#storeRequest} of its record;
 *   <li>1: the origin parses a FIND_VALUE response ({@link DhtOverCircuit#parseResponse});
 *   <li>2: the origin parses a STORE response ({@link DhtOverCircuit#parseStoreResponse}), which
 *       is exactly {@link DhtOverCircuit#storeResponse} of its counts.
 * </ul>
 *
 * Every parser reads the bytes as they accumulate (on every prefix, as the actors do chunk by
 * chunk): no prefix of a message that is accepted whole may be refused or already be whole, and
 * a byte after it must be refused. Only {@link CircuitProtocolException} may escape. Seeds:
 * {@code src/test/resources/io/shroud/lookup/DhtOverCircuitFuzzTestInputs/requestAndResponse/}.
 */
class DhtOverCircuitFuzzTest {
  private static final Path SEEDS =
      Path.of("src/test/resources/io/shroud/lookup/DhtOverCircuitFuzzTestInputs/requestAndResponse");

  /** One of the three parsers; empty while more bytes are needed. */
  private interface Parser {
    Optional<?> parse(byte[] bytes) throws CircuitProtocolException;
  }

  @FuzzTest(maxDuration = "2s")
  void requestAndResponse(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] message = Arrays.copyOfRange(input, 1, input.length);
    int side = (input[0] & 0xff) % 3;
    Parser parser = side == 0 ? DhtOverCircuit::parseRequest
        : side == 1 ? DhtOverCircuit::parseResponse : DhtOverCircuit::parseStoreResponse;
    Optional<?> whole;
    try {
      whole = parser.parse(message);
    } catch (CircuitProtocolException expected) {
      return;
    }
    if (whole.isEmpty()) {
      return;
    }
    Object parsed = whole.get();
    if (parsed instanceof DhtOverCircuit.FindValue find) {
      assertArrayEquals(message, DhtOverCircuit.request(find.key()));
    } else if (parsed instanceof DhtOverCircuit.Store store) {
      assertArrayEquals(message, DhtOverCircuit.storeRequest(store.record()));
    } else if (parsed instanceof DhtOverCircuit.Stored stored) {
      assertArrayEquals(message, DhtOverCircuit.storeResponse(stored));
    }
    for (int n = 0; n < message.length; n++) {
      try {
        assertTrue(parser.parse(Arrays.copyOf(message, n)).isEmpty(),
            "a prefix of " + n + " bytes was already a whole message");
      } catch (CircuitProtocolException e) {
        throw new AssertionError("a prefix of " + n + " bytes of a good message was refused: " + e.getMessage(), e);
      }
    }
    byte[] longer = Arrays.copyOf(message, message.length + 1);
    try {
      parser.parse(longer);
      throw new AssertionError("a byte after a whole message was accepted");
    } catch (CircuitProtocolException expected) {
      // trailing bytes
    }
  }

  /** The response seeds are whole responses with the records they were made from. */
  @Test
  void theResponseSeedsAreWholeResponses() throws Exception {
    byte[] seed = Files.readAllBytes(SEEDS.resolve("1-response-two-records"));
    List<SignedRecord> records = DhtOverCircuit.parseResponse(Arrays.copyOfRange(seed, 1, seed.length)).orElseThrow();
    assertEquals(2, records.size());
    byte[] request = Files.readAllBytes(SEEDS.resolve("0-request"));
    assertEquals(32, ((DhtOverCircuit.FindValue) DhtOverCircuit.parseRequest(
        Arrays.copyOfRange(request, 1, request.length)).orElseThrow()).key().length);
    byte[] store = Files.readAllBytes(SEEDS.resolve("0-request-store"));
    assertTrue(((DhtOverCircuit.Store) DhtOverCircuit.parseRequest(Arrays.copyOfRange(store, 1, store.length))
        .orElseThrow()).record().signatureValid());
    byte[] oversize = Files.readAllBytes(SEEDS.resolve("0-request-store-oversize"));
    assertThrows(CircuitProtocolException.class,
        () -> DhtOverCircuit.parseRequest(Arrays.copyOfRange(oversize, 1, oversize.length)), "value length 1025");
    byte[] stored = Files.readAllBytes(SEEDS.resolve("2-store-response"));
    assertEquals(new DhtOverCircuit.Stored(5, 6), DhtOverCircuit.parseStoreResponse(
        Arrays.copyOfRange(stored, 1, stored.length)).orElseThrow());
  }

  /** Writes the seed corpus with the real encoders: {@code -Dshroud.fuzz.writeSeeds=true}. */
  @Test
  @EnabledIfSystemProperty(named = "shroud.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Files.createDirectories(SEEDS);
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0x5a);
    Ed25519.KeyPair publisher = Ed25519.fromPrivateKey(new byte[32]);
    Instant expiry = Instant.parse("2026-12-07T13:00:00Z");
    SignedRecord a = SignedRecord.sign(publisher, NodeId.of(key), 1, expiry, "hello".getBytes());
    SignedRecord b = SignedRecord.sign(publisher, NodeId.of(key), 2, expiry, new byte[300]);
    write("0-request", 0, DhtOverCircuit.request(key));
    write("0-request-unknown-kind", 0, Arrays.copyOf(new byte[] {1, 2}, DhtOverCircuit.REQUEST_BYTES));
    write("1-response-empty", 1, DhtOverCircuit.response(List.of()));
    write("1-response-two-records", 1, DhtOverCircuit.response(List.of(a, b)));
    byte[] one = DhtOverCircuit.response(List.of(a));
    write("1-response-half", 1, Arrays.copyOf(one, one.length / 2));
    write("1-response-trailing", 1, Arrays.copyOf(one, one.length + 1));
    Ed25519.KeyPair throwaway = Ed25519.fromPrivateKey(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
    byte[] store = DhtOverCircuit.storeRequest(SignedRecord.sign(throwaway, NodeId.of(key), 7, expiry, new byte[540]));
    write("0-request-store", 0, store);
    write("0-request-store-half", 0, Arrays.copyOf(store, store.length / 2));
    write("0-request-store-trailing", 0, Arrays.copyOf(store, store.length + 1));
    byte[] oversize = Arrays.copyOf(store, 86);
    oversize[82] = 0x04;
    oversize[83] = 0x01;
    write("0-request-store-oversize", 0, oversize);
    write("0-request-store-empty-value", 0,
        DhtOverCircuit.storeRequest(SignedRecord.sign(throwaway, NodeId.of(key), 8, expiry, new byte[0])));
    write("2-store-response", 2, DhtOverCircuit.storeResponse(new DhtOverCircuit.Stored(5, 6)));
    write("2-store-response-refused", 2, DhtOverCircuit.storeResponse(new DhtOverCircuit.Stored(0, 0)));
    write("2-store-response-more-stored", 2, new byte[] {7, 6});
    write("2-store-response-trailing", 2, new byte[] {1, 1, 0});
  }

  private static void write(String name, int side, byte[] message) throws IOException {
    byte[] seed = new byte[1 + message.length];
    seed[0] = (byte) side;
    System.arraycopy(message, 0, seed, 1, message.length);
    Files.write(SEEDS.resolve(name), seed);
  }
}
