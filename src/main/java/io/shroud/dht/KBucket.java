package io.shroud.dht;

import io.shroud.identity.NodeId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One k-bucket's mutable state, owned by {@link RoutingTable}: contacts least-recently-seen
 * first, consecutive failure counts, a replacement cache (newest first) and the pending
 * ping-before-evict decision, if any.
 */
final class KBucket {
  final List<Contact> contacts = new ArrayList<>();
  final List<Contact> replacements = new ArrayList<>();
  final Map<NodeId, Integer> failures = new HashMap<>();
  Instant lastChanged;
  NodeId pendingPing;
  Instant pendingSince;

  KBucket(Instant lastChanged) {
    this.lastChanged = lastChanged;
  }

  int indexOf(NodeId id) {
    for (int i = 0; i < contacts.size(); i++) {
      if (contacts.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  /** Contacts in this bucket from {@code subnet}, not counting {@code except} (may be null). */
  int countSubnet(SubnetPrefix subnet, NodeId except) {
    int n = 0;
    for (Contact c : contacts) {
      if (!c.id().equals(except) && c.subnet().equals(subnet)) {
        n++;
      }
    }
    return n;
  }

  boolean removeReplacement(NodeId id) {
    return replacements.removeIf(c -> c.id().equals(id));
  }

  /**
   * Parks {@code candidate} at the front of the replacement cache. The cache obeys the same
   * per-subnet limit as the bucket (the oldest entry from the block gives way), so one block
   * cannot flush honest candidates out of it.
   */
  void park(Contact candidate, int capacity, int maxPerSubnet) {
    if (capacity == 0) {
      return;
    }
    removeReplacement(candidate.id());
    SubnetPrefix subnet = candidate.subnet();
    int sameSubnet = 0;
    int oldestSameSubnet = -1;
    for (int i = 0; i < replacements.size(); i++) {
      if (replacements.get(i).subnet().equals(subnet)) {
        sameSubnet++;
        oldestSameSubnet = i;
      }
    }
    if (sameSubnet >= maxPerSubnet) {
      replacements.remove(oldestSameSubnet);
    }
    replacements.add(0, candidate);
    while (replacements.size() > capacity) {
      replacements.remove(replacements.size() - 1);
    }
  }

  /** Moves every contact, cache entry and failure count matching {@code moves} into {@code to}. */
  void moveInto(KBucket to, java.util.function.Predicate<NodeId> moves) {
    for (Iterator<Contact> it = contacts.iterator(); it.hasNext(); ) {
      Contact c = it.next();
      if (moves.test(c.id())) {
        to.contacts.add(c);
        Integer f = failures.remove(c.id());
        if (f != null) {
          to.failures.put(c.id(), f);
        }
        it.remove();
      }
    }
    for (Iterator<Contact> it = replacements.iterator(); it.hasNext(); ) {
      Contact c = it.next();
      if (moves.test(c.id())) {
        to.replacements.add(c);
        it.remove();
      }
    }
    if (pendingPing != null && moves.test(pendingPing)) {
      to.pendingPing = pendingPing;
      to.pendingSince = pendingSince;
      pendingPing = null;
      pendingSince = null;
    }
  }
}
