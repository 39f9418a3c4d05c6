package io.shroud.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.Streams;
import io.shroud.crypto.Ed25519;
import io.shroud.dht.DhtActor;
import io.shroud.dht.DhtSettings;
import io.shroud.dht.DhtView;
import io.shroud.dht.RecordsActor;
import io.shroud.dht.SignedRecord;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.link.InMemoryLinks;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code dht} circuit service's STORE (protocol §6.13 kind 2, §11.3) at a last hop whose DHT
 * is a real {@link DhtActor} among {@value #NODES} others in memory; the test plays the circuit
 * stream. A record signed by a throwaway key (never a node's) is published as it is — found back,
 * byte for byte, by a FIND_VALUE through another node's service — and never republished by the
 * last hop; a record that fails the §5.4 checks is refused (0 of 0), an oversized one ends the
 * stream unanswered.
 */
class DhtStoreServiceTest {
  private static final int NODES = 8;
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final MutableClock CLOCK = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private static final List<Ed25519.KeyPair> IDENTITIES = new ArrayList<>();
  private static final List<ActorRef<DhtActor.Command>> DHTS = new ArrayList<>();
  private static final List<ActorRef<Streams.ServiceRequest>> SERVICES = new ArrayList<>();
  private static int keys;

  @BeforeAll
  static void startNetwork() {
    InMemoryLinks links = new InMemoryLinks(KIT);
    DhtSettings settings = DhtSettings.defaults()
        .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500))
        .withMaintenance(Duration.ofMillis(100), Duration.ofHours(24))
        .withPersistence(false, 20);
    List<NodeDescriptor> descriptors = new ArrayList<>();
    Instant from = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < NODES; i++) {
      Ed25519.KeyPair identity = Ed25519.generate(SeededRandom.of(9100 + i));
      NodeId id = NodeId.ofIdentityKey(identity.publicKey());
      ActorRef<DhtActor.Command> dht = KIT.spawn(DhtActor.create(identity, links.linksOf(id), null, settings,
          CLOCK, SeededRandom.of(9200 + i)));
      view(dht); // the DHT route is registered at the links actor before anyone sends it a cell
      IDENTITIES.add(identity);
      DHTS.add(dht);
      SERVICES.add(KIT.spawn(DhtServiceActor.create(dht)));
      descriptors.add(new NodeDescriptor(NodeDescriptor.PROTOCOL_VERSION, id, identity.publicKey(), new byte[32],
          new byte[0], "127.0.0.1:2552", "127." + (i + 1) + ".0.1:7000", from, from.plus(Duration.ofDays(3650))));
    }
    DHTS.forEach(dht -> dht.tell(new DhtActor.DirectoryUpdated(new DirectoryView(descriptors))));
    KIT.createTestProbe().awaitAssert(WAIT, Duration.ofMillis(50), () -> {
      for (ActorRef<DhtActor.Command> dht : DHTS) {
        DhtView v = view(dht);
        assertTrue(v.pendingRequests() == 0 && v.activeLookups() == 0, "joins still running");
      }
      return null;
    });
  }

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private static DhtView view(ActorRef<DhtActor.Command> dht) {
    TestProbe<DhtView> probe = KIT.createTestProbe();
    dht.tell(new DhtActor.GetBuckets(probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  private static List<SignedRecord> stored(int node, NodeId key) {
    TestProbe<RecordsActor.StoredRecords> probe = KIT.createTestProbe();
    DHTS.get(node).tell(new DhtActor.GetStoredRecords(key, probe.ref()));
    return probe.receiveMessage(WAIT).records();
  }

  private static NodeId freshKey() {
    byte[] key = new byte[32];
    SeededRandom.of(9300 + keys++).nextBytes(key);
    return NodeId.of(key);
  }

  /** A session with node {@code node}'s service: what the last hop writes back, and whether it ended the stream. */
  private record Answer(byte[] written, boolean ended) {}

  /** Opens a stream to the service of {@code node}, sends {@code request} in two pieces, collects the answer. */
  private static Answer ask(int node, byte[] request) {
    TestProbe<Streams.StreamCommand> stream = KIT.createTestProbe();
    TestProbe<Streams.ServiceAnswer> answer = KIT.createTestProbe();
    SERVICES.get(node).tell(new Streams.OpenServiceStream(DhtOverCircuit.SERVICE, stream.ref(), answer.ref()));
    ActorRef<Streams.StreamEvent> events = assertInstanceOf(Streams.Accept.class, answer.receiveMessage(WAIT)).events();
    events.tell(new Streams.StreamOpened(1, stream.ref(), 10));
    int half = Math.min(request.length, 50);
    events.tell(new Streams.StreamData(1, Arrays.copyOf(request, half)));
    if (half < request.length) {
      events.tell(new Streams.StreamData(1, Arrays.copyOfRange(request, half, request.length)));
    }
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    while (true) {
      Streams.StreamCommand command = stream.receiveMessage(WAIT);
      if (command instanceof Streams.Write write) {
        written.writeBytes(write.data());
      } else if (command == Streams.EndStream.INSTANCE) {
        events.tell(new Streams.StreamEnded(1, "ended"));
        return new Answer(written.toByteArray(), true);
      }
    }
  }

  private static DhtOverCircuit.Stored store(int lastHop, SignedRecord record) throws Exception {
    Answer answer = ask(lastHop, DhtOverCircuit.storeRequest(record));
    return DhtOverCircuit.parseStoreResponse(answer.written()).orElseThrow();
  }

  @Test
  void aRecordSignedByAThrowawayKeyIsStoredAtTheClosestNodesAsSignedAndFoundBackFromAnotherNode() throws Exception {
    Ed25519.KeyPair throwaway = Ed25519.generate(SeededRandom.of(9400));
    NodeId key = freshKey();
    SignedRecord record = SignedRecord.sign(throwaway, key, 5, CLOCK.instant().plus(Duration.ofHours(1)), new byte[540]);
    for (Ed25519.KeyPair identity : IDENTITIES) {
      assertFalse(Arrays.equals(identity.publicKey(), record.publisher()), "the publisher key is no node's");
    }

    DhtOverCircuit.Stored counts = store(0, record);
    assertEquals(new DhtOverCircuit.Stored(NODES, NODES), counts,
        "k = 20 > 8: every node, the last hop included, took it");
    for (int i = 0; i < NODES; i++) {
      assertEquals(List.of(record), stored(i, key), "node " + i + " holds the record as it was signed");
    }

    Answer found = ask(5, DhtOverCircuit.request(key.toBytes()));
    assertEquals(List.of(record), DhtOverCircuit.parseResponse(found.written()).orElseThrow(),
        "a FIND_VALUE through another node's service finds it, publisher and signature unchanged");
  }

  @Test
  void theLastHopDoesNotRepublishARecordItPublishedForSomeoneElse() throws Exception {
    Ed25519.KeyPair throwaway = Ed25519.generate(SeededRandom.of(9401));
    NodeId key = freshKey();
    SignedRecord record = SignedRecord.sign(throwaway, key, 1, CLOCK.instant().plus(Duration.ofHours(2)), new byte[] {1});
    assertEquals(new DhtOverCircuit.Stored(NODES, NODES), store(2, record));

    CLOCK.advance(Duration.ofMinutes(100)); // past 3/4 of the record's life: an own record would be due
    // held unchanged on every node, checked over and over through ten maintenance ticks (100 ms)
    org.awaitility.Awaitility.await("nothing re-signed, nothing new, on any node")
        .during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          for (int i = 0; i < NODES; i++) {
            if (!List.of(record).equals(stored(i, key))) {
              return false;
            }
          }
          return true;
        });
  }

  @Test
  void aRecordThatFailsTheChecksIsRefusedAndStoredNowhere() throws Exception {
    Ed25519.KeyPair throwaway = Ed25519.generate(SeededRandom.of(9402));
    NodeId key = freshKey();
    Instant now = CLOCK.instant();
    SignedRecord good = SignedRecord.sign(throwaway, key, 1, now.plus(Duration.ofHours(1)), new byte[] {1, 2});
    byte[] signature = good.signature();
    signature[0] ^= 1;
    SignedRecord forged = new SignedRecord(key, good.publisher(), 1, good.expiry(), good.value(), signature);
    SignedRecord tooFar = SignedRecord.sign(throwaway, key, 2, now.plus(Duration.ofHours(25)), new byte[] {1});
    SignedRecord expired = SignedRecord.sign(throwaway, key, 3, now.minusSeconds(1), new byte[] {1});
    for (SignedRecord bad : List.of(forged, tooFar, expired)) {
      assertEquals(new DhtOverCircuit.Stored(0, 0), store(1, bad), bad.toString());
    }
    for (int i = 0; i < NODES; i++) {
      assertEquals(List.of(), stored(i, key), "node " + i);
    }
  }

  @Test
  void aValueOver1024BytesEndsTheStreamUnanswered() {
    Ed25519.KeyPair throwaway = Ed25519.generate(SeededRandom.of(9403));
    NodeId key = freshKey();
    byte[] oversize = ByteBuffer.allocate(2 + 146 + 1025).put((byte) 1).put((byte) DhtOverCircuit.KIND_STORE)
        .put(key.toBytes()).put(throwaway.publicKey()).putLong(1)
        .putLong(CLOCK.instant().plusSeconds(600).getEpochSecond()).putShort((short) 1025).array();
    Answer answer = ask(3, oversize);
    assertTrue(answer.ended());
    assertEquals(0, answer.written().length, "no response");
    for (int i = 0; i < NODES; i++) {
      assertEquals(List.of(), stored(i, key), "node " + i);
    }
  }
}
