package io.shroud.store;

import io.shroud.circuit.RelayInfo;
import io.shroud.identity.NodeId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which relays store a stripe's fragments (docs/protocol.md §12.9): each fragment, in index
 * order, goes to the relay whose node id is closest to its address (XOR, as in the DHT), skipping
 * relays and /16s that already hold a fragment of the same stripe; where the network is too small
 * for that, a /16 may hold two, then a relay may. A downloader or repairer who knows the relays
 * (the consensus) finds each fragment by asking its closest relays ({@link #closest}). Pure.
 */
public final class StorerChoice {
  private StorerChoice() {}

  /**
   * A storer for each stored fragment of one stripe: {@code addresses} by fragment index (null
   * for zero fragments, which get none), from {@code relays} without {@code exclude} (the
   * uploader's own relay). Returns index → relay id.
   *
   * @throws IllegalArgumentException when no relay is left to choose from
   */
  public static Map<Integer, NodeId> forStripe(byte[][] addresses, List<RelayInfo> relays, Set<NodeId> exclude) {
    List<RelayInfo> pool = relays.stream().filter(r -> !exclude.contains(r.id())).toList();
    if (pool.isEmpty()) {
      throw new IllegalArgumentException("no relay to store fragments on");
    }
    Map<Integer, NodeId> chosen = new LinkedHashMap<>();
    Set<NodeId> usedRelays = new HashSet<>();
    Set<Integer> usedNets = new HashSet<>();
    for (int i = 0; i < addresses.length; i++) {
      if (addresses[i] == null) {
        continue;
      }
      List<RelayInfo> order = closest(addresses[i], pool, pool.size());
      RelayInfo pick = order.stream().filter(r -> !usedRelays.contains(r.id()) && !usedNets.contains(r.slash16()))
          .findFirst()
          .orElseGet(() -> order.stream().filter(r -> !usedRelays.contains(r.id())).findFirst()
              .orElse(order.get(0)));
      chosen.put(i, pick.id());
      usedRelays.add(pick.id());
      usedNets.add(pick.slash16());
    }
    return chosen;
  }

  /** The {@code count} relays whose ids are closest to {@code address} (XOR distance), closest first. */
  public static List<RelayInfo> closest(byte[] address, List<RelayInfo> relays, int count) {
    List<RelayInfo> sorted = new ArrayList<>(relays);
    sorted.sort(Comparator.comparing((RelayInfo r) -> distance(address, r.id()), Arrays::compareUnsigned)
        .thenComparing(r -> r.id().toHex()));
    return List.copyOf(sorted.subList(0, Math.min(count, sorted.size())));
  }

  private static byte[] distance(byte[] address, NodeId id) {
    byte[] node = id.toBytes();
    byte[] d = new byte[node.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = (byte) (node[i] ^ address[i]);
    }
    return d;
  }
}
