package io.shroud.lookup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * whoever is at its other end. The first input byte picks the side:
 *
 * <ul>
 *   <li>0: the last hop parses a request ({@link DhtOverCircuit#parseRequest}); an accepted one is
 *       exactly {@link DhtOverCircuit#request} of its key;
 *   <li>1: the origin parses the response as it accumulates ({@link DhtOverCircuit#parseResponse}
 *       on every prefix, as {@code DhtLookupClientActor} does chunk by chunk): no prefix of a
 *       response that is accepted whole may be refused, and nothing after it may be accepted.
 * </ul>
 *
 * Only {@link CircuitProtocolException} may escape. Seeds:
 * {@code src/test/resources/io/shroud/lookup/DhtOverCircuitFuzzTestInputs/requestAndResponse/}.
 */
class DhtOverCircuitFuzzTest {
  private static final Path SEEDS =
      Path.of("src/test/resources/io/shroud/lookup/DhtOverCircuitFuzzTestInputs/requestAndResponse");

  @FuzzTest(maxDuration = "2s")
  void requestAndResponse(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] message = Arrays.copyOfRange(input, 1, input.length);
    if ((input[0] & 1) == 0) {
      try {
        byte[] key = DhtOverCircuit.parseRequest(message);
        assertArrayEquals(message, DhtOverCircuit.request(key));
      } catch (CircuitProtocolException expected) {
        // refused
      }
      return;
    }
    Optional<List<SignedRecord>> whole;
    try {
      whole = DhtOverCircuit.parseResponse(message);
    } catch (CircuitProtocolException expected) {
      return;
    }
    if (whole.isEmpty()) {
      return;
    }
    for (int n = 0; n < message.length; n++) {
      try {
        assertTrue(DhtOverCircuit.parseResponse(Arrays.copyOf(message, n)).isEmpty(),
            "a prefix of " + n + " bytes was already a whole response");
      } catch (CircuitProtocolException e) {
        throw new AssertionError("a prefix of " + n + " bytes of a good response was refused: " + e.getMessage(), e);
      }
    }
    byte[] longer = Arrays.copyOf(message, message.length + 1);
    try {
      DhtOverCircuit.parseResponse(longer);
      throw new AssertionError("a byte after a whole response was accepted");
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
    assertEquals(32, DhtOverCircuit.parseRequest(Arrays.copyOfRange(request, 1, request.length)).length);
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
  }

  private static void write(String name, int side, byte[] message) throws IOException {
    byte[] seed = new byte[1 + message.length];
    seed[0] = (byte) side;
    System.arraycopy(message, 0, seed, 1, message.length);
    Files.write(SEEDS.resolve(name), seed);
  }
}
