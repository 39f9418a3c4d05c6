package io.shroud.link;

import io.shroud.metrics.NodeMetrics.LinkRefusal;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Which connections the node takes on its data-plane port and how many links it keeps (after
 * Tor's DoS subsystem: connection limits per address, and a handshake budget of its own). Every
 * connection holds a {@link Ticket} from accept or dial until it is {@link #closed}:
 *
 * <ul>
 *   <li>an inbound connection still in its Noise handshake is <em>pending</em>: it counts
 *       against {@code maxPendingHandshakes}, never against {@code maxLinks};
 *   <li>every inbound connection, pending or open, counts against its address
 *       ({@code maxConnectionsPerIp}: an IPv4 address, or an IPv6 /64, which one host usually
 *       has to itself) and its subnet ({@code maxConnectionsPerSubnet}: an IPv4 /24, or an IPv6
 *       /48, one site). Loopback is not exempt;
 *   <li>open links and dials in progress count against {@code maxLinks}; open inbound links
 *       against {@code maxLinks - outboundReserve} as well, so an inbound flood never takes the
 *       slots the node needs to dial out.
 * </ul>
 *
 * <p>Plain and single-threaded: {@code LinksActor}'s alone. Counts every refusal by reason.
 */
final class AdmissionPolicy {
  /** Where a connection stands; only {@link #PENDING}, {@link #DIALING} and {@link #OPEN} count. */
  private enum Stage { PENDING, DIALING, HANDSHAKEN, OPEN, CLOSING, CLOSED }

  /** What one connection counts against. */
  static final class Ticket {
    private final boolean inbound;
    /** The address and subnet keys of an inbound connection; null for a dial. */
    private final String ip;
    private final String subnet;
    private Stage stage;

    private Ticket(boolean inbound, String ip, String subnet, Stage stage) {
      this.inbound = inbound;
      this.ip = ip;
      this.subnet = subnet;
      this.stage = stage;
    }

    /** The address key of an inbound connection ({@link #ipKey}), null for a dial. */
    String ip() {
      return ip;
    }

    @Override
    public String toString() {
      return "Ticket[" + (inbound ? "inbound from " + ip : "outbound") + ", " + stage + "]";
    }
  }

  /** An inbound connection's ticket, or why it was refused (exactly one is null). */
  record Decision(Ticket ticket, LinkRefusal refusal) {}

  private final int maxLinks;
  private final int maxInboundLinks;
  private final LinkSettings.Admission limits;
  private final Map<String, Integer> perIp = new HashMap<>();
  private final Map<String, Integer> perSubnet = new HashMap<>();
  private final long[] refused = new long[LinkRefusal.values().length];
  private int pending;
  private int inboundOpen;
  private int outboundOpen;
  private int dialing;

  AdmissionPolicy(int maxLinks, LinkSettings.Admission limits) {
    if (limits.outboundReserve() >= maxLinks) {
      throw new IllegalArgumentException("the outbound reserve must be below maxLinks");
    }
    this.maxLinks = maxLinks;
    this.maxInboundLinks = maxLinks - limits.outboundReserve();
    this.limits = limits;
  }

  AdmissionPolicy(LinkSettings settings) {
    this(settings.maxLinks(), settings.admission());
  }

  /**
   * A connection accepted from {@code remote}: a pending ticket, or the reason to close it at
   * once (counted). Checked in order: handshake budget, link limit, address, subnet.
   */
  Decision accept(InetAddress remote) {
    String ip = ipKey(remote);
    String subnet = subnetKey(remote);
    LinkRefusal refusal = null;
    if (pending >= limits.maxPendingHandshakes()) {
      refusal = LinkRefusal.HANDSHAKE_BUDGET;
    } else if (inboundOpen >= maxInboundLinks || linkSlotsUsed() >= maxLinks) {
      refusal = LinkRefusal.LINK_LIMIT; // it could not open anyway: spare the handshake
    } else if (perIp.getOrDefault(ip, 0) >= limits.maxConnectionsPerIp()) {
      refusal = LinkRefusal.PER_IP;
    } else if (perSubnet.getOrDefault(subnet, 0) >= limits.maxConnectionsPerSubnet()) {
      refusal = LinkRefusal.PER_SUBNET;
    }
    if (refusal != null) {
      refused(refusal);
      return new Decision(null, refusal);
    }
    perIp.merge(ip, 1, Integer::sum);
    perSubnet.merge(subnet, 1, Integer::sum);
    pending++;
    return new Decision(new Ticket(true, ip, subnet, Stage.PENDING), null);
  }

  /** A dial's ticket, or null when every link slot is taken (the dial is not started). */
  Ticket dial() {
    if (linkSlotsUsed() >= maxLinks) {
      return null;
    }
    dialing++;
    return new Ticket(false, null, null, Stage.DIALING);
  }

  /** {@code t}'s handshake finished: an inbound connection stops being pending. */
  void handshakeDone(Ticket t) {
    if (t.stage == Stage.PENDING) {
      pending--;
      t.stage = Stage.HANDSHAKEN;
    }
  }

  /**
   * Opens {@code t} as a link, replacing {@code replacing} (a link to the same peer that the
   * duplicate rule lets go, or null): null when opened, else the reason it may not (counted).
   * A dial was counted when it started, so it always opens.
   */
  LinkRefusal open(Ticket t, Ticket replacing) {
    handshakeDone(t);
    boolean freesSlot = replacing != null && replacing.stage == Stage.OPEN;
    if (t.inbound) {
      int inbound = inboundOpen - (freesSlot && replacing.inbound ? 1 : 0);
      int slots = linkSlotsUsed() - (freesSlot ? 1 : 0);
      if (inbound >= maxInboundLinks || slots >= maxLinks) {
        refused(LinkRefusal.LINK_LIMIT);
        return LinkRefusal.LINK_LIMIT;
      }
    }
    if (freesSlot) {
      leaveStage(replacing);
      replacing.stage = Stage.CLOSING;
    }
    leaveStage(t);
    t.stage = Stage.OPEN;
    if (t.inbound) {
      inboundOpen++;
    } else {
      outboundOpen++;
    }
    return null;
  }

  /** Counts a refusal decided elsewhere (an unknown link key); the ticket stays until closed. */
  void refused(LinkRefusal reason) {
    refused[reason.ordinal()]++;
  }

  /** {@code t}'s connection is gone: it counts against nothing any more. Idempotent. */
  void closed(Ticket t) {
    if (t.stage == Stage.CLOSED) {
      return;
    }
    leaveStage(t);
    t.stage = Stage.CLOSED;
    if (t.inbound) {
      decrement(perIp, t.ip);
      decrement(perSubnet, t.subnet);
    }
  }

  private void leaveStage(Ticket t) {
    switch (t.stage) {
      case PENDING -> pending--;
      case DIALING -> dialing--;
      case OPEN -> {
        if (t.inbound) {
          inboundOpen--;
        } else {
          outboundOpen--;
        }
      }
      default -> { }
    }
  }

  private static void decrement(Map<String, Integer> counts, String key) {
    counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }

  private int linkSlotsUsed() {
    return inboundOpen + outboundOpen + dialing;
  }

  int pending() {
    return pending;
  }

  int inboundOpen() {
    return inboundOpen;
  }

  int outboundOpen() {
    return outboundOpen;
  }

  int dialing() {
    return dialing;
  }

  /** Inbound connections (pending or open) from {@code address}'s address key now. */
  int fromAddress(InetAddress address) {
    return perIp.getOrDefault(ipKey(address), 0);
  }

  /** Inbound connections (pending or open) from {@code address}'s subnet now. */
  int fromSubnet(InetAddress address) {
    return perSubnet.getOrDefault(subnetKey(address), 0);
  }

  /** Why a connection was refused, for the log (no peer data). */
  String describe(LinkRefusal refusal) {
    return switch (refusal) {
      case HANDSHAKE_BUDGET -> limits.maxPendingHandshakes() + " handshakes already pending";
      case PER_IP -> limits.maxConnectionsPerIp() + " connections from this address already";
      case PER_SUBNET -> limits.maxConnectionsPerSubnet() + " connections from its subnet already";
      case LINK_LIMIT -> "inbound links at their limit";
      case UNKNOWN_KEY -> "unknown link key";
    };
  }

  /** Refusals counted for {@code reason} so far. */
  long refusals(LinkRefusal reason) {
    return refused[reason.ordinal()];
  }

  /** The key one address's connections are counted under: an IPv4 address, an IPv6 /64. */
  static String ipKey(InetAddress address) {
    return address instanceof Inet4Address ? address.getHostAddress() : prefix(address, 64);
  }

  /** The key one subnet's connections are counted under: an IPv4 /24, an IPv6 /48. */
  static String subnetKey(InetAddress address) {
    return prefix(address, address instanceof Inet4Address ? 24 : 48);
  }

  private static String prefix(InetAddress address, int bits) {
    byte[] masked = Arrays.copyOf(address.getAddress(), address.getAddress().length);
    for (int i = bits / 8; i < masked.length; i++) {
      masked[i] = 0;
    }
    try {
      return InetAddress.getByAddress(masked).getHostAddress() + "/" + bits;
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
    }
  }
}
