package io.shroud.link;

import io.shroud.admission.AdmissionException;
import io.shroud.admission.NetworkDefinition;
import io.shroud.admission.RelayProof;
import io.shroud.identity.NodeId;
import io.shroud.wire.ClientLinkHandshake;
import io.shroud.wire.LinkCipher;
import io.shroud.wire.ProtocolViolationException;
import io.shroud.wire.RekeyPolicy;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A client's link to a relay it knows only by address (docs/protocol.md §4.10.1): the XX
 * handshake of {@link ClientLinkHandshake}, with the relay's proof checked between message 2 and
 * message 3, so a relay that is not of the client's network never gets message 3. Plain, no
 * actors; not thread-safe.
 *
 * <p>Flow: send {@link #start()}; give message 2's body to {@link #onMessage2}, which either
 * refuses (close the connection, send nothing) or returns message 3 to send; then
 * {@link #finish} for the record cipher.
 */
public final class ClientBootstrap {
  private final NetworkDefinition network;
  private final Predicate<NodeId> revoked;
  private final Clock clock;
  private final Duration skew;
  private final ClientLinkHandshake handshake;
  private RelayProof.Verified relay;

  public ClientBootstrap(NetworkDefinition network, Predicate<NodeId> revoked, Clock clock, Duration skew,
      SecureRandom random) {
    this(network, revoked, clock, skew, ClientLinkHandshake.client(random));
  }

  ClientBootstrap(NetworkDefinition network, Predicate<NodeId> revoked, Clock clock, Duration skew,
      ClientLinkHandshake handshake) {
    this.network = Objects.requireNonNull(network, "network");
    this.revoked = Objects.requireNonNull(revoked, "revoked");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.skew = Objects.requireNonNull(skew, "skew");
    this.handshake = handshake;
  }

  /** Message 1, framed. */
  public byte[] start() {
    return handshake.writeFrame();
  }

  /**
   * Reads message 2 and checks the relay (§4.10.1, steps 1-6); returns message 3, framed.
   *
   * @throws ProtocolViolationException the handshake itself failed (tampered, wrong version)
   * @throws AdmissionException the relay is not one of this network's, or its proof does not
   *     name the key it used; the message says which check failed
   */
  public byte[] onMessage2(byte[] message) throws ProtocolViolationException, AdmissionException {
    handshake.readFrame(message);
    RelayProof proof = RelayProof.decode(handshake.relayProof());
    relay = proof.verify(network, handshake.remoteStaticPublicKey(), revoked, clock, skew);
    return handshake.writeFrame();
  }

  /** The relay the link reaches, once {@link #onMessage2} accepted it. */
  public RelayProof.Verified relay() {
    if (relay == null) {
      throw new IllegalStateException("the relay has not been verified");
    }
    return relay;
  }

  /** The link's record cipher; once, after {@link #onMessage2} returned. */
  public LinkCipher finish(RekeyPolicy policy) {
    if (relay == null || !handshake.isComplete()) {
      throw new IllegalStateException("the handshake is not complete");
    }
    return handshake.finish(policy, clock);
  }
}
