package io.shroud.dht;

/** What {@link RoutingTable#add(Contact)} did with a contact. */
public sealed interface AddResult {

  /** The contact was new and is now in a bucket (possibly after splits). */
  record Added(Contact contact) implements AddResult {}

  /** The contact was already known; it moved to the most-recently-seen end of its bucket. */
  record Updated(Contact contact) implements AddResult {}

  /**
   * Ping-before-evict: the bucket is full and cannot split. Ping {@code leastRecentlySeen};
   * if it answers call {@link RoutingTable#markSeen}, which keeps it; if it does not, call
   * {@link RoutingTable#remove}, which replaces it with the newest replacement-cache entry,
   * normally {@code candidate} (already parked there).
   */
  record PingThenEvict(Contact leastRecentlySeen, Contact candidate) implements AddResult {}

  /**
   * The bucket is full and a ping of its least-recently-seen contact is already pending; the
   * candidate waits in the replacement cache.
   */
  record Cached(Contact candidate) implements AddResult {}

  /** The contact was refused and is not stored anywhere. */
  record Rejected(Contact contact, Reason reason) implements AddResult {}

  /** Why a contact was refused. */
  enum Reason {
    /** The contact carries the local node's own id. */
    SELF,
    /** Its bucket already holds the maximum from the contact's IPv4 /24 or IPv6 /64. */
    SUBNET_LIMIT
  }
}
