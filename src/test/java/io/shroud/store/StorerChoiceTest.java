package io.shroud.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.RelayInfo;
import io.shroud.identity.NodeId;
import io.shroud.testutil.SeededRandom;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Storers for a stripe: the closest relays by XOR, one fragment per relay and per /16 while the network allows. */
class StorerChoiceTest {
  private final Random random = SeededRandom.of(2909);

  private RelayInfo relay(String address) throws Exception {
    byte[] id = new byte[32];
    random.nextBytes(id);
    return new RelayInfo(NodeId.of(id), (Inet4Address) InetAddress.getByName(address), 100, Set.of());
  }

  private byte[][] addresses(int count) {
    byte[][] a = new byte[count][];
    for (int i = 0; i < count; i++) {
      a[i] = new byte[32];
      random.nextBytes(a[i]);
    }
    return a;
  }

  @Test
  void eachFragmentGoesToItsClosestRelayThatHoldsNothingOfTheStripeInADistinctSlash16() throws Exception {
    List<RelayInfo> relays = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      relays.add(relay("10." + i + ".0.1"));
    }
    relays.add(relay("10.0.0.2")); // a second relay in 10.0/16
    NodeId self = relays.get(3).id();
    byte[][] addresses = addresses(6);
    addresses[3] = null; // a zero fragment: no storer
    Map<Integer, NodeId> chosen = StorerChoice.forStripe(addresses, relays, Set.of(self));
    assertEquals(List.of(0, 1, 2, 4, 5), List.copyOf(chosen.keySet()));
    assertEquals(5, new HashSet<>(chosen.values()).size(), "one fragment per relay");
    assertTrue(!chosen.containsValue(self), "never the uploader's own relay");
    Set<Integer> nets = new HashSet<>();
    for (NodeId id : chosen.values()) {
      nets.add(relays.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow().slash16());
    }
    assertEquals(5, nets.size(), "one per /16");
    // the first fragment's storer is simply its closest relay
    List<RelayInfo> others = relays.stream().filter(r -> !r.id().equals(self)).toList();
    assertEquals(StorerChoice.closest(addresses[0], others, 1).get(0).id(), chosen.get(0));
    // the same inputs give the same storers: a downloader can find them from the consensus
    assertEquals(chosen, StorerChoice.forStripe(addresses, relays, Set.of(self)));
  }

  @Test
  void aSmallNetworkSharesSlash16sThenRelaysRatherThanFail() throws Exception {
    List<RelayInfo> two = List.of(relay("10.1.0.1"), relay("10.1.0.2"));
    Map<Integer, NodeId> chosen = StorerChoice.forStripe(addresses(6), two, Set.of());
    assertEquals(6, chosen.size());
    assertEquals(2, new HashSet<>(chosen.values()).size(), "both relays used");
    assertThrows(IllegalArgumentException.class, () -> StorerChoice.forStripe(addresses(2), two,
        Set.of(two.get(0).id(), two.get(1).id())));
  }

  @Test
  void closestOrdersByXorDistance() throws Exception {
    RelayInfo a = relay("10.1.0.1");
    RelayInfo b = relay("10.2.0.1");
    byte[] address = a.id().toBytes().clone();
    address[31] ^= 1; // one bit from a
    assertEquals(List.of(a, b), StorerChoice.closest(address, List.of(b, a), 2));
    assertEquals(List.of(a), StorerChoice.closest(address, List.of(b, a), 1));
  }
}
