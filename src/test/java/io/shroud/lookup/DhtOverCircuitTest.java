package io.shroud.lookup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.CircuitProtocolException;
import io.shroud.crypto.Ed25519;
import io.shroud.dht.SignedRecord;
import io.shroud.identity.NodeId;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DhtOverCircuitTest {
  private final byte[] key = new byte[32];

  {
    Arrays.fill(key, (byte) 7);
  }

  @Test
  void requestsRoundTripAndAnythingElseIsRefused() throws Exception {
    assertArrayEquals(key, DhtOverCircuit.parseRequest(DhtOverCircuit.request(key)));
    assertThrows(CircuitProtocolException.class, () -> DhtOverCircuit.parseRequest(new byte[33]));
    byte[] badKind = DhtOverCircuit.request(key);
    badKind[1] = 9;
    assertThrows(CircuitProtocolException.class, () -> DhtOverCircuit.parseRequest(badKind));
  }

  @Test
  void responsesCarrySignedRecordsAndArriveInPieces() throws Exception {
    Ed25519.KeyPair publisher = Ed25519.generate(new SecureRandom());
    SignedRecord record = SignedRecord.sign(publisher, NodeId.of(key), 3, Instant.now().plusSeconds(600),
        "provider".getBytes());
    byte[] response = DhtOverCircuit.response(List.of(record));
    for (int cut = 0; cut < response.length; cut++) {
      assertTrue(DhtOverCircuit.parseResponse(Arrays.copyOf(response, cut)).isEmpty(), "incomplete at " + cut);
    }
    List<SignedRecord> back = DhtOverCircuit.parseResponse(response).orElseThrow();
    assertEquals(1, back.size());
    assertArrayEquals(record.value(), back.get(0).value());
    assertArrayEquals(record.signature(), back.get(0).signature());
    byte[] trailing = Arrays.copyOf(response, response.length + 1);
    assertThrows(CircuitProtocolException.class, () -> DhtOverCircuit.parseResponse(trailing));
    byte[] huge = new byte[DhtOverCircuit.MAX_RESPONSE_BYTES + 1];
    assertThrows(CircuitProtocolException.class, () -> DhtOverCircuit.parseResponse(huge));
  }
}
