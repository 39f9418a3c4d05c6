package io.shroud.link;

import io.shroud.identity.NodeId;
import io.shroud.metrics.NodeMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Traffic counters of one link. Written by the link's {@code PeerActor} and reader thread, read by
 * {@code LinksActor} to answer {@link Links.GetPeers} without asking every peer; hence atomic
 * fields. Bytes also go to the node's {@link NodeMetrics} (summed over links, never per peer).
 * Holds no key material. The link's {@link InboundCredit} lives here too, for the same reason.
 */
final class LinkCounters {
  final boolean outbound;
  final String remoteAddress;
  final AtomicLong cellsIn = new AtomicLong();
  final AtomicLong cellsOut = new AtomicLong();
  final AtomicLong bytesIn = new AtomicLong();
  final AtomicLong bytesOut = new AtomicLong();
  /** Socket reads: cellsIn / readsIn is the batch size. */
  final AtomicLong readsIn = new AtomicLong();
  /** Writes offered to the outbound queue: cellsOut / writesOut is the cells per write. */
  final AtomicLong writesOut = new AtomicLong();
  /** Records the bounded outbound queue refused. */
  final AtomicLong droppedOut = new AtomicLong();
  /** Inbound cells with no registered handler. */
  final AtomicLong unrouted = new AtomicLong();
  /** Cells handed to handlers and not yet taken: what the link's reader may still hand over. */
  final InboundCredit inbound;
  private volatile Instant openedAt;
  private volatile Double rttMillis;
  private volatile NodeId peer;
  private final NodeMetrics metrics;

  LinkCounters(boolean outbound, String remoteAddress, NodeMetrics metrics, int maxInboundCells) {
    this.outbound = outbound;
    this.remoteAddress = remoteAddress;
    this.metrics = metrics;
    this.inbound = new InboundCredit(maxInboundCells);
  }

  /** {@code n} bytes read from the socket. */
  void read(long n) {
    bytesIn.addAndGet(n);
    metrics.linkBytes(NodeMetrics.LinkDirection.IN, n);
  }

  /** {@code n} bytes queued for the socket. */
  void written(long n) {
    bytesOut.addAndGet(n);
    metrics.linkBytes(NodeMetrics.LinkDirection.OUT, n);
  }

  void opened(NodeId node, Instant at) {
    this.peer = node;
    this.openedAt = at;
  }

  void rtt(double millis) {
    this.rttMillis = millis;
  }

  Double rttMillis() {
    return rttMillis;
  }

  Instant openedAt() {
    return openedAt;
  }

  NodeId peer() {
    return peer;
  }

  /** This link as {@code GET /shroud/v1/peers} shows it (an open link: its peer is known). */
  Links.PeerInfo info(Instant now, String suite) {
    long age = openedAt == null ? 0 : Math.max(0, Duration.between(openedAt, now).toSeconds());
    return new Links.PeerInfo(peer.toHex(), remoteAddress, outbound ? "outbound" : "inbound", age,
        cellsIn.get(), cellsOut.get(), bytesIn.get(), bytesOut.get(), readsIn.get(), writesOut.get(),
        rttMillis, suite, inbound.outstanding(), inbound.peak(), inbound.pauses());
  }

  @Override
  public String toString() {
    return "LinkCounters[" + (outbound ? "outbound " : "inbound ") + remoteAddress + " in="
        + cellsIn + " out=" + cellsOut + "]";
  }
}
