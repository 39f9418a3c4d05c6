package io.shroud.circuit;

import static io.shroud.circuit.Relays.id;
import static io.shroud.circuit.Relays.relay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.admission.RelayFlag;
import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GuardSetTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private static List<RelayInfo> network() {
    List<RelayInfo> out = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      out.add(relay("r" + i, "127." + (1 + i / 2) + "." + (i % 2) + ".1", 1000L * (i + 1),
          i < 16 ? new RelayFlag[] {RelayFlag.GUARD} : new RelayFlag[0]));
    }
    return out;
  }

  @Test
  void guardsPersistUntilTheirLifetimeEndsThenRotate() {
    MutableClock clock = new MutableClock(START);
    GuardSet set = new GuardSet(clock, new SplittableRandom(1));
    List<RelayInfo> network = network();
    GuardSet.Changes first = set.refresh(network);
    assertEquals(3, first.added().size());
    List<NodeId> guards = set.guards(network);
    assertEquals(3, guards.size());
    Set<Integer> nets = new HashSet<>();
    for (NodeId guard : guards) {
      RelayInfo info = network.stream().filter(r -> r.id().equals(guard)).findFirst().orElseThrow();
      assertTrue(info.has(RelayFlag.GUARD), "a relay without the GUARD flag became a guard");
      assertTrue(nets.add(info.slash16()), "two guards in one /16");
    }
    for (GuardSet.Entry entry : set.entries()) {
      Duration life = Duration.between(entry.added(), entry.expires());
      assertTrue(life.compareTo(Duration.ofDays(60)) >= 0 && life.compareTo(Duration.ofDays(90)) <= 0);
    }
    for (int day = 0; day < 59; day++) {
      clock.advance(Duration.ofDays(1));
      assertTrue(set.refresh(network).isEmpty(), "guards changed on day " + day);
      assertEquals(guards, set.guards(network));
    }
    clock.advance(Duration.ofDays(32));
    GuardSet.Changes rotated = set.refresh(network);
    assertEquals(3, rotated.removed().size());
    assertEquals(3, rotated.added().size());
    assertTrue(set.entries().stream().allMatch(e -> e.added().equals(clock.instant())));
  }

  @Test
  void restoredGuardsAreKeptAndUsedFirst() {
    MutableClock clock = new MutableClock(START);
    List<RelayInfo> network = network();
    GuardSet original = new GuardSet(clock, new SplittableRandom(2));
    original.refresh(network);
    GuardSet restored = new GuardSet(clock, new SplittableRandom(99), GuardSet.Params.DEFAULT, original.entries());
    assertTrue(restored.refresh(network).isEmpty());
    assertEquals(original.guards(network), restored.guards(network));
  }

  @Test
  void aVanishedGuardIsKeptButReplacedInUseUpToTheCap() {
    MutableClock clock = new MutableClock(START);
    GuardSet set = new GuardSet(clock, new SplittableRandom(3),
        new GuardSet.Params(2, 3, Duration.ofDays(60), Duration.ofDays(90)), List.of());
    List<RelayInfo> network = new ArrayList<>(network());
    set.refresh(network);
    NodeId gone = set.guards(network).get(0);
    network.removeIf(r -> r.id().equals(gone));
    GuardSet.Changes changes = set.refresh(network);
    assertEquals(1, changes.added().size());
    assertTrue(changes.removed().isEmpty());
    assertEquals(3, set.entries().size());
    NodeId gone2 = set.guards(network).get(0);
    network.removeIf(r -> r.id().equals(gone2));
    assertTrue(set.refresh(network).isEmpty(), "sampled past maxSampled");
    assertEquals(1, set.guards(network).size());
    assertFalse(set.guards(network).contains(gone));
  }

  @Test
  void guardsAreDrawnByBandwidth() {
    Map<NodeId, Integer> counts = new HashMap<>();
    List<RelayInfo> network = List.of(relay("slow", "127.1.0.1", 1000, RelayFlag.GUARD),
        relay("fast", "127.2.0.1", 9000, RelayFlag.GUARD));
    for (int seed = 0; seed < 2000; seed++) {
      GuardSet set = new GuardSet(new MutableClock(START), new SplittableRandom(seed),
          new GuardSet.Params(1, 1, Duration.ofDays(60), Duration.ofDays(90)), List.of());
      set.refresh(network);
      counts.merge(set.guards(network).get(0), 1, Integer::sum);
    }
    int fast = counts.getOrDefault(id("fast"), 0);
    assertTrue(fast > 1700 && fast < 1900, "fast guard chosen " + fast + " of 2000, expected ~1800");
  }

  @Test
  void withoutFlaggedRelaysAnyRelayMayGuard() {
    GuardSet set = new GuardSet(new MutableClock(START), new SplittableRandom(4));
    List<RelayInfo> devnet = List.of(relay("a", "127.1.0.1", 1), relay("b", "127.2.0.1", 1),
        relay("c", "127.3.0.1", 1), relay("d", "127.3.9.1", 1));
    set.refresh(devnet);
    assertEquals(3, set.guards(devnet).size());
  }
}
