package io.shroud.dht;

import io.shroud.identity.NodeId;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Nodes with routing tables and record stores wired together in memory, for driving
 * {@link IterativeLookup} the way a LookupActor would: queries are delivered oldest first,
 * one at a time, so α stay in flight. A queried node learns the querier (it sent a valid
 * request) and the querier learns each responder; ping-before-evict pings are answered by
 * live nodes. Nodes in {@link #down} never answer.
 */
final class InMemoryNetwork {
  final Map<NodeId, RoutingTable> tables = new HashMap<>();
  final Map<NodeId, Contact> contacts = new HashMap<>();
  final Map<NodeId, Map<NodeId, List<SignedRecord>>> values = new HashMap<>();
  final Set<NodeId> down = new HashSet<>();
  private final RoutingConfig config;
  private final Clock clock;
  private final RandomGenerator random;
  long messages;

  InMemoryNetwork(RoutingConfig config, Clock clock, RandomGenerator random) {
    this.config = config;
    this.clock = clock;
    this.random = random;
  }

  RoutingTable addNode(Contact c) {
    RoutingTable t = new RoutingTable(c.id(), config, clock, random);
    tables.put(c.id(), t);
    contacts.put(c.id(), c);
    return t;
  }

  /** {@code at} heard from {@code who}: add it, resolving any ping-before-evict at once. */
  void learn(NodeId at, Contact who) {
    RoutingTable t = tables.get(at);
    if (t.add(who) instanceof AddResult.PingThenEvict ping) {
      NodeId old = ping.leastRecentlySeen().id();
      if (down.contains(old)) {
        t.remove(old);
      } else {
        t.markSeen(old);
      }
    }
  }

  LookupResult lookup(NodeId origin, NodeId target, IterativeLookup.Kind kind) {
    RoutingTable own = tables.get(origin);
    IterativeLookup lookup = new IterativeLookup(target, kind, origin,
        own.closest(target, config.k()), config.k(), RoutingConfig.ALPHA);
    ArrayDeque<Contact> inFlight = new ArrayDeque<>();
    while (!lookup.isFinished()) {
      inFlight.addAll(lookup.nextQueries());
      Contact q = inFlight.poll();
      if (q == null) {
        throw new AssertionError("lookup stalled with nothing in flight");
      }
      messages++;
      if (down.contains(q.id())) {
        lookup.onTimeout(q);
        own.markFailed(q.id());
        continue;
      }
      learn(q.id(), contacts.get(origin));
      learn(origin, contacts.get(q.id()));
      List<Contact> closer = tables.get(q.id()).closest(target, config.k());
      List<SignedRecord> held = kind == IterativeLookup.Kind.FIND_VALUE
          ? values.getOrDefault(q.id(), Map.of()).getOrDefault(target, List.of()) : List.of();
      if (held.isEmpty()) {
        lookup.onResponse(q, closer);
      } else {
        lookup.onValue(q, held, closer);
      }
    }
    own.touchBucket(target);
    return lookup.result();
  }
}
