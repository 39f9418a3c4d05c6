package io.shroud.link;

import io.shroud.admission.AdmissionException;
import io.shroud.admission.RelayProof;
import io.shroud.crypto.X25519;
import io.shroud.wire.ClientLinkHandshake;
import io.shroud.wire.HandshakeKind;
import io.shroud.wire.LinkCipher;
import io.shroud.wire.LinkHandshake;
import io.shroud.wire.ProtocolViolationException;
import io.shroud.wire.RekeyPolicy;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * The handshake of one link: a dialled relay handshake ({@link #dial}), or on an accepted
 * connection the one message 1 asks for (docs/protocol.md §4.10.2, {@link #start}): a relay's
 * {@link LinkHandshake} (XK) or a client's {@link ClientLinkHandshake} (XX). A node that takes no
 * clients ({@code relayProof} null) treats a client's message 1 as the violation it was before.
 * Plain; not thread-safe.
 */
final class PeerHandshake {
  private final HandshakeKind kind;
  private final LinkHandshake relay;
  private final ClientLinkHandshake client;
  /** A client's dialled bootstrap handshake (§4.10.1): message 1, then message 3 once message 2 checked out. */
  private final ClientBootstrap bootstrap;
  private byte[] bootstrapNext;
  private boolean bootstrapDone;

  private PeerHandshake(HandshakeKind kind, LinkHandshake relay, ClientLinkHandshake client,
      ClientBootstrap bootstrap) {
    this.kind = kind;
    this.relay = relay;
    this.client = client;
    this.bootstrap = bootstrap;
    this.bootstrapNext = bootstrap == null ? null : bootstrap.start();
  }

  /** The initiator's side of a relay handshake this node dials. */
  static PeerHandshake dial(LinkHandshake initiator) {
    return new PeerHandshake(HandshakeKind.RELAY, initiator, null, null);
  }

  /**
   * A client's bootstrap handshake to a relay it knows by address only (§4.10.1): the relay's
   * proof is checked between messages 2 and 3; a refused relay never gets message 3.
   */
  static PeerHandshake bootstrap(ClientBootstrap client) {
    return new PeerHandshake(HandshakeKind.CLIENT, null, null, client);
  }

  /**
   * Reads message 1 and returns the handshake it starts. {@code relayProof} is this relay's
   * encoded {@code RelayProof} for clients, or null to take none.
   */
  static PeerHandshake start(byte[] message1, X25519.KeyPair linkKey, byte[] relayProof, SecureRandom random)
      throws ProtocolViolationException {
    HandshakeKind kind = HandshakeKind.ofFirstMessage(message1.length);
    PeerHandshake h;
    if (kind == HandshakeKind.RELAY) {
      h = new PeerHandshake(kind, LinkHandshake.responder(linkKey, random), null, null);
    } else if (relayProof == null) {
      throw new ProtocolViolationException("a client handshake, and this node takes no client links");
    } else {
      h = new PeerHandshake(kind, null, ClientLinkHandshake.relay(linkKey, relayProof, random), null);
    }
    h.readFrame(message1);
    return h;
  }

  HandshakeKind kind() {
    return kind;
  }

  boolean isWriteTurn() {
    if (bootstrap != null) {
      return bootstrapNext != null;
    }
    return relay != null ? relay.isWriteTurn() : client.isWriteTurn();
  }

  boolean isComplete() {
    if (bootstrap != null) {
      return bootstrapDone && bootstrapNext == null;
    }
    return relay != null ? relay.isComplete() : client.isComplete();
  }

  byte[] writeFrame() {
    if (bootstrap != null) {
      byte[] next = bootstrapNext;
      if (next == null) {
        throw new IllegalStateException("not the bootstrap initiator's turn");
      }
      bootstrapNext = null;
      return next;
    }
    return relay != null ? relay.writeFrame() : client.writeFrame();
  }

  /**
   * Reads the peer's next message. For a bootstrap, message 2 with a relay that does not prove
   * itself a relay of the client's network is refused here, as a violation naming the failed check.
   */
  void readFrame(byte[] message) throws ProtocolViolationException {
    if (bootstrap != null) {
      if (bootstrapDone) {
        throw new ProtocolViolationException("a handshake message after message 2 of a bootstrap");
      }
      try {
        bootstrapNext = bootstrap.onMessage2(message);
      } catch (AdmissionException e) {
        throw new ProtocolViolationException("bootstrap relay refused: " + e.getMessage());
      }
      bootstrapDone = true;
    } else if (relay != null) {
      relay.readFrame(message);
    } else {
      client.readFrame(message);
    }
  }

  /** The relay a bootstrap reached, once message 2 was accepted (null for other handshakes). */
  RelayProof.Verified bootstrapRelay() {
    return bootstrap == null || !bootstrapDone ? null : bootstrap.relay();
  }

  /** The initiator's static key, after message 3: a relay's link key, or a client's throwaway key. */
  byte[] remoteStaticPublicKey() {
    if (bootstrap != null) {
      return bootstrap.relay().descriptor().linkKey();
    }
    return relay != null ? relay.remoteStaticPublicKey() : client.remoteStaticPublicKey();
  }

  LinkCipher finish(RekeyPolicy policy, Clock clock) {
    if (bootstrap != null) {
      return bootstrap.finish(policy);
    }
    return relay != null ? relay.finish(policy, clock) : client.finish(policy, clock);
  }
}
