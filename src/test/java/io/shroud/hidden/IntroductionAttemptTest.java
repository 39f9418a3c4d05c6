package io.shroud.hidden;

import static io.shroud.hidden.HsPlans.id;
import static io.shroud.hidden.HsPlans.relay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.hidden.IntroductionAttempt.Done;
import io.shroud.hidden.IntroductionAttempt.GiveUp;
import io.shroud.hidden.IntroductionAttempt.Send;
import io.shroud.hidden.IntroductionAttempt.Step;
import io.shroud.hidden.IntroductionAttempt.Wait;
import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IntroductionAttemptTest {
  private final MutableClock clock = new MutableClock();

  private static DescriptorBook.Seeder seeder(int effort, int count) {
    List<HsDescriptor.IntroPoint> points = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      points.add(new HsDescriptor.IntroPoint(id(i), HsPlans.filled(32, i), HsPlans.filled(32, 10 + i),
          HsPlans.filled(32, 20 + i)));
    }
    return new DescriptorBook.Seeder(new byte[32], 1, 1, effort, new byte[32], points);
  }

  private static Send send(Step step) {
    return assertInstanceOf(Send.class, step);
  }

  @Test
  void noAnswerInFiveSecondsDoublesTheEffortAtTheNextPoint() {
    IntroductionAttempt a = new IntroductionAttempt(seeder(0, 2), clock);
    Send first = send(a.start());
    assertEquals(id(1), first.point().relay());
    assertEquals(0, first.effort(), "the descriptor's effort");
    assertEquals(new Wait(Optional.empty()), a.tick(), "the work is still being solved");
    clock.advance(Duration.ofSeconds(30));
    assertEquals(new Wait(Optional.empty()), a.tick(), "the 5 s start when it is sent");
    Step waiting = a.sent(first.attempt());
    assertEquals(new Wait(Optional.of(clock.instant().plusSeconds(5))), waiting);
    assertEquals(waiting, a.onAck(first.attempt(), 0), "forwarded: wait for RENDEZVOUS2");
    clock.advance(Duration.ofMillis(4999));
    assertEquals(waiting, a.tick());
    clock.advance(Duration.ofMillis(1));
    Send second = send(a.tick());
    assertEquals(id(2), second.point().relay());
    assertEquals(1, second.effort(), "max(1, 2 × 0)");
    a.sent(second.attempt());
    clock.advance(IntroductionAttempt.ANSWER_TIMEOUT);
    Send third = send(a.tick());
    assertEquals(id(1), third.point().relay(), "round the points again");
    assertEquals(2, third.effort());
    assertEquals(new Done(), a.succeeded());
    assertEquals(new Done(), a.tick());
  }

  @Test
  void threeUnansweredIntroductionsGiveUpThisRendezvousPoint() {
    IntroductionAttempt a = new IntroductionAttempt(seeder(0, 3), clock);
    Step step = a.start();
    for (int i = 1; i <= IntroductionAttempt.MAX_UNANSWERED; i++) {
      Send s = send(step);
      a.sent(s.attempt());
      a.onAck(s.attempt(), 0); // forwarded, and then nothing
      clock.advance(IntroductionAttempt.ANSWER_TIMEOUT);
      step = a.tick();
    }
    GiveUp gaveUp = assertInstanceOf(GiveUp.class, step);
    assertTrue(gaveUp.reason().contains("rendezvous point"), gaveUp.reason());
    assertEquals(IntroductionAttempt.MAX_UNANSWERED, a.tries());
  }

  @Test
  void theEffortStopsAtTenThousand() {
    IntroductionAttempt a = new IntroductionAttempt(seeder(6_000, 3), clock);
    Send s = send(a.start());
    assertEquals(6_000, s.effort());
    a.sent(s.attempt());
    clock.advance(IntroductionAttempt.ANSWER_TIMEOUT);
    s = send(a.tick());
    assertEquals(HsPow.MAX_EFFORT, s.effort());
    a.sent(s.attempt());
    clock.advance(IntroductionAttempt.ANSWER_TIMEOUT);
    assertEquals(HsPow.MAX_EFFORT, send(a.tick()).effort());
  }

  @Test
  void refusalsAndClosedCircuitsMoveOnWithTheSameEffort() {
    IntroductionAttempt a = new IntroductionAttempt(seeder(4, 3), clock);
    Send one = send(a.start());
    Send two = send(a.onAck(one.attempt(), 2));
    assertEquals(id(2), two.point().relay());
    assertEquals(4, two.effort());
    Send three = send(a.onClosed(two.attempt()));
    assertEquals(id(3), three.point().relay());
    Wait idle = new Wait(Optional.empty());
    assertEquals(idle, a.onAck(one.attempt(), 1), "an answer to an earlier try changes nothing");
    assertEquals(idle, a.onClosed(two.attempt()));
    assertEquals(idle, a.tick(), "a Send is given once");
    Send four = send(a.onAck(three.attempt(), 1));
    assertEquals(id(1), four.point().relay(), "point 3 is dropped");
    Send five = send(a.onAck(four.attempt(), 1));
    assertEquals(id(2), five.point().relay());
    assertEquals(4, five.effort());
    assertInstanceOf(GiveUp.class, a.onAck(five.attempt(), 1), "every point is unknown");
  }

  @Test
  void givesUpAfterSixIntroductions() {
    IntroductionAttempt a = new IntroductionAttempt(seeder(0, 3), clock);
    Step step = a.start();
    for (int i = 1; i < IntroductionAttempt.MAX_TRIES; i++) {
      step = a.onAck(send(step).attempt(), 2);
    }
    assertEquals(IntroductionAttempt.MAX_TRIES, send(step).attempt());
    assertInstanceOf(GiveUp.class, a.onClosed(send(step).attempt()));
  }

  @Test
  void theRendezvousPointIsNoIntroRelayNorInTheirSlash16sNorItself() {
    List<HsRelay> consensus = List.of(relay(1, 1, 1_000, true), relay(2, 2, 1_000, true),
        relay(3, 2, 1_000, true), // shares intro relay 2's /16
        relay(4, 4, 1_000, true), // the downloader's own relay
        relay(5, 5, 1, true), relay(6, 6, 1, true));
    Set<NodeId> seen = new HashSet<>();
    for (long seed = 0; seed < 40; seed++) {
      NodeId rp = IntroductionAttempt.chooseRendezvous(consensus, List.of(id(1), id(2)), id(4),
          new SplittableRandom(seed)).orElseThrow().id();
      assertTrue(rp.equals(id(5)) || rp.equals(id(6)), "got " + rp.shortHex());
      seen.add(rp);
    }
    assertEquals(2, seen.size());
    assertTrue(IntroductionAttempt.chooseRendezvous(consensus.subList(0, 4), List.of(id(1), id(2)), id(4),
        new SplittableRandom(1)).isEmpty());
    assertNotEquals(Optional.empty(), IntroductionAttempt.chooseRendezvous(consensus, List.of(), null,
        new SplittableRandom(1)));
  }
}
