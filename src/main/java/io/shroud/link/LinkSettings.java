package io.shroud.link;

import io.shroud.wire.CellFormat;
import io.shroud.wire.RekeyPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timers of the peer-link layer; plain values so the node can fill them from its
 * configuration ({@code shroud.links}).
 *
 * @param handshakeTimeout from TCP accept to the end of the handshake and admission; a dialer
 *     allows {@code dialTimeout} more for its TCP connect
 * @param idleTimeout a link that receives nothing at all (not even padding) for this long is
 *     closed as dead
 * @param paddingInterval a link that sent nothing during one interval sends a PADDING cell
 * @param pingInterval how often a LINK_PING measures the round-trip time (one right after
 *     the link opens)
 * @param rekeyPolicy per-direction rekey by record count and by time (the time check runs
 *     on the padding timer)
 * @param maxLinks links (open, or being dialed) the node keeps; inbound connections still in
 *     their handshake are not counted here but in {@link Admission#maxPendingHandshakes()}
 * @param maxQueuedCells bound of each link's outbound queue, and of the cells held for a node
 *     while its link is being dialed; more are dropped and counted
 * @param dialTimeout TCP connect timeout when dialing
 * @param admission who may connect inbound, and how many at once
 * @param maxInboundCells cells one link may have handed to its handlers that they have not yet
 *     taken; at the bound the link's reader stops reading its socket until they take some
 * @param abuseLogInterval a refused, stalled or misbehaving peer address is logged at most
 *     once per interval (with a count of what was not logged)
 */
public record LinkSettings(
    Duration handshakeTimeout,
    Duration idleTimeout,
    Duration paddingInterval,
    Duration pingInterval,
    RekeyPolicy rekeyPolicy,
    int maxLinks,
    int maxQueuedCells,
    Duration dialTimeout,
    Admission admission,
    int maxInboundCells,
    Duration abuseLogInterval) {

  /** Fewest inbound cells a link may hold for its handlers: one socket read's worth. */
  public static final int MIN_INBOUND_CELLS = LinkReader.READ_BYTES / CellFormat.RECORD_BYTES;

  /**
   * Limits on inbound connections (the Tor DoS subsystem's connection limits, for peer links).
   *
   * @param maxPendingHandshakes inbound connections that have not finished the Noise handshake
   *     at once; more are closed at accept
   * @param maxConnectionsPerIp inbound connections (in handshake or open) from one IPv4 address
   *     or one IPv6 /64
   * @param maxConnectionsPerSubnet inbound connections (in handshake or open) from one IPv4 /24
   *     or one IPv6 /48
   * @param outboundReserve link slots inbound links may not take: at most {@code maxLinks -
   *     outboundReserve} inbound links are open at once, so the node can always dial out
   */
  public record Admission(int maxPendingHandshakes, int maxConnectionsPerIp,
      int maxConnectionsPerSubnet, int outboundReserve) {
    public Admission {
      atLeast(1, maxPendingHandshakes, "maxPendingHandshakes");
      atLeast(1, maxConnectionsPerIp, "maxConnectionsPerIp");
      atLeast(1, maxConnectionsPerSubnet, "maxConnectionsPerSubnet");
      atLeast(0, outboundReserve, "outboundReserve");
    }

    /** 64 pending handshakes, 8 per address, 32 per subnet, 32 slots kept for dialing out. */
    public static Admission defaults() {
      return new Admission(64, 8, 32, 32);
    }
  }

  public LinkSettings {
    positive(handshakeTimeout, "handshakeTimeout");
    positive(idleTimeout, "idleTimeout");
    positive(paddingInterval, "paddingInterval");
    positive(pingInterval, "pingInterval");
    positive(dialTimeout, "dialTimeout");
    positive(abuseLogInterval, "abuseLogInterval");
    Objects.requireNonNull(rekeyPolicy, "rekeyPolicy");
    Objects.requireNonNull(admission, "admission");
    atLeast(1, maxLinks, "maxLinks");
    atLeast(1, maxQueuedCells, "maxQueuedCells");
    atLeast(MIN_INBOUND_CELLS, maxInboundCells, "maxInboundCells");
    if (admission.outboundReserve() >= maxLinks) {
      throw new IllegalArgumentException("outboundReserve must be below maxLinks (" + maxLinks
          + ") or no inbound link could open: " + admission.outboundReserve());
    }
  }

  /**
   * Handshake 5 s, idle 5 min, padding 2 s, ping 30 s, default rekey, 256 links, 4096 cells
   * queued out, dial 10 s, {@link Admission#defaults()}, 1024 cells held in, abuse log 1 min.
   */
  public static LinkSettings defaults() {
    return new LinkSettings(Duration.ofSeconds(5), Duration.ofMinutes(5),
        Duration.ofSeconds(2), Duration.ofSeconds(30), RekeyPolicy.DEFAULT, 256, 4096,
        Duration.ofSeconds(10), Admission.defaults(), 1024, Duration.ofMinutes(1));
  }

  public LinkSettings withPaddingInterval(Duration interval) {
    return new LinkSettings(handshakeTimeout, idleTimeout, interval, pingInterval, rekeyPolicy,
        maxLinks, maxQueuedCells, dialTimeout, admission, maxInboundCells, abuseLogInterval);
  }

  public LinkSettings withIdleTimeout(Duration timeout) {
    return new LinkSettings(handshakeTimeout, timeout, paddingInterval, pingInterval, rekeyPolicy,
        maxLinks, maxQueuedCells, dialTimeout, admission, maxInboundCells, abuseLogInterval);
  }

  /** {@code max} links, of which inbound ones may take all but {@code outboundReserve}. */
  public LinkSettings withMaxLinks(int max, int outboundReserve) {
    Admission a = new Admission(admission.maxPendingHandshakes(), admission.maxConnectionsPerIp(),
        admission.maxConnectionsPerSubnet(), outboundReserve);
    return new LinkSettings(handshakeTimeout, idleTimeout, paddingInterval, pingInterval,
        rekeyPolicy, max, maxQueuedCells, dialTimeout, a, maxInboundCells, abuseLogInterval);
  }

  public LinkSettings withAdmission(Admission a) {
    return new LinkSettings(handshakeTimeout, idleTimeout, paddingInterval, pingInterval,
        rekeyPolicy, maxLinks, maxQueuedCells, dialTimeout, a, maxInboundCells, abuseLogInterval);
  }

  public LinkSettings withMaxQueuedCells(int max) {
    return new LinkSettings(handshakeTimeout, idleTimeout, paddingInterval, pingInterval,
        rekeyPolicy, maxLinks, max, dialTimeout, admission, maxInboundCells, abuseLogInterval);
  }

  public LinkSettings withMaxInboundCells(int max) {
    return new LinkSettings(handshakeTimeout, idleTimeout, paddingInterval, pingInterval,
        rekeyPolicy, maxLinks, maxQueuedCells, dialTimeout, admission, max, abuseLogInterval);
  }

  public LinkSettings withAbuseLogInterval(Duration interval) {
    return new LinkSettings(handshakeTimeout, idleTimeout, paddingInterval, pingInterval,
        rekeyPolicy, maxLinks, maxQueuedCells, dialTimeout, admission, maxInboundCells, interval);
  }

  public LinkSettings withHandshakeTimeout(Duration timeout) {
    return new LinkSettings(timeout, idleTimeout, paddingInterval, pingInterval, rekeyPolicy,
        maxLinks, maxQueuedCells, dialTimeout, admission, maxInboundCells, abuseLogInterval);
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }

  private static void atLeast(int min, int value, String name) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ": " + value);
    }
  }
}
