package io.shroud.admission;

import static io.shroud.admission.ConsensusFixtures.AUTHORITIES;
import static io.shroud.admission.ConsensusFixtures.VALID_AFTER;
import static io.shroud.admission.ConsensusFixtures.identityKey;
import static io.shroud.admission.ConsensusFixtures.ipv4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ConsensusBuilderTest {
  private static final Duration LONG = Duration.ofDays(30);
  private final NetworkDefinition net = ConsensusFixtures.network("devnet", AUTHORITIES, 31);
  private final ConsensusBuilder builder = new ConsensusBuilder(ConsensusSettings.DEFAULT);

  static RelayMeasurement seen(int relay, String ip, long measured, long claimed, Duration uptime) {
    return new RelayMeasurement(identityKey(relay), ipv4(ip), 9001, true, measured, uptime, claimed);
  }

  static RelayMeasurement unreachable(int relay, String ip) {
    return new RelayMeasurement(identityKey(relay), ipv4(ip), 9001, false, 0, Duration.ZERO, 1000);
  }

  static Vote vote(int authority, RelayMeasurement... measurements) {
    return new Vote(AUTHORITIES.get(authority).publicKey(), List.of(measurements));
  }

  private static NodeId id(int relay) {
    return NodeId.ofIdentityKey(identityKey(relay));
  }

  private static Map<NodeId, Consensus.Relay> byId(Consensus c) {
    return c.relays().stream().collect(Collectors.toMap(Consensus.Relay::id, Function.identity()));
  }

  @Test
  void listedOnlyWhenAMajorityOfTheAuthoritiesReachedIt() {
    Consensus c = builder.build(net, List.of(
        vote(0, seen(1, "10.1.0.1", 500, 900, LONG), seen(2, "10.2.0.1", 500, 900, LONG), seen(3, "10.3.0.1", 5, 5, LONG)),
        vote(1, seen(1, "10.1.0.1", 500, 900, LONG), unreachable(2, "10.2.0.1")),
        vote(2, unreachable(1, "10.1.0.1"), seen(3, "10.3.0.1", 5, 5, LONG))), VALID_AFTER);
    assertEquals(Set.of(id(1), id(3)), byId(c).keySet(), "2 of 3 list a relay, 1 of 3 does not");

    Consensus alone = builder.build(net, List.of(vote(0, seen(1, "10.1.0.1", 500, 900, LONG))), VALID_AFTER);
    assertTrue(alone.relays().isEmpty(), "one vote of three authorities lists nobody");
  }

  @Test
  void theListedAddressIsOneAMajorityReached() {
    Consensus c = builder.build(net, List.of(
        vote(0, seen(1, "10.1.0.1", 500, 900, LONG), seen(2, "10.2.0.1", 500, 900, LONG)),
        vote(1, seen(1, "10.9.0.1", 99_999, 99_999, LONG), seen(2, "10.8.0.1", 500, 900, LONG)),
        vote(2, seen(1, "10.1.0.1", 700, 900, LONG), unreachable(2, "10.2.0.1"))), VALID_AFTER);
    Consensus.Relay one = byId(c).get(id(1));
    assertEquals("10.1.0.1:9001", one.dataAddress());
    assertEquals(500, one.weight(), "only the measurements at the agreed address count");
    assertTrue(byId(c).get(id(2)) == null, "two authorities reached it, but at different addresses");
  }

  @Test
  void theWeightIsTheMedianMeasurementLoweredByTheClaimNeverRaised() {
    Consensus c = builder.build(net, List.of(
        vote(0, seen(1, "10.1.0.1", 100, 1_000_000, LONG), seen(2, "10.2.0.1", 100, 50, LONG),
            seen(3, "10.3.0.1", 100, 1000, LONG), seen(4, "10.4.0.1", 0, 1000, LONG)),
        vote(1, seen(1, "10.1.0.1", 200, 1_000_000, LONG), seen(2, "10.2.0.1", 200, 50, LONG),
            seen(3, "10.3.0.1", 120, 1000, LONG), seen(4, "10.4.0.1", 0, 1000, LONG)),
        vote(2, seen(1, "10.1.0.1", 10_000, 1_000_000, LONG), seen(2, "10.2.0.1", 300, 50, LONG),
            seen(3, "10.3.0.1", 1L << 40, 1000, LONG))), VALID_AFTER);
    Map<NodeId, Consensus.Relay> r = byId(c);
    assertEquals(200, r.get(id(1)).weight(), "median of 100, 200, 10000; the huge claim does not raise it");
    assertEquals(50, r.get(id(2)).weight(), "the claim lowers it");
    assertEquals(120, r.get(id(3)).weight(), "one authority's wild measurement does not move the median");
    assertTrue(r.get(id(4)) == null, "nothing measured through it: weight 0, not listed");

    Consensus two = builder.build(net, List.of(vote(0, seen(1, "10.1.0.1", 100, 10_000, LONG)),
        vote(2, seen(1, "10.1.0.1", 9000, 10_000, LONG))), VALID_AFTER);
    assertEquals(100, two.relays().get(0).weight(), "of two measurements the lower one (low median)");
  }

  @Test
  void flagsAreEarnedBySpeedAndUptime() {
    // 16 relays, weights 100, 200 .. 1600 KiB/s; uptimes: relay i has i days
    List<RelayMeasurement> ms = new ArrayList<>();
    for (int i = 1; i <= 16; i++) {
      ms.add(seen(i, "10." + i + ".0.1", 100L * i, 1_000_000, Duration.ofDays(i)));
    }
    ConsensusSettings s = new ConsensusSettings(1000, Duration.ofDays(5), Duration.ofDays(8), 2,
        Duration.ofHours(1), Duration.ofHours(3));
    Consensus c = new ConsensusBuilder(s).build(net, List.of(
        new Vote(AUTHORITIES.get(0).publicKey(), ms), new Vote(AUTHORITIES.get(1).publicKey(), ms)), VALID_AFTER);
    Map<NodeId, Consensus.Relay> r = byId(c);
    assertEquals(16, r.size());
    for (int i = 1; i <= 16; i++) {
      Consensus.Relay relay = r.get(id(i));
      assertEquals(i >= 3, relay.has(RelayFlag.FAST), "lower 1/8 cut is the 3rd weight (300): relay " + i);
      assertEquals(i >= 5, relay.has(RelayFlag.STABLE), "relay " + i);
      assertEquals(i >= 8, relay.has(RelayFlag.GUARD), "median weight is 800 and guard uptime 8 days: relay " + i);
    }
    ConsensusSettings lowGuarantee = new ConsensusSettings(150, Duration.ofDays(5), Duration.ofDays(8), 2,
        Duration.ofHours(1), Duration.ofHours(3));
    Consensus c2 = new ConsensusBuilder(lowGuarantee).build(net, List.of(
        new Vote(AUTHORITIES.get(0).publicKey(), ms), new Vote(AUTHORITIES.get(1).publicKey(), ms)), VALID_AFTER);
    assertTrue(byId(c2).get(id(2)).has(RelayFlag.FAST), "200 KiB/s is above the 150 KiB/s guarantee");
    assertTrue(!byId(c2).get(id(1)).has(RelayFlag.FAST));
  }

  @Test
  void atMostTwoRelaysPerSlash24TheHeaviestTiesByNodeId() {
    RelayMeasurement[] ms = {seen(1, "10.0.0.1", 300, 1000, LONG), seen(2, "10.0.0.2", 100, 1000, LONG),
        seen(3, "10.0.0.3", 300, 1000, LONG), seen(4, "10.0.0.4", 200, 1000, LONG),
        seen(5, "10.0.1.1", 100, 1000, LONG), seen(6, "10.0.1.2", 100, 1000, LONG)};
    Consensus c = builder.build(net, List.of(vote(0, ms), vote(1, ms), vote(2, ms)), VALID_AFTER);
    Set<NodeId> listed = byId(c).keySet();
    assertEquals(Set.of(id(1), id(3), id(5), id(6)), listed, "10.0.0/24 keeps its two heaviest; 10.0.1/24 both");
    RelayMeasurement[] tie = {seen(1, "10.0.0.1", 100, 1000, LONG), seen(2, "10.0.0.2", 100, 1000, LONG),
        seen(3, "10.0.0.3", 100, 1000, LONG)};
    Consensus t = builder.build(net, List.of(vote(0, tie), vote(1, tie)), VALID_AFTER);
    List<NodeId> lowest = List.of(id(1), id(2), id(3)).stream().sorted().limit(2).toList();
    assertEquals(Set.copyOf(lowest), byId(t).keySet(), "equal weights: the lowest node ids");
  }

  @Test
  void theSameVotesInAnyOrderGiveTheSameBodyWhichTheAuthoritiesSign() throws Exception {
    Vote v0 = vote(0, seen(1, "10.1.0.1", 100, 1000, LONG), seen(2, "10.2.0.1", 700, 1000, LONG));
    Vote v1 = vote(1, seen(2, "10.2.0.1", 500, 1000, LONG), seen(1, "10.1.0.1", 300, 1000, LONG));
    Vote v2 = vote(2, seen(1, "10.1.0.1", 200, 1000, Duration.ofDays(1)));
    Consensus a = builder.build(net, List.of(v0, v1, v2), VALID_AFTER.plusMillis(300));
    Consensus b = builder.build(net, List.of(v2, v1, v0), VALID_AFTER);
    assertArrayEquals(a.body(), b.body());
    assertEquals(VALID_AFTER.plus(Duration.ofHours(1)), a.freshUntil());
    assertEquals(VALID_AFTER.plus(Duration.ofHours(3)), a.validUntil());
    Consensus signed = a.sign(AUTHORITIES.get(0)).sign(AUTHORITIES.get(1));
    assertEquals(2, signed.verify(net, new MutableClock(VALID_AFTER)));
  }

  @Test
  void votesMustBeByDistinctAuthorities() {
    Vote stranger = new Vote(Ed25519.fromPrivateKey(RevocationListTest.filled(32, 9)).publicKey(), List.of());
    assertThrows(IllegalArgumentException.class, () -> builder.build(net, List.of(vote(0), stranger), VALID_AFTER));
    assertThrows(IllegalArgumentException.class, () -> builder.build(net, List.of(vote(1), vote(1)), VALID_AFTER));
    assertThrows(IllegalArgumentException.class,
        () -> vote(0, seen(1, "10.1.0.1", 1, 1, LONG), seen(1, "10.1.0.2", 1, 1, LONG)));
    assertTrue(builder.build(net, List.of(), VALID_AFTER).relays().isEmpty());
  }
}
