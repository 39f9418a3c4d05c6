package io.shroud.hidden;

import static io.shroud.hidden.HsPlans.id;
import static io.shroud.hidden.HsPlans.relay;
import static io.shroud.hidden.HsPlans.relays;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.hidden.IntroPointPlan.IntroPoint;
import io.shroud.hidden.IntroPointPlan.Publication;
import io.shroud.hidden.IntroPointPlan.State;
import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IntroPointPlanTest {
  /** 2026-01-01T00:00Z is the start of period 20454. */
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  static final long PERIOD = 20454;

  private final MutableClock clock = new MutableClock(START);
  private final Ed25519.KeyPair publisher = HsDescriptorExamples.publisher();

  private IntroPointPlan plan(NodeId self, long seed) {
    return new IntroPointPlan(HsDescriptorExamples.location(), publisher, self, HsPlans.keys(), clock,
        new SplittableRandom(seed));
  }

  private static void establishAll(IntroPointPlan p) {
    for (IntroPoint i : p.points()) {
      assertTrue(p.built(i.id()));
      assertTrue(p.established(i.id()));
    }
  }

  @Test
  void picksThreeRelaysInDistinctSlash16sNeverItsOwnAndFlaggedFirst() {
    List<HsRelay> consensus = new ArrayList<>();
    consensus.add(relay(1, 7, 1_000_000, true)); // the seeder's own relay, heaviest
    consensus.add(relay(2, 8, 100, true));
    consensus.add(relay(3, 8, 100, true)); // same /16 as 2
    consensus.add(relay(4, 9, 100, true));
    consensus.add(relay(5, 10, 100, true));
    consensus.add(relay(6, 11, 1_000_000, false)); // heavy but unflagged
    for (long seed = 0; seed < 30; seed++) {
      IntroPointPlan p = plan(id(1), seed);
      List<IntroPoint> picked = p.replenish(consensus);
      assertEquals(3, picked.size());
      Set<Integer> nets = new HashSet<>();
      for (IntroPoint i : picked) {
        assertEquals(State.BUILDING, i.state());
        assertNotEquals(id(1), i.relay().id(), "never the seeder's own relay");
        assertNotEquals(id(6), i.relay().id(), "flagged relays are enough");
        assertTrue(nets.add(i.relay().slash16()), "distinct /16s");
      }
      assertEquals(0, p.missing());
    }
  }

  @Test
  void fillsFromUnflaggedRelaysOnlyWhenTheFlaggedRunOut() {
    List<HsRelay> consensus = List.of(relay(1, 1, 100, true), relay(2, 2, 100, false), relay(3, 3, 100, false),
        relay(4, 3, 100, false));
    IntroPointPlan p = plan(null, 4);
    List<IntroPoint> picked = p.replenish(consensus);
    assertEquals(3, picked.size());
    assertEquals(id(1), picked.get(0).relay().id(), "the flagged relay is drawn first");
  }

  @Test
  void drawsAreWeightedByConsensusWeight() {
    List<HsRelay> consensus = List.of(relay(1, 1, 9_900, true), relay(2, 2, 100, true));
    int heavy = 0;
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 1000; i++) {
      if (RelayDraw.pick(consensus, Set.of(), Set.of(), random).orElseThrow().id().equals(id(1))) {
        heavy++;
      }
    }
    assertTrue(heavy > 960 && heavy < 1000, "about 99% to the heavy relay, got " + heavy);
  }

  @Test
  void publishesOnceAllThreeAreEstablished() {
    IntroPointPlan p = plan(null, 1);
    p.replenish(relays(5));
    assertTrue(p.publication(0).isEmpty(), "nothing established");
    List<IntroPoint> points = p.points();
    p.built(points.get(0).id());
    p.established(points.get(0).id());
    p.built(points.get(1).id());
    p.established(points.get(1).id());
    assertTrue(p.publication(0).isEmpty(), "two of three, before 30 s");
    assertFalse(p.established(points.get(2).id()), "not built yet");
    p.built(points.get(2).id());
    p.established(points.get(2).id());
    Publication pub = p.publication(0).orElseThrow();
    assertEquals(1, pub.seq());
    assertEquals(3, pub.descriptor().introPoints().size());
    assertEquals(points.get(0).descriptorEntry(), pub.descriptor().introPoints().get(0));
    assertEquals(START.plus(Duration.ofHours(24)), pub.expiry());
    assertTrue(p.publication(0).isEmpty(), "nothing changed");
    HsDescriptor opened = openValue(pub);
    assertEquals(pub.descriptor(), opened);
  }

  @Test
  void publishesWithFewerAfterThirtySecondsOrWhenTheConsensusHasNoMore() {
    IntroPointPlan p = plan(null, 2);
    p.replenish(relays(5));
    IntroPoint first = p.points().get(0);
    p.built(first.id());
    p.established(first.id());
    clock.advance(IntroPointPlan.PARTIAL_WAIT.minusMillis(1));
    assertTrue(p.publication(0).isEmpty());
    assertEquals(START.plus(IntroPointPlan.PARTIAL_WAIT), p.nextTimedCheck().orElseThrow());
    clock.advance(Duration.ofMillis(1));
    assertEquals(1, p.publication(0).orElseThrow().descriptor().introPoints().size());

    IntroPointPlan small = plan(null, 3);
    assertEquals(2, small.replenish(relays(2)).size());
    establishAll(small);
    assertEquals(2, small.publication(0).orElseThrow().descriptor().introPoints().size(),
        "all the consensus allowed are up");
  }

  @Test
  void aLossRepublishesAtOnceAndTheReplacementAgain() {
    IntroPointPlan p = plan(null, 6);
    List<HsRelay> consensus = relays(6);
    p.replenish(consensus);
    establishAll(p);
    p.publication(0).orElseThrow();
    IntroPoint lost = p.points().get(1);
    assertTrue(p.lost(lost.id()));
    assertFalse(p.lost(lost.id()), "lost once");
    assertEquals(1, p.missing());
    Publication second = p.publication(0).orElseThrow();
    assertEquals(2, second.seq());
    assertEquals(2, second.descriptor().introPoints().size());
    assertFalse(second.descriptor().introPoints().contains(lost.descriptorEntry()));
    List<IntroPoint> replacement = p.replenish(consensus);
    assertEquals(1, replacement.size());
    assertNotEquals(lost.relay().id(), replacement.get(0).relay().id(), "not the relay just lost");
    assertEquals(3, p.points().size(), "the lost point is gone");
    assertTrue(p.publication(0).isEmpty(), "the replacement is not up yet");
    p.built(replacement.get(0).id());
    p.established(replacement.get(0).id());
    assertEquals(3, p.publication(0).orElseThrow().seq());
  }

  @Test
  void republishesAtThreeQuartersOfTheRecordLifetimeButNotPastThePeriod() {
    IntroPointPlan p = plan(null, 7);
    p.replenish(relays(3));
    establishAll(p);
    Publication first = p.publication(0).orElseThrow();
    assertEquals(START.plus(Duration.ofHours(18)), p.nextTimedCheck().orElseThrow());
    clock.advance(Duration.ofHours(18).minusSeconds(1));
    assertTrue(p.publication(0).isEmpty());
    clock.advance(Duration.ofSeconds(1));
    Publication second = p.publication(0).orElseThrow();
    assertEquals(first.seq() + 1, second.seq());
    assertFalse(java.util.Arrays.equals(first.descriptor().powSeed(), second.descriptor().powSeed()),
        "a fresh seed every publication");
    assertEquals(HsPeriod.end(PERIOD).plus(HsPeriod.OVERLAP), second.expiry(), "capped at the period's end + 1 h");
    assertTrue(p.nextTimedCheck().isEmpty(), "it lives to the end of its period");
    clock.advance(Duration.ofHours(6).plusMinutes(59));
    assertTrue(p.publication(0).isEmpty());
    assertFalse(p.over());
    clock.advance(Duration.ofMinutes(1));
    assertTrue(p.over());
    assertTrue(p.lost(p.points().get(0).id()));
    assertTrue(p.publication(0).isEmpty(), "over: nothing to publish");
  }

  @Test
  void republishesWhenTheEffortMovesEnough() {
    IntroPointPlan p = plan(null, 8);
    p.replenish(relays(3));
    establishAll(p);
    assertEquals(0, p.publication(0).orElseThrow().descriptor().powEffort());
    assertEquals(100, p.publication(100).orElseThrow().descriptor().powEffort(), "work starts being asked");
    assertTrue(p.publication(110).isEmpty(), "10% is not worth it");
    assertEquals(115, p.publication(115).orElseThrow().descriptor().powEffort());
    assertEquals(0, p.publication(0).orElseThrow().descriptor().powEffort(), "work stops being asked");
  }

  @Test
  void powSeedsAreTheLatestAndThePreviousForFiveMinutes() {
    IntroPointPlan p = plan(null, 9);
    p.replenish(relays(3));
    establishAll(p);
    assertTrue(p.powSeeds().isEmpty());
    Publication a = p.publication(0).orElseThrow();
    Publication b = p.publication(50).orElseThrow();
    List<byte[]> seeds = p.powSeeds();
    assertEquals(2, seeds.size());
    assertArrayEquals(b.descriptor().powSeed(), seeds.get(0));
    assertArrayEquals(a.descriptor().powSeed(), seeds.get(1));
    clock.advance(IntroPointPlan.PREVIOUS_SEED_GRACE);
    assertEquals(1, p.powSeeds().size());
  }

  @Test
  void retiresByAuthKeyAndLosesPointsThatLeftTheConsensus() {
    IntroPointPlan p = plan(null, 10);
    List<HsRelay> consensus = relays(3);
    p.replenish(consensus);
    establishAll(p);
    IntroPoint a = p.points().get(0);
    assertTrue(p.retire(a.keys().authKey()));
    assertEquals(State.LOST, p.byId(a.id()).orElseThrow().state());
    assertFalse(p.retire(new byte[32]));
    IntroPoint b = p.points().get(1);
    List<HsRelay> without = consensus.stream().filter(r -> !r.id().equals(b.relay().id())).toList();
    assertEquals(List.of(b.id()), p.consensusChanged(without));
    assertEquals(2, p.missing());
  }

  @Test
  void transitionsOnlyInOrder() {
    IntroPointPlan p = plan(null, 11);
    int id = p.replenish(relays(3)).get(0).id();
    assertFalse(p.established(id), "not built");
    assertTrue(p.built(id));
    assertFalse(p.built(id));
    assertTrue(p.established(id));
    assertTrue(p.lost(id));
    assertFalse(p.built(id), "LOST is final");
    assertFalse(p.lost(99), "unknown");
  }

  @Test
  void aPlanPerPublishPeriod() {
    HsPeriod periods = new HsPeriod(clock);
    assertEquals(List.of(PERIOD), IntroPointPlan.periodsToStart(periods, List.of()));
    clock.advance(Duration.ofHours(23));
    assertEquals(List.of(PERIOD + 1), IntroPointPlan.periodsToStart(periods, List.of(PERIOD)));
    assertEquals(List.of(), IntroPointPlan.periodsToStart(periods, List.of(PERIOD, PERIOD + 1)));
  }

  private HsDescriptor openValue(Publication pub) {
    try {
      return HsDescriptor.open(pub.seal(new SplittableRandom(1)), pub.location(), publisher.publicKey());
    } catch (HsDescriptorException e) {
      throw new AssertionError(e);
    }
  }
}
