package io.shroud.link;

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

  private PeerHandshake(HandshakeKind kind, LinkHandshake relay, ClientLinkHandshake client) {
    this.kind = kind;
    this.relay = relay;
    this.client = client;
  }

  /** The initiator's side of a relay handshake this node dials. */
  static PeerHandshake dial(LinkHandshake initiator) {
    return new PeerHandshake(HandshakeKind.RELAY, initiator, null);
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
      h = new PeerHandshake(kind, LinkHandshake.responder(linkKey, random), null);
    } else if (relayProof == null) {
      throw new ProtocolViolationException("a client handshake, and this node takes no client links");
    } else {
      h = new PeerHandshake(kind, null, ClientLinkHandshake.relay(linkKey, relayProof, random));
    }
    h.readFrame(message1);
    return h;
  }

  HandshakeKind kind() {
    return kind;
  }

  boolean isWriteTurn() {
    return relay != null ? relay.isWriteTurn() : client.isWriteTurn();
  }

  boolean isComplete() {
    return relay != null ? relay.isComplete() : client.isComplete();
  }

  byte[] writeFrame() {
    return relay != null ? relay.writeFrame() : client.writeFrame();
  }

  void readFrame(byte[] message) throws ProtocolViolationException {
    if (relay != null) {
      relay.readFrame(message);
    } else {
      client.readFrame(message);
    }
  }

  /** The initiator's static key, after message 3: a relay's link key, or a client's throwaway key. */
  byte[] remoteStaticPublicKey() {
    return relay != null ? relay.remoteStaticPublicKey() : client.remoteStaticPublicKey();
  }

  LinkCipher finish(RekeyPolicy policy, Clock clock) {
    return relay != null ? relay.finish(policy, clock) : client.finish(policy, clock);
  }
}
