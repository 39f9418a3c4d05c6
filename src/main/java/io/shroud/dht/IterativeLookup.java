package io.shroud.dht;

import io.shroud.identity.NodeId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The state machine of one iterative Kademlia lookup (FIND_NODE or FIND_VALUE), free of I/O
 * and timers: a {@code LookupActor} asks {@link #nextQueries()} whom to query, sends the
 * queries, and feeds back {@link #onResponse}, {@link #onValue} and {@link #onTimeout} (the
 * actor owns the per-query timer) until {@link #isFinished()}.
 *
 * <p><b>Shortlist.</b> Every contact heard of (seeds from the routing table and contacts
 * returned by responders, the local id excluded) sits in a shortlist sorted by XOR distance to
 * the target, in one of the states candidate, in flight, responded, failed.
 *
 * <p><b>Queries.</b> At most α queries are in flight. {@link #nextQueries()} picks candidates
 * only among the k closest contacts that have not failed, closest first; a contact outside
 * them cannot improve the answer.
 *
 * <p><b>Termination.</b> Closest-k convergence: the lookup ends when each of the k closest
 * non-failed contacts in the shortlist has responded, so no closer contact is unqueried or
 * pending; or, for FIND_VALUE, as soon as a responder returns at least one record; or when no
 * contact is left to ask. Responses after the end, and from contacts not queried, are ignored.
 *
 * <p><b>Rounds.</b> A query's round is its hop depth in the query tree: seeds are queried in
 * round 1, and a contact first learned from a round-r responder is queried in round r + 1
 * (the smallest such r when several responders name it). {@link LookupResult#rounds()} is the
 * deepest round of any query sent, i.e. the number of sequential round trips the lookup needed
 * if every answer takes the same time.
 */
public final class IterativeLookup {
  /** Which RPC the lookup sends. */
  public enum Kind { FIND_NODE, FIND_VALUE }

  private enum State { CANDIDATE, IN_FLIGHT, RESPONDED, FAILED }

  private static final class Entry {
    final Contact contact;
    State state = State.CANDIDATE;
    int round;

    Entry(Contact contact, int round) {
      this.contact = contact;
      this.round = round;
    }
  }

  private final NodeId target;
  private final Kind kind;
  private final NodeId self;
  private final int k;
  private final int alpha;
  private final TreeMap<NodeId, Entry> shortlist;
  private int inFlight;
  private int rounds;
  private int queries;
  private int responses;
  private int timeouts;
  private List<SignedRecord> records = List.of();
  private boolean finished;

  /**
   * @param target id or record key to look up
   * @param kind FIND_NODE or FIND_VALUE
   * @param self the local id, never queried
   * @param seeds starting contacts, normally {@code table.closest(target, k)}
   * @param k contacts to converge on ({@link RoutingConfig#K})
   * @param alpha queries in flight ({@link RoutingConfig#ALPHA})
   */
  public IterativeLookup(NodeId target, Kind kind, NodeId self, Collection<Contact> seeds,
      int k, int alpha) {
    this.target = Objects.requireNonNull(target, "target");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.self = Objects.requireNonNull(self, "self");
    if (k < 1 || alpha < 1) {
      throw new IllegalArgumentException("k and alpha must be positive");
    }
    this.k = k;
    this.alpha = alpha;
    this.shortlist = new TreeMap<>(target::compareDistance);
    for (Contact c : seeds) {
      learn(c, 1);
    }
    updateFinished();
  }

  public NodeId target() {
    return target;
  }

  public Kind kind() {
    return kind;
  }

  public boolean isFinished() {
    return finished;
  }

  /** Queries currently in flight. */
  public int inFlight() {
    return inFlight;
  }

  /**
   * The contacts to query now (possibly none), closest first; they count as in flight until
   * answered or timed out. Call after every event.
   */
  public List<Contact> nextQueries() {
    List<Contact> out = new ArrayList<>();
    if (finished) {
      return out;
    }
    int seen = 0;
    for (Entry e : shortlist.values()) {
      if (seen >= k || inFlight >= alpha) {
        break;
      }
      if (e.state == State.FAILED) {
        continue;
      }
      seen++;
      if (e.state == State.CANDIDATE) {
        e.state = State.IN_FLIGHT;
        inFlight++;
        queries++;
        rounds = Math.max(rounds, e.round);
        out.add(e.contact);
      }
    }
    return out;
  }

  /** {@code from} answered with contacts closer to the target (at most k are used). */
  public void onResponse(Contact from, List<Contact> closer) {
    Entry e = inFlightEntry(from);
    if (e == null) {
      return;
    }
    e.state = State.RESPONDED;
    inFlight--;
    responses++;
    int used = 0;
    for (Contact c : closer) {
      if (used++ >= k) {
        break;
      }
      learn(c, e.round + 1);
    }
    updateFinished();
  }

  /**
   * {@code from} answered a FIND_VALUE with records for the target (already verified by the
   * caller) and possibly closer contacts. Records whose key is not the target are dropped; if
   * any remain, a FIND_VALUE lookup finishes with them.
   */
  public void onValue(Contact from, List<SignedRecord> found, List<Contact> closer) {
    if (finished || inFlightEntry(from) == null) {
      return;
    }
    List<SignedRecord> matching = new ArrayList<>();
    for (SignedRecord r : found) {
      if (r.key().equals(target)) {
        matching.add(r);
      }
    }
    onResponse(from, closer);
    if (kind == Kind.FIND_VALUE && !matching.isEmpty()) {
      records = List.copyOf(matching);
      finished = true;
    }
  }

  /** The query to {@code from} timed out (or failed): it will not be asked again. */
  public void onTimeout(Contact from) {
    Entry e = inFlightEntry(from);
    if (e == null) {
      return;
    }
    e.state = State.FAILED;
    inFlight--;
    timeouts++;
    updateFinished();
  }

  /** The outcome so far (final once {@link #isFinished()}). */
  public LookupResult result() {
    List<Contact> closest = new ArrayList<>(k);
    for (Entry e : shortlist.values()) {
      if (closest.size() >= k) {
        break;
      }
      if (e.state == State.RESPONDED) {
        closest.add(e.contact);
      }
    }
    return new LookupResult(target, kind, closest, records, rounds, queries, responses, timeouts);
  }

  private Entry inFlightEntry(Contact from) {
    if (finished) {
      return null;
    }
    Entry e = shortlist.get(from.id());
    return e != null && e.state == State.IN_FLIGHT ? e : null;
  }

  private void learn(Contact c, int round) {
    if (c.id().equals(self)) {
      return;
    }
    Entry known = shortlist.get(c.id());
    if (known == null) {
      shortlist.put(c.id(), new Entry(c, round));
    } else if (known.state == State.CANDIDATE && round < known.round) {
      known.round = round;
    }
  }

  private void updateFinished() {
    int seen = 0;
    for (Map.Entry<NodeId, Entry> me : shortlist.entrySet()) {
      if (seen >= k) {
        break;
      }
      Entry e = me.getValue();
      if (e.state == State.FAILED) {
        continue;
      }
      seen++;
      if (e.state != State.RESPONDED) {
        return;
      }
    }
    finished = true;
  }
}
