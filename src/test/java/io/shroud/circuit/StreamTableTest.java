package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.StreamTable.Begin;
import io.shroud.circuit.StreamTable.State;
import io.shroud.circuit.StreamTable.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stream rules on their own: ids, BEGIN, CONNECTED, answers, DATA, END. */
class StreamTableTest {

  @Test
  // a table allowing more streams than there are ids would look for a free id forever
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void theOriginCountsIdsUpFromOneSkippingThoseInUseAndWrapsAfter65535() {
    StreamTable<String> table = new StreamTable<>(true, 70_000);
    assertEquals(1, table.open("a").id());
    assertEquals(2, table.open("b").id());
    assertEquals(State.OPENING, table.get(1).state());
    assertEquals("a", table.get(1).attachment());
    for (int id = 3; id <= StreamTable.MAX_STREAM_ID; id++) {
      assertEquals(id, table.open("x").id());
    }
    assertNull(table.open("full"), "every id is in use");
    table.onEnd(2);
    table.onEnd(40_000);
    assertEquals(2, table.open("after the wrap").id(), "wraps to 1 and skips ids in use; never 0");
    assertEquals(40_000, table.open("next free").id());
  }

  @Test
  void anIdIsNotReusedAtOnceAfterItsStreamEnds() {
    StreamTable<String> table = new StreamTable<>(true, 4);
    Stream<String> first = table.open("a");
    table.onEnd(first.id());
    assertEquals(first.id() + 1, table.open("b").id(), "a late cell for the old stream must not reach the new one");
  }

  @Test
  void onlyTheOriginOpensAndOnlyUpToTheLimit() {
    assertNull(new StreamTable<String>(false, 4).open("u"), "the last hop opens nothing");
    StreamTable<String> table = new StreamTable<>(true, 2);
    table.open("a");
    table.open("b");
    assertNull(table.open("c"));
    assertEquals(2, table.size());
    table.onEnd(1);
    assertEquals(3, table.open("c").id());
  }

  @Test
  void aBeginIsTakenRefusedOrAViolation() throws Exception {
    assertThrows(CircuitProtocolException.class, () -> new StreamTable<String>(true, 4).onBegin(1, 4, "s"),
        "a BEGIN at the origin");
    StreamTable<String> table = new StreamTable<>(false, 2);
    assertEquals(Begin.REFUSE_NAME, table.onBegin(1, 0, "s"), "an empty service name");
    assertEquals(Begin.REFUSE_NAME, table.onBegin(1, Streams.MAX_SERVICE_NAME + 1, "s"));
    assertEquals(0, table.size(), "a refused BEGIN keeps nothing");
    assertEquals(Begin.ASK_SERVICE, table.onBegin(7, Streams.MAX_SERVICE_NAME, "s7"));
    Stream<String> seven = table.get(7);
    assertEquals(State.ANSWERING, seven.state());
    assertFalse(seven.hasUser(), "nobody hears a stream its service has not taken");
    assertThrows(CircuitProtocolException.class, () -> table.onBegin(7, 4, "again"), "an id in use");
    assertEquals(Begin.ASK_SERVICE, table.onBegin(8, 1, "s8"));
    assertEquals(Begin.REFUSE_TOO_MANY, table.onBegin(9, 4, "s9"));
    assertNull(table.get(9));
  }

  @Test
  void theServicesAnswerOpensOrDropsTheStreamOnce() throws Exception {
    StreamTable<String> table = new StreamTable<>(false, 4);
    table.onBegin(1, 4, "one");
    table.onBegin(2, 4, "two");
    Stream<String> one = table.onAnswer(1, true);
    assertEquals(State.OPEN, one.state());
    assertTrue(one.hasUser());
    assertNull(table.onAnswer(1, true), "answered already");
    assertSame(table.get(2), table.onAnswer(2, false));
    assertNull(table.get(2), "a refused stream is gone");
    assertNull(table.onAnswer(3, true), "never begun");
    table.onBegin(4, 4, "four");
    table.onEnd(4);
    assertNull(table.onAnswer(4, true), "ended while its service was asked");
  }

  @Test
  void connectedOpensOnlyTheOriginsOpeningStream() throws Exception {
    StreamTable<String> table = new StreamTable<>(true, 4);
    int id = table.open("u").id();
    assertThrows(CircuitProtocolException.class, () -> table.onConnected(id + 1), "unknown stream");
    assertEquals(State.OPEN, table.onConnected(id).state());
    assertThrows(CircuitProtocolException.class, () -> table.onConnected(id), "already open");
    table.end(id);
    assertThrows(CircuitProtocolException.class, () -> table.onConnected(id), "ending");
    StreamTable<String> lastHop = new StreamTable<>(false, 4);
    lastHop.onBegin(1, 4, "s");
    assertThrows(CircuitProtocolException.class, () -> lastHop.onConnected(1), "CONNECTED at the last hop");
  }

  @Test
  void dataAndUserCommandsReachOnlyAnOpenStream() throws Exception {
    StreamTable<String> table = new StreamTable<>(true, 4);
    int id = table.open("u").id();
    assertNull(table.onData(id), "before CONNECTED");
    assertNull(table.forUser(id));
    table.onConnected(id);
    assertEquals(id, table.onData(id).id());
    assertEquals(id, table.forUser(id).id());
    assertNull(table.onData(id + 1), "unknown: late data for an ended stream");
    StreamTable<String> lastHop = new StreamTable<>(false, 4);
    lastHop.onBegin(3, 4, "s");
    assertNull(lastHop.onData(3), "before the service took it");
    assertNull(lastHop.forUser(3));
  }

  @Test
  void aUserEndsAnOpenStreamOnceAndItIsGoneWhenItsEndLeaves() throws Exception {
    StreamTable<String> table = new StreamTable<>(true, 4);
    int id = table.open("u").id();
    assertNull(table.end(id), "not open yet: ignored");
    assertEquals(State.OPENING, table.get(id).state());
    table.onConnected(id);
    assertEquals(State.ENDING, table.end(id).state());
    assertNull(table.end(id), "ended already");
    assertNull(table.onData(id), "data after this end ended it is discarded");
    assertNull(table.forUser(id), "writes after the end are ignored");
    assertTrue(table.get(id).hasUser(), "the user still hears that it closed");
    assertEquals(id, table.onEndSent(id).id());
    assertNull(table.get(id));
    assertNull(table.onEndSent(id));
  }

  @Test
  void anEndFromTheFarEndRemovesAStreamInAnyStateAndSaysWhy() throws Exception {
    StreamTable<String> table = new StreamTable<>(true, 4);
    int opening = table.open("a").id();
    int open = table.open("b").id();
    table.onConnected(open);
    assertEquals(opening, table.onEnd(opening).id());
    assertEquals(open, table.onEnd(open).id());
    assertNull(table.onEnd(open), "unknown: ignored");
    assertEquals(0, table.size());
    assertEquals("closed by the far end", StreamTable.endReason(new byte[0]));
    assertEquals("closed by the far end", StreamTable.endReason(new byte[] {StreamTable.END_CLOSED}));
    assertEquals("service refused or unknown", StreamTable.endReason(new byte[] {StreamTable.END_REFUSED}));
    assertEquals("too many streams", StreamTable.endReason(new byte[] {StreamTable.END_TOO_MANY}));
    assertEquals("closed by the far end (reason 200)", StreamTable.endReason(new byte[] {(byte) 200}));
  }
}
