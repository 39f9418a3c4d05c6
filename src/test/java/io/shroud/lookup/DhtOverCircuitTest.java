package io.shroud.lookup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.CircuitProtocolException;
import io.shroud.crypto.Ed25519;
import io.shroud.dht.SignedRecord;
import io.shroud.identity.NodeId;
import io.shroud.testutil.SeededRandom;
import java.nio.ByteBuffer;
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
    byte[] request = DhtOverCircuit.request(key);
    DhtOverCircuit.FindValue find = (DhtOverCircuit.FindValue) DhtOverCircuit.parseRequest(request).orElseThrow();
    assertArrayEquals(key, find.key());
    for (int cut = 0; cut < request.length; cut++) {
      assertTrue(DhtOverCircuit.parseRequest(Arrays.copyOf(request, cut)).isEmpty(), "incomplete at " + cut);
    }
    assertThrows(CircuitProtocolException.class, () -> DhtOverCircuit.parseRequest(Arrays.copyOf(request, 35)));
    byte[] badKind = request.clone();
    badKind[1] = 9;
    assertThrows(CircuitProtocolException.class, () -> DhtOverCircuit.parseRequest(badKind));
    assertThrows(CircuitProtocolException.class, () -> DhtOverCircuit.parseRequest(new byte[] {2}), "version 2");
  }

  @Test
  void aStoreRequestCarriesTheRecordAsSignedAndArrivesInPieces() throws Exception {
    Ed25519.KeyPair throwaway = Ed25519.generate(SeededRandom.of(11));
    SignedRecord record = SignedRecord.sign(throwaway, NodeId.of(key), 42, Instant.parse("2030-01-01T00:00:00Z"),
        "descriptor".getBytes());
    byte[] request = DhtOverCircuit.storeRequest(record);
    assertEquals(DhtOverCircuit.MIN_STORE_REQUEST_BYTES + 10, request.length);
    assertEquals(1, request[0]);
    assertEquals(DhtOverCircuit.KIND_STORE, request[1]);
    for (int cut = 0; cut < request.length; cut++) {
      assertTrue(DhtOverCircuit.parseRequest(Arrays.copyOf(request, cut)).isEmpty(), "incomplete at " + cut);
    }
    DhtOverCircuit.Store store = (DhtOverCircuit.Store) DhtOverCircuit.parseRequest(request).orElseThrow();
    assertEquals(record, store.record(), "the very record, signature and all");
    assertTrue(store.record().signatureValid());
    assertThrows(CircuitProtocolException.class,
        () -> DhtOverCircuit.parseRequest(Arrays.copyOf(request, request.length + 1)), "trailing byte");
    byte[] badSeq = request.clone();
    badSeq[2 + 64] = (byte) 0x80;
    assertThrows(CircuitProtocolException.class, () -> DhtOverCircuit.parseRequest(badSeq), "seq over 2^63 - 1");
  }

  @Test
  void aStoreRequestWithAValueOver1024BytesIsRefusedAsSoonAsItsLengthArrives() {
    Ed25519.KeyPair throwaway = Ed25519.generate(SeededRandom.of(12));
    SignedRecord big = SignedRecord.sign(throwaway, NodeId.of(key), 1, Instant.parse("2030-01-01T00:00:00Z"),
        new byte[SignedRecord.MAX_VALUE_BYTES + 1]);
    assertThrows(IllegalArgumentException.class, () -> DhtOverCircuit.storeRequest(big));
    byte[] head = ByteBuffer.allocate(86).put((byte) 1).put((byte) 2).put(key).put(throwaway.publicKey())
        .putLong(1).putLong(1_900_000_000L).putShort((short) 1025).array();
    assertThrows(CircuitProtocolException.class, () -> DhtOverCircuit.parseRequest(head));
    assertThrows(CircuitProtocolException.class,
        () -> DhtOverCircuit.parseRequest(new byte[DhtOverCircuit.MAX_STORE_REQUEST_BYTES + 1]));
  }

  @Test
  void aStoreResponseIsTwoCountsWithNoMoreStoredThanAttempted() throws Exception {
    byte[] response = DhtOverCircuit.storeResponse(new DhtOverCircuit.Stored(19, 20));
    assertArrayEquals(new byte[] {19, 20}, response);
    assertTrue(DhtOverCircuit.parseStoreResponse(new byte[0]).isEmpty());
    assertTrue(DhtOverCircuit.parseStoreResponse(new byte[] {19}).isEmpty());
    assertEquals(new DhtOverCircuit.Stored(19, 20), DhtOverCircuit.parseStoreResponse(response).orElseThrow());
    assertFalse(DhtOverCircuit.parseStoreResponse(response).orElseThrow().refused());
    assertTrue(DhtOverCircuit.parseStoreResponse(new byte[2]).orElseThrow().refused());
    assertEquals(new DhtOverCircuit.Stored(255, 255),
        DhtOverCircuit.parseStoreResponse(new byte[] {-1, -1}).orElseThrow(), "unsigned counts");
    assertThrows(CircuitProtocolException.class, () -> DhtOverCircuit.parseStoreResponse(new byte[] {3, 2}));
    assertThrows(CircuitProtocolException.class, () -> DhtOverCircuit.parseStoreResponse(new byte[] {1, 2, 0}));
    assertThrows(IllegalArgumentException.class, () -> new DhtOverCircuit.Stored(3, 2));
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
