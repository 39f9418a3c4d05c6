package io.shroud.circuit;

import static io.shroud.testutil.MetricValues.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.metrics.Metrics;
import io.shroud.testutil.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The wiring of the memory bound on relayed circuits (the choice itself: QueuePressureTest): a
 * last hop's streams report the cells they hold to the node's ledger, and when the total goes
 * over {@code max-queued-bytes} the node destroys the circuit holding the oldest cells with
 * DESTROY RESOURCE_LIMIT, and keeps the others.
 */
class RelayMemoryBoundTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(15);
  static final String SINK = "sink";

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A stream opened by the origin to the sink, and what its user hears. */
  private record Opened(CircuitsActor.Built circuit, TestProbe<Streams.StreamEvent> user,
      ActorRef<Streams.StreamCommand> handle) {}

  private static Opened open(CircuitNet.Node origin, CircuitNet.Node destination) {
    CircuitsActor.Built built = CircuitActorsTest.buildIn(testKit, origin, Optional.of(destination), 2);
    TestProbe<Streams.StreamEvent> user = testKit.createTestProbe();
    built.circuit().tell(new CircuitActor.OpenStream(SINK, user.ref()));
    Streams.StreamOpened opened = user.expectMessageClass(Streams.StreamOpened.class, WAIT);
    return new Opened(built, user, opened.stream());
  }

  private static void write(Opened stream, int chunks) {
    List<byte[]> data = new ArrayList<>();
    for (int i = 0; i < chunks; i++) {
      data.add(new byte[1000]);
    }
    stream.handle().tell(new Streams.WriteAll(data));
  }

  /** Waits until the sink has received {@code chunks} more DATA cells (its StreamOpened events pass by). */
  private static void received(TestProbe<Streams.StreamEvent> sink, int chunks) {
    int got = 0;
    while (got < chunks) {
      if (sink.receiveMessage(WAIT) instanceof Streams.StreamData data) {
        got += data.chunks();
      }
    }
  }

  @Test
  void overTheBoundTheCircuitHoldingTheOldestCellsIsDestroyedAndTheYoungerKept() {
    MutableClock clock = new MutableClock(Instant.now());
    CircuitSettings settings = CircuitSettings.defaults().withMaxQueuedCells(20)
        .withLifetimes(Duration.ofDays(1), Duration.ofDays(1), Duration.ofMillis(50));
    CircuitNet net = new CircuitNet(testKit, 3, settings, 41, clock);
    CircuitNet.Node origin = net.node(0);
    CircuitNet.Node destination = net.node(2);
    // a service that takes every stream and never consumes: what it is sent stays queued
    TestProbe<Streams.StreamEvent> sink = testKit.createTestProbe();
    destination.circuits().tell(new CircuitsActor.RegisterService(SINK, testKit.spawn(
        Behaviors.<Streams.ServiceRequest>receiveMessage(request -> {
          if (request instanceof Streams.OpenServiceStream open) {
            open.replyTo().tell(new Streams.Accept(sink.ref()));
          }
          return Behaviors.same();
        }))));
    double oom = value(Metrics.get(testKit.system()), "shroud_relay_circuits_closed_total{reason=\"out_of_memory\"}");

    Opened older = open(origin, destination);
    write(older, 12);
    received(sink, 12);
    clock.advance(Duration.ofMinutes(1));
    Opened younger = open(origin, destination);
    write(younger, 12); // 24 cells held at the last hop, over the bound of 20

    Streams.StreamEvent event;
    do { // the credits its chunks gave back as they left come first
      event = older.user().receiveMessage(WAIT);
    } while (event instanceof Streams.StreamCredit);
    Streams.StreamEnded ended = assertInstanceOf(Streams.StreamEnded.class, event);
    assertTrue(ended.reason().contains("RESOURCE_LIMIT"), ended.reason());
    younger.user().expectMessageClass(Streams.StreamCredit.class, WAIT);
    younger.user().expectNoMessage(Duration.ofMillis(300));
    testKit.createTestProbe().awaitAssert(WAIT, () -> {
      List<RelayHopView> left = CircuitActorsTest.view(destination).relays();
      assertEquals(1, left.size(), "only the younger circuit's hop is left at the last hop");
      return null;
    });
    assertEquals(oom + 1, value(Metrics.get(testKit.system()),
        "shroud_relay_circuits_closed_total{reason=\"out_of_memory\"}"));
    testKit.createTestProbe().awaitAssert(WAIT, () -> {
      List<String> ready = CircuitActorsTest.view(origin).circuits().stream()
          .filter(c -> c.state().equals("READY")).map(CircuitView::id).toList();
      assertEquals(List.of(younger.circuit().circuitId()), ready, "the younger circuit is still up");
      return null;
    });
  }
}
