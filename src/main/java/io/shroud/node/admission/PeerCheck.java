package io.shroud.node.admission;

import io.shroud.admission.AdmissionException;
import io.shroud.admission.RelayCertificates;
import io.shroud.identity.NodeId;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Decides whether an Artery peer may talk to this node: its certificate (the first of the chain
 * it sent) must be a relay certificate of this network's trust root, valid now, with the node id
 * of its own key in its CN, and that node id must not be revoked. Everything else the peer sent
 * along in its chain is ignored: the trust root is the only issuer there is.
 */
final class PeerCheck {
  private final X509Certificate trustRoot;
  private final Clock clock;
  private final Predicate<NodeId> revoked;

  PeerCheck(X509Certificate trustRoot, Clock clock, Predicate<NodeId> revoked) {
    this.trustRoot = trustRoot;
    this.clock = clock;
    this.revoked = revoked;
  }

  /** The peer's node id, or {@link Refused} saying why it may not connect. */
  NodeId check(X509Certificate[] chain) throws Refused {
    if (chain == null || chain.length == 0 || chain[0] == null) {
      throw new Refused("peer sent no certificate", Optional.empty());
    }
    X509Certificate cert = chain[0];
    NodeId id;
    try {
      id = RelayCertificates.verify(cert, trustRoot, clock.instant());
    } catch (AdmissionException e) {
      throw new Refused(e.getMessage(), claimed(cert));
    }
    if (revoked.test(id)) {
      throw new Refused("node " + id.toHex() + " is revoked", Optional.of(id));
    }
    return id;
  }

  /** The node id of the certificate's key, if it has an Ed25519 key at all (not yet trusted). */
  private static Optional<NodeId> claimed(X509Certificate cert) {
    try {
      return Optional.of(RelayCertificates.nodeIdOf(cert));
    } catch (AdmissionException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * A refused peer certificate. Thrown from the trust manager, so JSSE ends the handshake with a
   * {@code bad_certificate} alert and this exception as the cause; the message is the reason,
   * one line (it may quote names from the peer's certificate: sanitise before logging).
   */
  static final class Refused extends CertificateException {
    private static final long serialVersionUID = 1L;
    private final transient Optional<NodeId> claimed;

    Refused(String reason, Optional<NodeId> claimed) {
      super(reason);
      this.claimed = claimed;
    }

    /** The node id of the key in the refused certificate: what the peer claims to be. */
    Optional<NodeId> claimed() {
      return claimed == null ? Optional.empty() : claimed;
    }
  }
}
