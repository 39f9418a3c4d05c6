package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.CircuitActor;
import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.Streams;
import io.shroud.identity.NodeId;
import io.shroud.swarm.transfer.TransferCodec;
import io.shroud.swarm.transfer.TransferFrameDecoder;
import io.shroud.swarm.transfer.TransferMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The downloader's session: what it writes on the stream and how it acknowledges chunks. */
class ProviderSessionActorTest {
  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private record Session(ActorRef<ProviderSessionActor.Command> ref,
      TestProbe<Streams.StreamCommand> stream,
      ActorRef<Streams.StreamEvent> events) {}

  private static Session open(byte[] infoHash) {
    TestProbe<CircuitsActor.Command> circuits = KIT.createTestProbe();
    TestProbe<CircuitActor.Command> circuit = KIT.createTestProbe();
    TestProbe<SourceReport> parent = KIT.createTestProbe();
    TestProbe<Streams.StreamCommand> stream = KIT.createTestProbe();
    NodeId provider = NodeId.of(new byte[32]);
    ActorRef<ProviderSessionActor.Command> session = KIT.spawn(
        ProviderSessionActor.create(provider, 1, infoHash, 3, circuits.ref(), parent.ref()));
    CircuitsActor.BuildCircuit build = circuits.expectMessageClass(CircuitsActor.BuildCircuit.class);
    build.replyTo().tell(new CircuitsActor.Built("c1", List.of("a", "b", "c"), 5, circuit.ref()));
    CircuitActor.OpenStream openStream = circuit.expectMessageClass(CircuitActor.OpenStream.class);
    openStream.user().tell(new Streams.StreamOpened(1, stream.ref(), 32));
    parent.expectMessageClass(SourceReport.Connected.class);
    return new Session(session, stream, openStream.user());
  }

  @Test
  void requestsSentTogetherShareStreamChunks() throws Exception {
    byte[] infoHash = new byte[32];
    Arrays.fill(infoHash, (byte) 7);
    Session s = open(infoHash);
    List<TransferMessage> sent = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      sent.add(new TransferMessage.BlockRequest(i, 0, 16384));
    }
    // one refill's requests arrive in one message (200 separate Sends packed only when the
    // actor happened to find them queued together: a CI run got 30 chunks)
    s.ref().tell(new ProviderSessionActor.SendAll(List.copyOf(sent)));
    TransferFrameDecoder decoder = new TransferFrameDecoder();
    List<TransferMessage> received = new ArrayList<>();
    int writes = 0;
    while (received.size() < 201) {
      Streams.StreamCommand c = s.stream().receiveMessage(Duration.ofSeconds(3));
      Streams.WriteAll w = assertInstanceOf(Streams.WriteAll.class, c);
      for (byte[] chunk : w.chunks()) {
        writes++;
        received.addAll(decoder.feed(chunk));
      }
    }
    assertInstanceOf(TransferMessage.Hello.class, received.get(0));
    assertEquals(sent, received.subList(1, received.size()));
    // HELLO + 200 requests of 13 bytes each fit in one 4052-byte chunk; a chunk per request would be 201.
    assertTrue(writes <= 3, "expected the requests packed into few chunks, got " + writes + " chunks");
  }

  @Test
  void chunksReceivedTogetherAreAcknowledgedTogether() {
    Session s = open(new byte[32]);
    s.stream().expectMessageClass(Streams.WriteAll.class); // HELLO
    byte[] have = TransferCodec.encode(new TransferMessage.Have(true, 0, 0, new java.util.BitSet()));
    // as the mux delivers them: each StreamData carries a run of two DATA chunks; the session
    // acknowledges chunks, not messages (sending ten one-chunk messages and hoping the session
    // sees several at once made this test depend on thread timing)
    for (int i = 0; i < 5; i++) {
      s.events().tell(new Streams.StreamData(1, List.of(have, have)));
    }
    int acknowledged = 0;
    int messages = 0;
    while (acknowledged < 10) {
      Streams.Consumed c = s.stream().expectMessageClass(Streams.Consumed.class);
      acknowledged += c.chunks();
      messages++;
    }
    assertEquals(10, acknowledged);
    assertTrue(messages < 10, "expected the chunks acknowledged in batches, got " + messages + " messages");
  }
}
