package io.shroud.node.admission;

import io.shroud.identity.NodeId;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a failed Artery TLS handshake into the one line an operator reads: who, which way, and
 * why, in words (a refused certificate and its reason, a peer that refused ours, a peer that
 * speaks no TLS). Pure; the caller logs the line through {@link RefusalLog}.
 */
final class HandshakeFailure {
  private static final Pattern ALERT = Pattern.compile("Received fatal alert: ([a-z_]+)");
  /** Alerts by which a peer says it does not accept the certificate we sent (RFC 8446, 6.2). */
  private static final Set<String> CERTIFICATE_ALERTS = Set.of("bad_certificate", "certificate_required",
      "certificate_expired", "certificate_revoked", "certificate_unknown", "unsupported_certificate",
      "unknown_ca", "access_denied");

  private HandshakeFailure() {}

  /** Which end of the connection this node is. */
  enum Side {
    /** We accepted the connection on our Artery port; the peer's address is not known to the TLS stage. */
    INBOUND,
    /** We dialed {@code endpoint}. */
    OUTBOUND
  }

  /**
   * The line for a handshake that failed with {@code failure}.
   *
   * @param endpoint for OUTBOUND the peer's {@code host:port}; for INBOUND our own bound address
   */
  static String line(Side side, String endpoint, Throwable failure) {
    PeerCheck.Refused refused = refusal(failure);
    if (refused != null) {
      return refusedLine(side, endpoint, refused.getMessage(), refused.claimed());
    }
    String message = messages(failure);
    Matcher alert = ALERT.matcher(message);
    String prefix = side == Side.OUTBOUND
        ? "Artery TLS handshake to " + endpoint + " failed: "
        : "Artery TLS handshake from a peer on " + endpoint + " failed: ";
    if (alert.find()) {
      String name = alert.group(1);
      if (CERTIFICATE_ALERTS.contains(name)) {
        return prefix + "peer refused our certificate (" + name + ")";
      }
      if (name.equals("protocol_version") || name.equals("handshake_failure")) {
        return prefix + "no common TLS version or algorithm (" + name + "; Artery here is TLS 1.3 with Ed25519 only)";
      }
      return prefix + "peer ended the handshake (" + name + ")";
    }
    if (side == Side.INBOUND && message.contains("Empty client certificate chain")) {
      return refusedLine(side, endpoint, "peer sent no certificate", Optional.empty());
    }
    if (side == Side.INBOUND && (message.contains("Unsupported or unrecognized SSL message")
        || message.contains("Unrecognized SSL message"))) {
      return "refused inbound Artery connection on " + endpoint
          + ": not TLS (a node without Artery TLS, e.g. transport = tcp, or no Shroud node at all)";
    }
    if (message.contains("No appropriate protocol") || message.contains("protocol_version")) {
      return prefix + "no common TLS version or algorithm (Artery here is TLS 1.3 with Ed25519 only)";
    }
    return prefix + firstLine(failure);
  }

  /** The line for a connection the peer closed before the handshake was done. */
  static String closedDuringHandshake(Side side, String endpoint) {
    return side == Side.OUTBOUND
        ? "Artery TLS handshake to " + endpoint + " failed: connection closed during the handshake"
            + " (the peer runs no Artery TLS, or refused us without saying why)"
        : "Artery TLS handshake from a peer on " + endpoint + " failed: connection closed during the handshake";
  }

  /** The line for a peer refused at session verification (after a handshake the JDK accepted). */
  static String refusedLine(Side side, String endpoint, String reason, Optional<NodeId> claimed) {
    if (side == Side.OUTBOUND) {
      return "refused Artery TLS session to " + endpoint + ": " + reason;
    }
    String who = claimed.map(id -> " from node " + id.toHex() + " (as it claims)").orElse("");
    return "refused inbound Artery TLS session on " + endpoint + who + ": " + reason;
  }

  private static PeerCheck.Refused refusal(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof PeerCheck.Refused r) {
        return r;
      }
    }
    return null;
  }

  /** The messages of {@code t} and its causes, joined. */
  private static String messages(Throwable t) {
    StringBuilder b = new StringBuilder();
    int depth = 0;
    for (Throwable c = t; c != null && depth < 8; c = c.getCause() == c ? null : c.getCause(), depth++) {
      b.append(c.getMessage()).append(" | ");
    }
    return b.toString();
  }

  private static String firstLine(Throwable t) {
    String m = t.getMessage();
    String text = t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
