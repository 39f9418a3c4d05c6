package io.shroud.circuit;

import static io.shroud.circuit.Relays.id;
import static io.shroud.circuit.Relays.relay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.identity.NodeId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PathSelectorTest {
  /** 30 relays in 15 /16s (two per /16), bandwidths 1000..30000. */
  private static List<RelayInfo> network() {
    List<RelayInfo> out = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      out.add(relay("r" + i, "127." + (1 + i / 2) + "." + (i % 2 * 5) + ".1", 1000L * (i + 1)));
    }
    return out;
  }

  @Test
  void everyPathKeepsTheRulesOverManySeededDraws() throws Exception {
    List<RelayInfo> network = network();
    List<NodeId> guards = List.of(id("r0"), id("r4"), id("r9"));
    NodeId self = id("r29");
    PathSelector selector = new PathSelector(new SplittableRandom(1));
    SplittableRandom pick = new SplittableRandom(2);
    for (int draw = 0; draw < 4000; draw++) {
      int hops = 1 + pick.nextInt(4);
      NodeId destination = pick.nextBoolean() ? null : network.get(pick.nextInt(29)).id();
      List<RelayInfo> path = selector.select(network, guards, destination, hops, Set.of(self));
      assertEquals(hops, path.size());
      Set<NodeId> ids = new HashSet<>();
      Set<Integer> nets = new HashSet<>();
      for (RelayInfo hop : path) {
        assertTrue(ids.add(hop.id()), "node twice in " + path);
        assertTrue(nets.add(hop.slash16()), "two hops in one /16 in " + path);
        assertFalse(hop.id().equals(self));
      }
      if (destination != null) {
        assertEquals(destination, path.get(hops - 1).id());
      }
      if (hops > 1 || destination == null) {
        assertTrue(guards.contains(path.get(0).id()), "first hop is not a guard");
      }
      if (hops > 1 && (destination == null || network.stream()
          .filter(r -> r.id().equals(destination)).findFirst().orElseThrow().compatibleWith(network.get(0)))) {
        assertEquals(id("r0"), path.get(0).id(), "the first compatible guard must be used");
      }
    }
  }

  @Test
  void slash16IsTheFirstTwoOctets() {
    assertEquals(relay("a", "127.1.0.1", 1).slash16(), relay("b", "127.1.5.1", 1).slash16());
    assertFalse(relay("a", "127.1.0.1", 1).slash16() == relay("b", "127.2.0.1", 1).slash16());
    assertFalse(relay("a", "127.1.0.1", 1).compatibleWith(relay("b", "127.1.5.1", 1)));
    assertTrue(relay("a", "127.1.0.1", 1).compatibleWith(relay("b", "127.2.0.1", 1)));
  }

  @Test
  void sameSlash16RelaysNeverShareAPathAndDifferentOnesDo() throws Exception {
    List<RelayInfo> network = List.of(relay("g", "127.1.0.1", 100), relay("same", "127.1.5.1", 100),
        relay("other", "127.2.0.1", 100), relay("third", "127.3.0.1", 100));
    PathSelector selector = new PathSelector(new SplittableRandom(3));
    for (int i = 0; i < 500; i++) {
      List<RelayInfo> path = selector.select(network, List.of(id("g")), null, 3, Set.of());
      assertFalse(path.stream().anyMatch(r -> r.id().equals(id("same"))), "127.1.5.1 joined 127.1.0.1");
      assertEquals(Set.of(id("g"), id("other"), id("third")), new HashSet<>(path.stream().map(RelayInfo::id).toList()));
    }
  }

  @Test
  void middleHopsAreDrawnInProportionToBandwidth() throws Exception {
    List<RelayInfo> network = new ArrayList<>(List.of(relay("g", "127.1.0.1", 1), relay("d", "127.2.0.1", 1)));
    long[] bandwidth = {1000, 2000, 3000, 4000};
    for (int i = 0; i < bandwidth.length; i++) {
      network.add(relay("m" + i, "127." + (10 + i) + ".0.1", bandwidth[i]));
    }
    PathSelector selector = new PathSelector(new SplittableRandom(4));
    Map<NodeId, Integer> counts = new HashMap<>();
    int draws = 20000;
    for (int i = 0; i < draws; i++) {
      counts.merge(selector.select(network, List.of(id("g")), id("d"), 3, Set.of()).get(1).id(), 1, Integer::sum);
    }
    for (int i = 0; i < bandwidth.length; i++) {
      double expected = draws * bandwidth[i] / 10000.0;
      int seen = counts.getOrDefault(id("m" + i), 0);
      assertTrue(Math.abs(seen - expected) < expected * 0.1, "m" + i + " drawn " + seen + " times, expected ~" + expected);
    }
  }

  @Test
  void bandwidthCapLimitsALiar() throws Exception {
    List<RelayInfo> network = List.of(relay("g", "127.1.0.1", 1), relay("d", "127.2.0.1", 1),
        relay("liar", "127.3.0.1", Long.MAX_VALUE), relay("honest", "127.4.0.1", 1000));
    PathSelector selector = new PathSelector(new SplittableRandom(5), 1000);
    int liar = 0;
    for (int i = 0; i < 4000; i++) {
      if (selector.select(network, List.of(id("g")), id("d"), 3, Set.of()).get(1).id().equals(id("liar"))) {
        liar++;
      }
    }
    assertTrue(liar > 1700 && liar < 2300, "liar drawn " + liar + " of 4000 despite the cap");
  }

  @Test
  void impossiblePathsFailClearly() {
    PathSelector selector = new PathSelector(new SplittableRandom(6));
    List<RelayInfo> twoNets = List.of(relay("g", "127.1.0.1", 1), relay("d", "127.2.0.1", 1), relay("x", "127.2.9.1", 1));
    PathSelectionException tooFew = assertThrows(PathSelectionException.class,
        () -> selector.select(twoNets, List.of(id("g")), null, 3, Set.of()));
    assertTrue(tooFew.getMessage().contains("middle hop 2"), tooFew.getMessage());
    PathSelectionException noGuard = assertThrows(PathSelectionException.class,
        () -> selector.select(twoNets, List.of(id("nobody")), null, 2, Set.of()));
    assertTrue(noGuard.getMessage().contains("guard"));
    PathSelectionException guardIsDest = assertThrows(PathSelectionException.class,
        () -> selector.select(twoNets, List.of(id("g")), id("g"), 2, Set.of()));
    assertTrue(guardIsDest.getMessage().contains("usable with destination"));
    assertThrows(PathSelectionException.class, () -> selector.select(twoNets, List.of(id("g")), id("zzz"), 2, Set.of()));
    assertThrows(PathSelectionException.class, () -> selector.select(twoNets, List.of(id("g")), id("d"), 2, Set.of(id("d"))));
    assertThrows(IllegalArgumentException.class, () -> selector.select(twoNets, List.of(id("g")), null, 0, Set.of()));
    assertThrows(IllegalArgumentException.class, () -> selector.select(twoNets, List.of(id("g")), null, 5, Set.of()));
  }

  @Test
  void aGuardIncompatibleWithTheDestinationGivesWayToTheNextGuard() throws Exception {
    List<RelayInfo> network = List.of(relay("g1", "127.1.0.1", 1), relay("g2", "127.5.0.1", 1),
        relay("d", "127.1.7.7", 1), relay("m", "127.9.0.1", 1));
    List<RelayInfo> path = new PathSelector(new SplittableRandom(7))
        .select(network, List.of(id("g1"), id("g2")), id("d"), 3, Set.of());
    assertEquals(List.of(id("g2"), id("m"), id("d")), path.stream().map(RelayInfo::id).toList());
  }
}
