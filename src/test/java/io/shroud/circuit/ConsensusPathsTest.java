package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.admission.Consensus;
import io.shroud.admission.ConsensusBuilder;
import io.shroud.admission.ConsensusSettings;
import io.shroud.admission.NetworkDefinition;
import io.shroud.admission.RelayFlag;
import io.shroud.admission.RelayMeasurement;
import io.shroud.admission.TrustRootKey;
import io.shroud.admission.Vote;
import io.shroud.crypto.Ed25519;
import io.shroud.crypto.OnionKeyPair;
import io.shroud.crypto.X25519;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Path selection from a consensus (protocol §10.10), end to end through the pure pieces: 100
 * relays measured honestly by three authorities, one of them claiming 1000× its bandwidth in its
 * descriptor; the votes become a consensus ({@link ConsensusBuilder}), signed by two authorities
 * and verified; the relays are drawn from {@link RelayDirectory#of(Consensus, List)}.
 */
class ConsensusPathsTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final int RELAYS = 100;
  private static final int LIAR = 70;
  private static final int DRAWS = 200_000;

  private final SecureRandom keys = SeededRandom.of(41);
  private final List<Ed25519.KeyPair> authorities =
      List.of(Ed25519.generate(keys), Ed25519.generate(keys), Ed25519.generate(keys));
  private final NetworkDefinition net = network();
  private final List<NodeDescriptor> descriptors = new ArrayList<>();
  private final long[] honest = new long[RELAYS];

  private NetworkDefinition network() {
    TrustRootKey root = TrustRootKey.generate("simnet", NOW, TrustRootKey.DEFAULT_VALIDITY, keys);
    List<NetworkDefinition.Authority> list = new ArrayList<>();
    for (int i = 0; i < authorities.size(); i++) {
      list.add(new NetworkDefinition.Authority("authority-" + (i + 1), authorities.get(i).publicKey()));
    }
    return NetworkDefinition.of("simnet", root.certificate(), list, 2, Duration.ofMinutes(1));
  }

  /** The network: relay i at 10.i.0.1, honest bandwidth 1000 + 100·i KiB/s; the liar claims 1000×. */
  private Consensus consensus() throws Exception {
    SplittableRandom noise = new SplittableRandom(5);
    List<List<RelayMeasurement>> votes = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int i = 0; i < RELAYS; i++) {
      honest[i] = 1000 + 100L * i;
      long claimKiB = i == LIAR ? 1000 * honest[i] : honest[i];
      Ed25519.KeyPair identity = Ed25519.generate(keys);
      NodeDescriptor d = new NodeDescriptor(NodeDescriptor.PROTOCOL_VERSION,
          NodeId.ofIdentityKey(identity.publicKey()), identity.publicKey(), X25519.generate(keys).publicKey(),
          OnionKeyPair.generate(keys, NOW.plus(Duration.ofDays(1))).publicKey().encode(), "10." + i + ".0.1:25520",
          "10." + i + ".0.1:7400", NOW.minusSeconds(60), NOW.plusSeconds(3600), claimKiB * 1024);
      descriptors.add(d);
      Inet4Address address = (Inet4Address) InetAddress.getByName("10." + i + ".0.1");
      for (List<RelayMeasurement> vote : votes) {
        long measured = honest[i] * (95 + noise.nextInt(11)) / 100; // ±5% probe noise
        vote.add(new RelayMeasurement(identity.publicKey(), address, 7400, true, measured, Duration.ofDays(30),
            d.bandwidth() / 1024));
      }
    }
    List<Vote> all = new ArrayList<>();
    for (int a = 0; a < 3; a++) {
      all.add(new Vote(authorities.get(a).publicKey(), votes.get(a)));
    }
    Consensus c = new ConsensusBuilder(ConsensusSettings.DEFAULT).build(net, all, NOW)
        .sign(authorities.get(0)).sign(authorities.get(2));
    assertEquals(2, c.verify(net, new MutableClock(NOW.plusSeconds(60))));
    return c;
  }

  @Test
  void aRelayClaiming1000TimesItsBandwidthGetsNoMoreThanTwiceItsMeasuredShare() throws Exception {
    Consensus consensus = consensus();
    RelayDirectory directory = RelayDirectory.of(consensus, descriptors);
    assertEquals(GuardRule.FLAG_REQUIRED, directory.guardRule());
    assertEquals(RELAYS, directory.size());
    List<RelayInfo> relays = directory.relays();
    NodeId liar = descriptors.get(LIAR).nodeId();
    RelayInfo liarInfo = directory.entry(liar).orElseThrow().info();
    assertTrue(liarInfo.has(RelayFlag.GUARD), "the liar is honestly fast and long up: it may guard");
    assertTrue(liarInfo.bandwidth() < 1.06 * honest[LIAR], "its weight is the measurement, not the claim");

    // the measured shares, from the honest bandwidths (not from the consensus under test)
    long guardTotal = 0;
    long total = 0;
    for (int i = 0; i < RELAYS; i++) {
      total += honest[i];
      guardTotal += directory.entry(descriptors.get(i).nodeId()).orElseThrow().info().has(RelayFlag.GUARD)
          ? honest[i] : 0;
    }
    double guardShare = (double) honest[LIAR] / guardTotal;
    double share = (double) honest[LIAR] / total;

    SplittableRandom random = new SplittableRandom(7);
    MutableClock clock = new MutableClock(NOW);
    GuardSet.Params one = new GuardSet.Params(1, 1, Duration.ofDays(60), Duration.ofDays(90));
    int liarGuards = 0;
    for (int draw = 0; draw < DRAWS; draw++) {
      GuardSet set = new GuardSet(clock, random, one, List.of());
      set.refresh(relays, GuardRule.FLAG_REQUIRED);
      NodeId guard = set.guards(relays, GuardRule.FLAG_REQUIRED).get(0);
      assertTrue(directory.entry(guard).orElseThrow().info().has(RelayFlag.GUARD));
      liarGuards += guard.equals(liar) ? 1 : 0;
    }
    double guardPicks = (double) liarGuards / DRAWS;
    assertTrue(guardPicks <= 2 * guardShare && guardPicks >= guardShare / 2,
        "guard picks " + guardPicks + ", measured share among guards " + guardShare);

    PathSelector selector = new PathSelector(random);
    List<NodeId> guards = List.of(descriptors.get(99).nodeId());
    int liarMiddles = 0;
    int liarLast = 0;
    for (int draw = 0; draw < DRAWS; draw++) {
      List<RelayInfo> path = selector.select(relays, guards, null, 3, Set.of(), GuardRule.FLAG_REQUIRED);
      liarMiddles += path.get(1).id().equals(liar) ? 1 : 0;
      liarLast += path.get(2).id().equals(liar) ? 1 : 0;
    }
    double middlePicks = (double) liarMiddles / DRAWS;
    double lastPicks = (double) liarLast / DRAWS;
    assertTrue(middlePicks <= 2 * share && middlePicks >= share / 2,
        "middle picks " + middlePicks + ", measured share " + share);
    assertTrue(lastPicks <= 2 * share && lastPicks >= share / 2, "last-hop picks " + lastPicks + ", share " + share);

    // what the test guards against: weighted by the descriptors' claims, the liar is on almost every path
    List<RelayInfo> claimed = RelayDirectory.of(descriptors).relays();
    int claimedPaths = 0;
    for (int draw = 0; draw < 10_000; draw++) {
      List<RelayInfo> path = selector.select(claimed, guards, null, 3, Set.of());
      claimedPaths += path.get(1).id().equals(liar) || path.get(2).id().equals(liar) ? 1 : 0;
    }
    assertTrue(claimedPaths > 9_000, "by claims the liar was on " + claimedPaths + " of 10000 paths");
  }

  @Test
  void aRelayWithoutTheGuardFlagIsNeverAFirstHop() throws Exception {
    List<RelayInfo> relays = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      relays.add(Relays.relay("r" + i, "10." + i + ".0.1", 1000, i % 4 == 0 ? new RelayFlag[] {RelayFlag.GUARD}
          : new RelayFlag[0]));
    }
    MutableClock clock = new MutableClock(NOW);
    // r1 was a guard (restored) but has no Guard flag now: kept, not used, replaced in use
    GuardSet set = new GuardSet(clock, new SplittableRandom(3), GuardSet.Params.DEFAULT,
        List.of(new GuardSet.Entry(Relays.id("r1"), NOW, NOW.plus(Duration.ofDays(60)))));
    set.refresh(relays, GuardRule.FLAG_REQUIRED);
    List<NodeId> guards = set.guards(relays, GuardRule.FLAG_REQUIRED);
    assertEquals(3, guards.size());
    assertFalse(guards.contains(Relays.id("r1")));
    assertTrue(set.entries().stream().anyMatch(e -> e.id().equals(Relays.id("r1"))), "kept until it expires");

    PathSelector selector = new PathSelector(new SplittableRandom(4));
    List<NodeId> withUnflaggedFirst = new ArrayList<>(List.of(Relays.id("r1"), Relays.id("r2")));
    withUnflaggedFirst.addAll(guards);
    SplittableRandom pick = new SplittableRandom(5);
    for (int draw = 0; draw < 5000; draw++) {
      int hops = 2 + pick.nextInt(3);
      List<RelayInfo> path = selector.select(relays, withUnflaggedFirst, null, hops, Set.of(),
          GuardRule.FLAG_REQUIRED);
      assertTrue(path.get(0).has(RelayFlag.GUARD), "first hop " + path.get(0) + " has no Guard flag");
      assertEquals(guards.get(0), path.get(0).id(), "the first flagged guard of the list");
    }
    List<RelayInfo> one = selector.select(relays, withUnflaggedFirst, null, 1, Set.of(), GuardRule.FLAG_REQUIRED);
    assertTrue(one.get(0).has(RelayFlag.GUARD));

    List<RelayInfo> noGuards = relays.stream().filter(r -> !r.has(RelayFlag.GUARD)).toList();
    GuardSet none = new GuardSet(clock, new SplittableRandom(6));
    none.refresh(noGuards, GuardRule.FLAG_REQUIRED);
    assertTrue(none.guards(noGuards, GuardRule.FLAG_REQUIRED).isEmpty(), "no fallback to unflagged relays");
    PathSelectionException e = org.junit.jupiter.api.Assertions.assertThrows(PathSelectionException.class,
        () -> selector.select(noGuards, withUnflaggedFirst, null, 3, Set.of(), GuardRule.FLAG_REQUIRED));
    assertTrue(e.getMessage().contains("with the Guard flag"), e.getMessage());
    // the descriptor rule keeps its devnet fallback
    none.refresh(noGuards);
    assertEquals(3, none.guards(noGuards).size());
  }
}
