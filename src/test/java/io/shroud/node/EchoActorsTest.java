package io.shroud.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.CircuitActor;
import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.Streams;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.nio.charset.StandardCharsets;
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
 * The node's echo, both sides, against probes that play the circuit and the stream: the
 * service writes back within its credit, the client reports what came back. (Echoes through
 * real circuits are in {@code CircuitActorsTest}.)
 */
class EchoActorsTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(5);

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] written(TestProbe<Streams.StreamCommand> stream) {
    return stream.expectMessageClass(Streams.Write.class, WAIT).data();
  }

  @Test
  void theServiceWritesBackWithinItsCreditAndAcknowledgesOnlyWhatItWroteBack() {
    ActorRef<Streams.ServiceRequest> service = KIT.spawn(EchoServiceActor.create());
    TestProbe<Streams.StreamCommand> stream = KIT.createTestProbe();
    TestProbe<Streams.ServiceAnswer> answer = KIT.createTestProbe();
    service.tell(new Streams.OpenServiceStream(EchoServiceActor.SERVICE, stream.ref(), answer.ref()));
    ActorRef<Streams.StreamEvent> events = answer.expectMessageClass(Streams.Accept.class, WAIT).events();

    events.tell(new Streams.StreamOpened(1, stream.ref(), 1));
    events.tell(new Streams.StreamData(1, List.of(bytes("ab"), bytes("cd"))));
    assertArrayEquals(bytes("abcd"), written(stream));
    assertEquals(2, stream.expectMessageClass(Streams.Consumed.class, WAIT).chunks(), "both cells, once written back");

    byte[] big = new byte[Streams.MAX_CHUNK + 10];
    SeededRandom.of(1).nextBytes(big);
    events.tell(new Streams.StreamData(1, big));
    stream.expectNoMessage(Duration.ofMillis(200)); // its one credit is spent
    events.tell(new Streams.StreamCredit(1, 1));
    assertArrayEquals(Arrays.copyOf(big, Streams.MAX_CHUNK), written(stream), "one chunk at most per write");
    stream.expectNoMessage(Duration.ofMillis(200)); // half written back: not acknowledged yet
    events.tell(new Streams.StreamCredit(1, 1));
    assertArrayEquals(Arrays.copyOfRange(big, Streams.MAX_CHUNK, big.length), written(stream));
    assertEquals(1, stream.expectMessageClass(Streams.Consumed.class, WAIT).chunks());
  }

  @Test
  void buildAndEchoBuildsACircuitEchoesRandomBytesAndReportsBoth() {
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    TestProbe<CircuitsActor.Command> circuits = KIT.createTestProbe();
    ActorRef<EchoActor.Command> echo = KIT.spawn(EchoActor.create(circuits.ref(), clock, SeededRandom.of(2)));
    TestProbe<BuildEchoReport> report = KIT.createTestProbe();
    echo.tell(new EchoActor.BuildAndEcho(Optional.empty(), 2, 10, report.ref()));

    CircuitsActor.BuildCircuit build = circuits.expectMessageClass(CircuitsActor.BuildCircuit.class, WAIT);
    assertEquals(2, build.hops());
    assertEquals(Optional.empty(), build.destination());
    TestProbe<CircuitActor.Command> circuit = KIT.createTestProbe();
    build.replyTo().tell(new CircuitsActor.Built("0000abcd", List.of("aa", "bb"), 12, circuit.ref()));
    CircuitActor.OpenStream open = circuit.expectMessageClass(CircuitActor.OpenStream.class, WAIT);
    assertEquals(EchoServiceActor.SERVICE, open.service());

    TestProbe<Streams.StreamCommand> stream = KIT.createTestProbe();
    open.user().tell(new Streams.StreamOpened(3, stream.ref(), 4));
    byte[] payload = written(stream);
    assertEquals(10, payload.length);
    clock.advance(Duration.ofMillis(7));
    open.user().tell(new Streams.StreamData(3, payload));
    assertEquals(1, stream.expectMessageClass(Streams.Consumed.class, WAIT).chunks());
    assertEquals(Streams.EndStream.INSTANCE, stream.receiveMessage(WAIT));

    BuildEchoReport r = report.receiveMessage(WAIT);
    assertTrue(r.ok(), r::toString);
    assertEquals("0000abcd", r.circuitId());
    assertEquals(List.of("aa", "bb"), r.path());
    assertEquals(12, r.buildMillis());
    assertEquals(10, r.echoBytes());
    assertEquals(7, r.echoMillis());
    assertNull(r.error());
  }

  @Test
  void aFailedBuildOrAnAlteredEchoIsReportedAsNotOk() {
    MutableClock clock = new MutableClock();
    TestProbe<CircuitsActor.Command> circuits = KIT.createTestProbe();
    ActorRef<EchoActor.Command> echo = KIT.spawn(EchoActor.create(circuits.ref(), clock, SeededRandom.of(3)));
    TestProbe<BuildEchoReport> report = KIT.createTestProbe();
    echo.tell(new EchoActor.BuildAndEcho(Optional.empty(), 3, 10, report.ref()));
    circuits.expectMessageClass(CircuitsActor.BuildCircuit.class, WAIT).replyTo()
        .tell(new CircuitsActor.Failed("no path"));
    BuildEchoReport failed = report.receiveMessage(WAIT);
    assertFalse(failed.ok());
    assertEquals("no path", failed.error());

    TestProbe<CircuitActor.Command> circuit = KIT.createTestProbe();
    TestProbe<EchoResult> result = KIT.createTestProbe();
    echo.tell(new EchoActor.Echo(circuit.ref(), bytes("hello"), result.ref()));
    CircuitActor.OpenStream open = circuit.expectMessageClass(CircuitActor.OpenStream.class, WAIT);
    TestProbe<Streams.StreamCommand> stream = KIT.createTestProbe();
    open.user().tell(new Streams.StreamOpened(1, stream.ref(), 4));
    assertArrayEquals(bytes("hello"), written(stream));
    open.user().tell(new Streams.StreamData(1, bytes("jello")));
    EchoResult altered = result.receiveMessage(WAIT);
    assertFalse(altered.ok());
    assertEquals(5, altered.bytes());
    assertEquals("echo came back altered", altered.error());
    assertInstanceOf(Streams.Consumed.class, stream.receiveMessage(WAIT));
  }
}
