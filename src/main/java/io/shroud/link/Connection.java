package io.shroud.link;

import io.shroud.identity.NodeId;

/** What {@code LinksActor} knows about one connection (its alone: not thread-safe). */
final class Connection {
  final LinkCounters counters;
  /** What the connection counts against, until it is gone. */
  final AdmissionPolicy.Ticket ticket;
  /** The peer's address as the abuse log keys it ({@link AdmissionPolicy#ipKey}). */
  final String logAddress;
  /** The peer: known when dialing, learned from its static key when accepted. */
  NodeId node;
  /** Whether this is the node's one link to {@link #node}. */
  boolean current;
  String closeReason = "closed";
  /** An XK client link's initiator key (hex), to notice a relay taken for a client (LinksActor). */
  String clientXkKey;

  Connection(LinkCounters counters, AdmissionPolicy.Ticket ticket, String logAddress, NodeId node) {
    this.counters = counters;
    this.ticket = ticket;
    this.logAddress = logAddress;
    this.node = node;
  }
}
