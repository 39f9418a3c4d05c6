package io.shroud.admission;

import static io.shroud.admission.ConsensusFixtures.AUTHORITIES;
import static io.shroud.admission.ConsensusFixtures.VALID_AFTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.testutil.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsensusAssemblyTest {
  static final NetworkDefinition NETWORK = SignedVoteTest.NETWORK;
  static final ConsensusSettings SETTINGS = new ConsensusSettings(100, Duration.ZERO, Duration.ZERO, 2,
      Duration.ofMinutes(1), Duration.ofMinutes(5));
  final MutableClock clock = new MutableClock(VALID_AFTER.plusSeconds(5));
  final ConsensusAssembly assembly = new ConsensusAssembly(NETWORK, SETTINGS, clock);

  static List<RelayMeasurement> measurements(long kibps) {
    return List.of(SignedVoteTest.measured(1, "10.0.0.1", kibps), SignedVoteTest.measured(2, "10.0.1.1", kibps),
        SignedVoteTest.measured(3, "10.0.2.1", kibps));
  }

  static Consensus unsignedFor(Instant validAfter) {
    return Consensus.unsigned(NETWORK.id(), validAfter, validAfter.plusSeconds(60), validAfter.plusSeconds(300),
        List.of(ConsensusFixtures.relay(1, "10.0.0.1", 9001, 500)));
  }

  private void vote(int authority, Instant period, long kibps) {
    byte[] v = SignedVote.sign(AUTHORITIES.get(authority), NETWORK.id(), period, measurements(kibps)).encode();
    assertInstanceOf(ConsensusAssembly.Held.class, assembly.offerVote(v));
  }

  @Test
  void periodsAreMultiplesOfFreshFor() {
    assertEquals(VALID_AFTER, ConsensusAssembly.period(VALID_AFTER.plusSeconds(59), Duration.ofMinutes(1)));
    assertEquals(VALID_AFTER.plusSeconds(60), ConsensusAssembly.period(VALID_AFTER.plusSeconds(60),
        Duration.ofMinutes(1)));
    assertEquals(VALID_AFTER, assembly.currentPeriod());
  }

  @Test
  void aBodyIsToSignOnceAMajorityVotedAndAllDidOrTheVotingWindowIsOver() {
    vote(0, VALID_AFTER, 700);
    assertEquals(Optional.empty(), assembly.toSign(VALID_AFTER));
    vote(1, VALID_AFTER, 800);
    assertEquals(Optional.empty(), assembly.toSign(VALID_AFTER), "2 of 3 voted and the window is open");
    clock.advance(Duration.ofSeconds(10)); // 15 s in: a quarter of the minute is over
    Consensus body = assembly.toSign(VALID_AFTER).orElseThrow();
    assertEquals(3, body.relays().size());
    assertEquals(700, body.relays().get(0).weight(), "low median of 700 and 800");
    vote(2, VALID_AFTER, 900);
    assertEquals(800, assembly.toSign(VALID_AFTER).orElseThrow().relays().get(0).weight(), "median of three");
  }

  @Test
  void signaturesOverOneBodyAssembleAConsensusAtAMajorityAndNotBefore() throws Exception {
    for (int i = 0; i < 3; i++) {
      vote(i, VALID_AFTER, 700 + 100 * i);
    }
    Consensus body = assembly.toSign(VALID_AFTER).orElseThrow();
    assertInstanceOf(ConsensusAssembly.Held.class, assembly.offerSigned(body.sign(AUTHORITIES.get(2)).encode()));
    assertEquals(Optional.empty(), assembly.current());
    // the same authority again does not make two
    assertInstanceOf(ConsensusAssembly.Held.class, assembly.offerSigned(body.sign(AUTHORITIES.get(2)).encode()));
    // a signature over another body does not count for this one
    Consensus other = new ConsensusBuilder(SETTINGS).build(NETWORK,
        List.of(SignedVote.sign(AUTHORITIES.get(0), NETWORK.id(), VALID_AFTER, measurements(5)).vote(),
            SignedVote.sign(AUTHORITIES.get(1), NETWORK.id(), VALID_AFTER, measurements(5)).vote()), VALID_AFTER);
    assertInstanceOf(ConsensusAssembly.Held.class, assembly.offerSigned(other.sign(AUTHORITIES.get(0)).encode()));
    ConsensusAssembly.Outcome o = assembly.offerSigned(body.sign(AUTHORITIES.get(1)).encode());
    Consensus accepted = assertInstanceOf(ConsensusAssembly.Accepted.class, o).consensus();
    assertEquals(2, accepted.verify(NETWORK, clock));
    assertEquals(accepted, assembly.current().orElseThrow());
  }

  @Test
  void theNewestValidAfterWinsAndAnOlderOneNeverReplacesIt() {
    Consensus older = unsignedFor(VALID_AFTER);
    Consensus newer = unsignedFor(VALID_AFTER.plusSeconds(60));
    clock.advance(Duration.ofSeconds(60));
    assertInstanceOf(ConsensusAssembly.Accepted.class,
        assembly.offer(newer.sign(AUTHORITIES.get(0)).sign(AUTHORITIES.get(1))));
    assertInstanceOf(ConsensusAssembly.Stale.class,
        assembly.offer(older.sign(AUTHORITIES.get(0)).sign(AUTHORITIES.get(1)).sign(AUTHORITIES.get(2))));
    assertInstanceOf(ConsensusAssembly.Stale.class, assembly.offerSigned(older.sign(AUTHORITIES.get(2)).encode()));
    assertEquals(VALID_AFTER.plusSeconds(60), assembly.current().orElseThrow().validAfter());
    // one signature is not a majority; an expired one is refused
    Consensus next = unsignedFor(VALID_AFTER.plusSeconds(120));
    assertInstanceOf(ConsensusAssembly.Invalid.class, assembly.offer(next.sign(AUTHORITIES.get(0))));
    clock.advance(Duration.ofHours(1));
    assertInstanceOf(ConsensusAssembly.Invalid.class,
        assembly.offer(next.sign(AUTHORITIES.get(0)).sign(AUTHORITIES.get(1))));
  }

  @Test
  void votesFromTheFutureOrTooOldAreNotKept() {
    byte[] future = SignedVote.sign(AUTHORITIES.get(0), NETWORK.id(), VALID_AFTER.plus(Duration.ofHours(1)),
        measurements(1)).encode();
    assertInstanceOf(ConsensusAssembly.Invalid.class, assembly.offerVote(future));
    byte[] old = SignedVote.sign(AUTHORITIES.get(0), NETWORK.id(), VALID_AFTER.minus(Duration.ofHours(1)),
        measurements(1)).encode();
    assertInstanceOf(ConsensusAssembly.Invalid.class, assembly.offerVote(old));
    byte[] garbage = {1, 2, 3};
    assertInstanceOf(ConsensusAssembly.Invalid.class, assembly.offerVote(garbage));
    assertTrue(assembly.votes(VALID_AFTER).isEmpty());
  }
}
