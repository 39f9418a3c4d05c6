package io.shroud.lookup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.CircuitActor;
import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.Streams;
import io.shroud.crypto.Ed25519;
import io.shroud.dht.SignedRecord;
import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The origin side of DHT lookups through circuits, against probes that play the circuits and
 * the stream: what it asks, and which of the records that come back it believes. (Lookups
 * through real circuits to a real DHT are in {@code SwarmDownloadTest}.)
 */
class RecordLookupsActorTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private static byte[] key(int fill) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) fill);
    return key;
  }

  @Test
  void aLookupAsksTheDhtServiceAtTheLastHopAndKeepsOnlyRecordsThatVerifyForItsKey() throws Exception {
    TestProbe<CircuitsActor.Command> circuits = KIT.createTestProbe();
    ActorRef<RecordLookupsActor.Command> lookups = KIT.spawn(RecordLookupsActor.create(circuits.ref(),
        new MutableClock(NOW)));
    TestProbe<RecordLookup> reply = KIT.createTestProbe();
    byte[] key = key(7);
    lookups.tell(new RecordLookupsActor.LookupRecord(key, 2, reply.ref()));

    CircuitsActor.BuildCircuit build = circuits.expectMessageClass(CircuitsActor.BuildCircuit.class, WAIT);
    assertEquals(2, build.hops());
    assertEquals(Optional.empty(), build.destination(), "a random destination");
    TestProbe<CircuitActor.Command> circuit = KIT.createTestProbe();
    build.replyTo().tell(new CircuitsActor.Built("00000001", List.of("aa", "bb"), 5, circuit.ref()));
    CircuitActor.OpenStream open = circuit.expectMessageClass(CircuitActor.OpenStream.class, WAIT);
    assertEquals(DhtOverCircuit.SERVICE, open.service());
    TestProbe<Streams.StreamCommand> stream = KIT.createTestProbe();
    open.user().tell(new Streams.StreamOpened(1, stream.ref(), 4));
    Streams.Write request = stream.expectMessageClass(Streams.Write.class, WAIT);
    DhtOverCircuit.FindValue asked = (DhtOverCircuit.FindValue) DhtOverCircuit.parseRequest(request.data()).orElseThrow();
    assertArrayEquals(key, asked.key());

    Ed25519.KeyPair publisher = Ed25519.generate(SeededRandom.of(5));
    SignedRecord good = SignedRecord.sign(publisher, NodeId.of(key), 1, NOW.plusSeconds(600), new byte[] {1});
    SignedRecord otherKey = SignedRecord.sign(publisher, NodeId.of(key(8)), 1, NOW.plusSeconds(600), new byte[] {2});
    SignedRecord expired = SignedRecord.sign(publisher, NodeId.of(key), 2, NOW.minusSeconds(1), new byte[] {3});
    byte[] response = DhtOverCircuit.response(List.of(otherKey, good, expired));
    int half = response.length / 2;
    open.user().tell(new Streams.StreamData(1, Arrays.copyOf(response, half)));
    assertEquals(1, stream.expectMessageClass(Streams.Consumed.class, WAIT).chunks());
    open.user().tell(new Streams.StreamData(1, Arrays.copyOfRange(response, half, response.length)));
    assertEquals(1, stream.expectMessageClass(Streams.Consumed.class, WAIT).chunks());

    RecordLookup found = reply.receiveMessage(WAIT);
    assertNull(found.error());
    assertEquals(List.of("aa", "bb"), found.path());
    assertEquals(1, found.records().size(), () -> "only the record for this key that has not expired: " + found);
    assertArrayEquals(good.value(), found.records().get(0).value());
    assertEquals(Streams.EndStream.INSTANCE, stream.receiveMessage(WAIT));
  }

  @Test
  void noCircuitOrAnEndedStreamIsAnError() {
    TestProbe<CircuitsActor.Command> circuits = KIT.createTestProbe();
    ActorRef<RecordLookupsActor.Command> lookups = KIT.spawn(RecordLookupsActor.create(circuits.ref(),
        new MutableClock(NOW)));
    TestProbe<RecordLookup> reply = KIT.createTestProbe();

    lookups.tell(new RecordLookupsActor.LookupRecord(key(1), 3, reply.ref()));
    circuits.expectMessageClass(CircuitsActor.BuildCircuit.class, WAIT).replyTo()
        .tell(new CircuitsActor.Failed("no path"));
    RecordLookup noCircuit = reply.receiveMessage(WAIT);
    assertEquals("no circuit: no path", noCircuit.error());
    assertTrue(noCircuit.records().isEmpty());

    lookups.tell(new RecordLookupsActor.LookupRecord(key(1), 3, reply.ref()));
    TestProbe<CircuitActor.Command> circuit = KIT.createTestProbe();
    circuits.expectMessageClass(CircuitsActor.BuildCircuit.class, WAIT).replyTo()
        .tell(new CircuitsActor.Built("00000002", List.of("cc"), 5, circuit.ref()));
    circuit.expectMessageClass(CircuitActor.OpenStream.class, WAIT).user()
        .tell(new Streams.StreamEnded(4, "service refused or unknown"));
    RecordLookup refused = reply.receiveMessage(WAIT);
    assertEquals("the last hop ended the stream: service refused or unknown", refused.error());
    assertEquals(List.of("cc"), refused.path());
  }

  @Test
  void aStoreSendsTheRecordAsSignedThroughACircuitAndRepliesWithTheCounts() throws Exception {
    TestProbe<CircuitsActor.Command> circuits = KIT.createTestProbe();
    ActorRef<RecordLookupsActor.Command> lookups = KIT.spawn(RecordLookupsActor.create(circuits.ref(),
        new MutableClock(NOW)));
    TestProbe<RecordPublication> reply = KIT.createTestProbe();
    Ed25519.KeyPair throwaway = Ed25519.generate(SeededRandom.of(6));
    SignedRecord record = SignedRecord.sign(throwaway, NodeId.of(key(9)), 4, NOW.plusSeconds(3600), new byte[540]);
    lookups.tell(new RecordLookupsActor.StoreRecord(record, 3, reply.ref()));

    CircuitsActor.BuildCircuit build = circuits.expectMessageClass(CircuitsActor.BuildCircuit.class, WAIT);
    assertEquals(3, build.hops());
    assertEquals(Optional.empty(), build.destination(), "a random destination");
    TestProbe<CircuitActor.Command> circuit = KIT.createTestProbe();
    build.replyTo().tell(new CircuitsActor.Built("00000003", List.of("aa", "bb", "cc"), 5, circuit.ref()));
    CircuitActor.OpenStream open = circuit.expectMessageClass(CircuitActor.OpenStream.class, WAIT);
    assertEquals(DhtOverCircuit.SERVICE, open.service());
    TestProbe<Streams.StreamCommand> stream = KIT.createTestProbe();
    open.user().tell(new Streams.StreamOpened(1, stream.ref(), 4));
    Streams.Write request = stream.expectMessageClass(Streams.Write.class, WAIT);
    assertArrayEquals(DhtOverCircuit.storeRequest(record), request.data(), "the record as its publisher signed it");

    open.user().tell(new Streams.StreamData(1, new byte[] {5}));
    assertEquals(1, stream.expectMessageClass(Streams.Consumed.class, WAIT).chunks());
    reply.expectNoMessage(Duration.ofMillis(100));
    open.user().tell(new Streams.StreamData(1, new byte[] {6}));
    assertEquals(1, stream.expectMessageClass(Streams.Consumed.class, WAIT).chunks());
    assertEquals(new RecordPublication(5, 6, List.of("aa", "bb", "cc"), null), reply.receiveMessage(WAIT));
    assertEquals(Streams.EndStream.INSTANCE, stream.receiveMessage(WAIT));
  }

  @Test
  void aStoreTheLastHopRefusesOrABadRecordIsAnError() {
    TestProbe<CircuitsActor.Command> circuits = KIT.createTestProbe();
    ActorRef<RecordLookupsActor.Command> lookups = KIT.spawn(RecordLookupsActor.create(circuits.ref(),
        new MutableClock(NOW)));
    TestProbe<RecordPublication> reply = KIT.createTestProbe();
    Ed25519.KeyPair throwaway = Ed25519.generate(SeededRandom.of(7));

    SignedRecord expired = SignedRecord.sign(throwaway, NodeId.of(key(9)), 1, NOW.minusSeconds(1), new byte[1]);
    lookups.tell(new RecordLookupsActor.StoreRecord(expired, 3, reply.ref()));
    RecordPublication local = reply.receiveMessage(WAIT);
    assertEquals("record refused before sending: EXPIRED", local.error());
    circuits.expectNoMessage(Duration.ofMillis(100));
    SignedRecord big = SignedRecord.sign(throwaway, NodeId.of(key(9)), 1, NOW.plusSeconds(60), new byte[1025]);
    lookups.tell(new RecordLookupsActor.StoreRecord(big, 3, reply.ref()));
    assertEquals("record refused before sending: VALUE_TOO_LARGE", reply.receiveMessage(WAIT).error());
    circuits.expectNoMessage(Duration.ofMillis(100));

    SignedRecord good = SignedRecord.sign(throwaway, NodeId.of(key(9)), 2, NOW.plusSeconds(60), new byte[1]);
    lookups.tell(new RecordLookupsActor.StoreRecord(good, 1, reply.ref()));
    TestProbe<CircuitActor.Command> circuit = KIT.createTestProbe();
    circuits.expectMessageClass(CircuitsActor.BuildCircuit.class, WAIT).replyTo()
        .tell(new CircuitsActor.Built("00000004", List.of("dd"), 5, circuit.ref()));
    CircuitActor.OpenStream open = circuit.expectMessageClass(CircuitActor.OpenStream.class, WAIT);
    TestProbe<Streams.StreamCommand> stream = KIT.createTestProbe();
    open.user().tell(new Streams.StreamOpened(1, stream.ref(), 4));
    stream.expectMessageClass(Streams.Write.class, WAIT);
    open.user().tell(new Streams.StreamData(1, new byte[] {0, 0}));
    assertEquals(new RecordPublication(0, 0, List.of("dd"), "the last hop refused the record"), reply.receiveMessage(WAIT));

    lookups.tell(new RecordLookupsActor.StoreRecord(good, 1, reply.ref()));
    circuits.expectMessageClass(CircuitsActor.BuildCircuit.class, WAIT).replyTo()
        .tell(new CircuitsActor.Built("00000005", List.of("ee"), 5, circuit.ref()));
    CircuitActor.OpenStream again = circuit.expectMessageClass(CircuitActor.OpenStream.class, WAIT);
    TestProbe<Streams.StreamCommand> stream2 = KIT.createTestProbe();
    again.user().tell(new Streams.StreamOpened(1, stream2.ref(), 4));
    stream2.expectMessageClass(Streams.Write.class, WAIT);
    again.user().tell(new Streams.StreamData(1, new byte[] {3, 2}));
    RecordPublication malformed = reply.receiveMessage(WAIT);
    assertEquals(0, malformed.attempted());
    assertTrue(malformed.error().contains("3 stored of 2 attempted"), malformed.error());
  }
}
