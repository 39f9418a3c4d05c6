package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The origin's stream mux on its own: cells in and out travel in batches, in order. */
class StreamMuxActorTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(3);

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private record Opened(ActorRef<StreamMuxActor.Command> mux, TestProbe<StreamMuxActor.Output> owner,
      TestProbe<Streams.StreamEvent> user, Streams.StreamOpened stream) {}

  private static Opened open() {
    TestProbe<StreamMuxActor.Output> owner = KIT.createTestProbe();
    TestProbe<Streams.StreamEvent> user = KIT.createTestProbe();
    ActorRef<StreamMuxActor.Command> mux = KIT.spawn(StreamMuxActor.origin(CircuitSettings.defaults(), owner.ref()));
    mux.tell(new StreamMuxActor.Open("echo", user.ref()));
    StreamMuxActor.SendCells begin = owner.expectMessageClass(StreamMuxActor.SendCells.class, WAIT);
    RelayCell beginCell = begin.cells().get(0);
    assertEquals(RelayCommand.BEGIN, beginCell.command());
    mux.tell(new StreamMuxActor.CellsIn(List.of(new RelayCell(RelayCommand.CONNECTED, beginCell.streamId(), new byte[0]))));
    Streams.StreamOpened opened = user.expectMessageClass(Streams.StreamOpened.class, WAIT);
    return new Opened(mux, owner, user, opened);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aWriteAllLeavesAsOneBatchOfDataCellsInOrder() {
    Opened o = open();
    List<byte[]> chunks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      chunks.add(bytes("chunk " + i));
    }
    o.stream().stream().tell(new Streams.WriteAll(chunks));
    StreamMuxActor.SendCells out = o.owner().expectMessageClass(StreamMuxActor.SendCells.class, WAIT);
    assertEquals(5, out.cells().size(), "one message for the five chunks");
    for (int i = 0; i < 5; i++) {
      assertEquals(RelayCommand.DATA, out.cells().get(i).command());
      assertArrayEquals(chunks.get(i), out.cells().get(i).data());
    }
    Streams.StreamCredit credit = o.user().expectMessageClass(Streams.StreamCredit.class, WAIT);
    assertEquals(5, credit.chunks());
  }

  @Test
  void dataCellsOfABatchAreDeliveredTogetherAndAViolationStopsTheRest() {
    Opened o = open();
    int id = o.stream().streamId();
    o.mux().tell(new StreamMuxActor.CellsIn(List.of(
        new RelayCell(RelayCommand.DATA, id, bytes("one")),
        new RelayCell(RelayCommand.DATA, id, bytes("two")),
        new RelayCell(RelayCommand.CONNECTED, id, new byte[0]), // already open: a violation
        new RelayCell(RelayCommand.DATA, id, bytes("never")))));
    Streams.StreamData data = o.user().expectMessageClass(Streams.StreamData.class, WAIT);
    assertArrayEquals(bytes("onetwo"), data.data(), "the two DATA cells before the violation, as one delivery");
    assertEquals(2, data.chunks());
    assertInstanceOf(StreamMuxActor.Violation.class, o.owner().receiveMessage(WAIT));
    o.user().expectNoMessage(Duration.ofMillis(200));
  }
}
