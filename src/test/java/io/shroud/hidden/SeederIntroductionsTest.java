package io.shroud.hidden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.hidden.SeederIntroductions.Outcome;
import io.shroud.hidden.SeederIntroductions.Received;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SeederIntroductionsTest {
  static final ServiceKeys POINT = HsPlans.keys().get();
  static final byte[] AUTH = POINT.authKey();
  static final byte[] SEED = HsPlans.filled(32, 0x51);
  static final byte[] OLD_SEED = HsPlans.filled(32, 0x52);

  private final MutableClock clock = new MutableClock();
  private final SeederIntroductions s = new SeederIntroductions(clock);

  /** INTRODUCE1 data from a downloader with {@code cookie} byte and work of {@code effort} for {@code seed}. */
  private static byte[] introduce(int n, long effort, byte[] seed, boolean validWork) {
    byte[] cookie = HsPlans.filled(20, n);
    E2eHandshake.Client probe = E2eHandshake.start(AUTH, POINT.b(), POINT.ekS(),
        new Introduction(HsPlans.filled(32, 7), cookie, new byte[16], 0), SeededRandom.of(n));
    byte[] nonce = new byte[16];
    if (effort > 0) {
      // the work binds X, and X comes first from the downloader's random: the same seed gives the same X
      nonce = validWork
          ? HsPow.solve(seed, AUTH, probe.x(), effort, new SplittableRandom(n), 10_000).orElseThrow()
          : invalidNonce(seed, probe.x(), effort);
    }
    E2eHandshake.Client client = E2eHandshake.start(AUTH, POINT.b(), POINT.ekS(),
        new Introduction(HsPlans.filled(32, 7), cookie, nonce, effort), SeededRandom.of(n));
    assertArrayEquals(probe.x(), client.x());
    return client.introduce1();
  }

  private static byte[] invalidNonce(byte[] seed, byte[] x, long effort) {
    for (int i = 0; ; i++) {
      byte[] nonce = HsPlans.filled(16, i);
      if (!HsPow.verify(nonce, seed, AUTH, x, effort)) {
        return nonce;
      }
    }
  }

  @Test
  void aValidIntroductionIsQueuedAndServedOnce() {
    s.register(POINT);
    assertEquals(new Received(Outcome.QUEUED, false), s.receive(AUTH, introduce(1, 0, SEED, true), List.of()));
    assertEquals(1, s.queued());
    E2eHandshake.Opened opened = s.next().orElseThrow();
    assertArrayEquals(HsPlans.filled(20, 1), opened.introduction().cookie());
    assertEquals(1172, opened.respond(SeededRandom.of(9)).rendezvous1().length);
    assertTrue(s.next().isEmpty());
    assertEquals(1, s.count(Outcome.QUEUED));
  }

  @Test
  void replaysUnknownKeysAndGarbageAreDroppedAndCounted() {
    byte[] intro = introduce(2, 0, SEED, true);
    assertEquals(Outcome.UNKNOWN_AUTH_KEY, s.receive(AUTH, intro, List.of()).outcome());
    s.register(POINT);
    assertEquals(Outcome.QUEUED, s.receive(AUTH, intro, List.of()).outcome());
    assertEquals(Outcome.REPLAY, s.receive(AUTH, intro, List.of()).outcome());
    byte[] bad = introduce(3, 0, SEED, true);
    bad[2400] ^= 1;
    assertEquals(Outcome.UNREADABLE, s.receive(AUTH, bad, List.of()).outcome());
    assertEquals(Outcome.UNREADABLE, s.receive(AUTH, new byte[10], List.of()).outcome());
    assertEquals(1, s.count(Outcome.REPLAY));
    assertEquals(2, s.count(Outcome.UNREADABLE));
    assertEquals(1, s.count(Outcome.UNKNOWN_AUTH_KEY));
    s.unregister(AUTH);
    assertFalse(s.registered(AUTH));
    assertEquals(Outcome.UNKNOWN_AUTH_KEY, s.receive(AUTH, introduce(4, 0, SEED, true), List.of()).outcome());
  }

  @Test
  void workIsCheckedAgainstTheSeedsGiven() {
    s.register(POINT);
    assertEquals(Outcome.QUEUED, s.receive(AUTH, introduce(5, 3, SEED, true), List.of(SEED)).outcome());
    assertEquals(Outcome.QUEUED, s.receive(AUTH, introduce(6, 3, OLD_SEED, true), List.of(SEED, OLD_SEED)).outcome(),
        "the previous publication's seed still counts");
    assertEquals(Outcome.BAD_WORK, s.receive(AUTH, introduce(7, 3, OLD_SEED, true), List.of(SEED)).outcome());
    assertEquals(Outcome.BAD_WORK, s.receive(AUTH, introduce(8, 50, SEED, false), List.of(SEED)).outcome());
    assertEquals(Outcome.BAD_WORK, s.receive(AUTH, introduce(9, 3, SEED, true), List.of()).outcome(),
        "work claimed before any publication");
    assertEquals(2, s.count(Outcome.QUEUED));
    assertEquals(3, s.count(Outcome.BAD_WORK));
  }

  @Test
  void theHighestEffortIsServedFirstAndAFullQueueDropsTheLowest() {
    SeederIntroductions small = new SeederIntroductions(clock, new IntroQueue<>(2, IntroQueue.MAX_AGE, clock));
    small.register(POINT);
    assertEquals(Outcome.QUEUED, small.receive(AUTH, introduce(10, 0, SEED, true), List.of(SEED)).outcome());
    assertEquals(Outcome.QUEUED, small.receive(AUTH, introduce(11, 2, SEED, true), List.of(SEED)).outcome());
    assertEquals(Outcome.QUEUED, small.receive(AUTH, introduce(12, 4, SEED, true), List.of(SEED)).outcome(),
        "displaces the effort-0 one");
    assertEquals(Outcome.DROPPED_FULL, small.receive(AUTH, introduce(13, 1, SEED, true), List.of(SEED)).outcome());
    assertEquals(4, small.next().orElseThrow().introduction().powEffort());
    assertEquals(2, small.next().orElseThrow().introduction().powEffort());
    assertTrue(small.next().isEmpty());
  }

  @Test
  void dropsFeedTheEffortController() {
    SeederIntroductions small = new SeederIntroductions(clock, new IntroQueue<>(1, IntroQueue.MAX_AGE, clock));
    small.register(POINT);
    small.receive(AUTH, introduce(14, 6, SEED, true), List.of(SEED));
    assertEquals(Outcome.DROPPED_FULL, small.receive(AUTH, introduce(15, 6, SEED, true), List.of(SEED)).outcome());
    small.next().orElseThrow();
    clock.advance(EffortController.UPDATE_PERIOD);
    assertEquals(EffortController.Event.INCREASE, small.tick(), "an effort of 6 was dropped above 0");
    assertEquals(6, small.effort(), "max(0 + 1, 6 queued / 1 served)");
  }

  @Test
  void aFullReplayFilterRetiresItsIntroPoint() {
    s.register(POINT, new ReplayFilter(AUTH, clock, Duration.ofHours(26), 2));
    assertEquals(new Received(Outcome.QUEUED, false), s.receive(AUTH, introduce(16, 0, SEED, true), List.of()));
    assertEquals(new Received(Outcome.QUEUED, true), s.receive(AUTH, introduce(17, 0, SEED, true), List.of()),
        "the filter is full with this one: retire");
    assertFalse(s.registered(AUTH));
    assertEquals(Outcome.UNKNOWN_AUTH_KEY, s.receive(AUTH, introduce(18, 0, SEED, true), List.of()).outcome());
    assertEquals(2, s.queued(), "the two taken are still served");
  }
}
