package io.shroud.circuit;

import io.shroud.identity.NodeId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Who owns each circuit id on each link: (neighbour, circuit id) → owner, with the number of
 * ids in use per neighbour kept beside it, so the per-link circuit cap is checked in O(1) on
 * every CREATE instead of by counting the whole table. Pure; its {@code CircuitsActor} is the
 * only caller.
 *
 * @param <O> the owner of a circuit id (the actor that handles its cells)
 */
final class LinkCircuits<O> {
  private record Key(NodeId peer, int id) {}

  private final Map<Key, O> owners = new HashMap<>();
  private final Map<NodeId, Integer> perPeer = new HashMap<>();

  O get(NodeId peer, int id) {
    return owners.get(new Key(peer, id));
  }

  boolean contains(NodeId peer, int id) {
    return owners.containsKey(new Key(peer, id));
  }

  /** Gives {@code id} on the link to {@code peer} to {@code owner} (replacing any earlier owner). */
  void put(NodeId peer, int id, O owner) {
    if (owners.put(new Key(peer, id), owner) == null) {
      perPeer.merge(peer, 1, Integer::sum);
    }
  }

  /** Forgets {@code id} on the link to {@code peer}; returns its owner, or null. */
  O remove(NodeId peer, int id) {
    O removed = owners.remove(new Key(peer, id));
    if (removed != null) {
      decrement(peer);
    }
    return removed;
  }

  /** Forgets every id on the link to {@code peer}; returns their owners (one per id). */
  List<O> removePeer(NodeId peer) {
    List<O> removed = new ArrayList<>();
    if (perPeer.remove(peer) == null) {
      return removed;
    }
    Iterator<Map.Entry<Key, O>> it = owners.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Key, O> e = it.next();
      if (e.getKey().peer().equals(peer)) {
        removed.add(e.getValue());
        it.remove();
      }
    }
    return removed;
  }

  /** Forgets every id whose owner matches {@code test}. */
  void removeIf(Predicate<O> test) {
    Iterator<Map.Entry<Key, O>> it = owners.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Key, O> e = it.next();
      if (test.test(e.getValue())) {
        it.remove();
        decrement(e.getKey().peer());
      }
    }
  }

  /** Circuit ids in use on the link to {@code peer}, whoever allocated them. */
  int count(NodeId peer) {
    return perPeer.getOrDefault(peer, 0);
  }

  /** Circuit ids in use on all links. */
  int size() {
    return owners.size();
  }

  private void decrement(NodeId peer) {
    perPeer.computeIfPresent(peer, (p, n) -> n == 1 ? null : n - 1);
  }
}
