package io.shroud.link;

import io.shroud.wire.CellFormat;
import io.shroud.wire.RekeyPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timers of the peer-link layer; plain values so the node can fill them from its
 * configuration.
 *
 * @param handshakeTimeout from TCP accept/connect to the end of the handshake and admission
 * @param idleTimeout a link that receives nothing at all (not even padding) for this long is
 *     closed as dead
 * @param paddingInterval a link that sent nothing during one interval sends a PADDING cell
 * @param pingInterval how often a LINK_PING measures the round-trip time (one right after
 *     the link opens)
 * @param rekeyPolicy per-direction rekey by record count and by time (the time check runs
 *     on the padding timer)
 * @param maxLinks links (open, dialing or in handshake) beyond which inbound connections are
 *     refused and dials are not started
 * @param maxQueuedCells bound of each link's outbound queue, and of the cells held for a node
 *     while its link is being dialed; more are dropped and counted
 * @param dialTimeout TCP connect timeout when dialing
 */
public record LinkSettings(
    Duration handshakeTimeout,
    Duration idleTimeout,
    Duration paddingInterval,
    Duration pingInterval,
    RekeyPolicy rekeyPolicy,
    int maxLinks,
    int maxQueuedCells,
    Duration dialTimeout) {

  public LinkSettings {
    positive(handshakeTimeout, "handshakeTimeout");
    positive(idleTimeout, "idleTimeout");
    positive(paddingInterval, "paddingInterval");
    positive(pingInterval, "pingInterval");
    positive(dialTimeout, "dialTimeout");
    Objects.requireNonNull(rekeyPolicy, "rekeyPolicy");
    if (maxLinks < 1) {
      throw new IllegalArgumentException("maxLinks must be at least 1: " + maxLinks);
    }
    if (maxQueuedCells < 1) {
      throw new IllegalArgumentException("maxQueuedCells must be at least 1: " + maxQueuedCells);
    }
  }

  /** Handshake 10 s, idle 5 min, padding 2 s, ping 30 s, default rekey, 256 links, 4096 cells, dial 10 s. */
  public static LinkSettings defaults() {
    return new LinkSettings(CellFormat.HANDSHAKE_TIMEOUT, Duration.ofMinutes(5),
        Duration.ofSeconds(2), Duration.ofSeconds(30), RekeyPolicy.DEFAULT, 256, 4096,
        Duration.ofSeconds(10));
  }

  public LinkSettings withPaddingInterval(Duration interval) {
    return new LinkSettings(handshakeTimeout, idleTimeout, interval, pingInterval, rekeyPolicy,
        maxLinks, maxQueuedCells, dialTimeout);
  }

  public LinkSettings withMaxLinks(int max) {
    return new LinkSettings(handshakeTimeout, idleTimeout, paddingInterval, pingInterval,
        rekeyPolicy, max, maxQueuedCells, dialTimeout);
  }

  public LinkSettings withMaxQueuedCells(int max) {
    return new LinkSettings(handshakeTimeout, idleTimeout, paddingInterval, pingInterval,
        rekeyPolicy, maxLinks, max, dialTimeout);
  }

  public LinkSettings withHandshakeTimeout(Duration timeout) {
    return new LinkSettings(timeout, idleTimeout, paddingInterval, pingInterval, rekeyPolicy,
        maxLinks, maxQueuedCells, dialTimeout);
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }
}
