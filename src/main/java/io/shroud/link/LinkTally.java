package io.shroud.link;

import io.shroud.metrics.NodeMetrics.LinkRefusal;
import java.util.Collection;

/**
 * The link layer's counters over every connection, closed ones included, from which
 * {@link LinkStats} is made. Plain and single-threaded: {@code LinksActor}'s alone.
 */
final class LinkTally {
  long violations;
  long handshakeTimeouts;
  long duplicatesClosed;
  /** Cells dropped outside any link (held for a dial that failed), and by links now closed. */
  long droppedCells;
  private long unroutedOfClosed;
  private long readPausesOfClosed;

  /** Keeps what a closed link counted. */
  void closed(LinkCounters c) {
    droppedCells += c.droppedOut.get();
    unroutedOfClosed += c.unrouted.get();
    readPausesOfClosed += c.inbound.pauses();
  }

  /** The counters now, with {@code live} the counters of every connection still there. */
  LinkStats stats(AdmissionPolicy admission, Collection<LinkCounters> live, int openLinks) {
    long unrouted = unroutedOfClosed;
    long dropped = droppedCells;
    long pauses = readPausesOfClosed;
    for (LinkCounters c : live) {
      unrouted += c.unrouted.get();
      dropped += c.droppedOut.get();
      pauses += c.inbound.pauses();
    }
    return new LinkStats(violations, handshakeTimeouts,
        admission.refusals(LinkRefusal.HANDSHAKE_BUDGET), admission.refusals(LinkRefusal.PER_IP),
        admission.refusals(LinkRefusal.PER_SUBNET), admission.refusals(LinkRefusal.LINK_LIMIT),
        admission.refusals(LinkRefusal.UNKNOWN_KEY), duplicatesClosed, dropped, unrouted, pauses,
        openLinks, admission.inboundOpen(), admission.pending(), live.size());
  }
}
