package io.shroud.circuit;

import io.shroud.crypto.CircuitHandshakeRelay;
import io.shroud.crypto.HandshakeException;
import io.shroud.dht.PeerRateLimiter;
import io.shroud.identity.NodeId;
import io.shroud.link.ClientLinkRules;
import io.shroud.metrics.NodeMetrics.CreateRefusal;
import java.util.Objects;

/**
 * Whether a relay takes a CREATE (protocol §6.3.4, §6.8, §6.12), cheapest checks first: onion
 * keys loaded, the circuit id from the sender's half, the per-link cap
 * ({@code max-circuits-per-link}), the node-wide cap ({@code max-relayed-circuits}), the
 * sender's CREATE rate ({@code create-burst}, {@code create-per-second}), then the handshake
 * itself (replay window, addressing, onion key, the public-key work). A refusal names its
 * reason, for the counters, and the DESTROY reason to answer with: {@link
 * DestroyReason#RESOURCE_LIMIT} when the node as a whole is full (the sender did nothing wrong
 * and may try another relay), {@link DestroyReason#REFUSED} for everything the sender caused.
 * Pure; its {@code CircuitsActor} is the only caller.
 */
final class CreateAdmission {
  /** What became of one CREATE. */
  sealed interface Decision {}

  /** Taken: answer CREATED with {@code response}. */
  record Accepted(CircuitHandshakeRelay.Response response) implements Decision {}

  /** Refused: answer DESTROY {@code destroy}; {@code detail} is for the debug log. */
  record Refused(CreateRefusal reason, DestroyReason destroy, String detail) implements Decision {}

  private final CircuitSettings settings;
  private final CircuitIdAllocator ids;
  private final PeerRateLimiter rate;
  private final ClientLinkRules.Limits clientLimits;
  private CircuitHandshakeRelay handshake;

  CreateAdmission(CircuitSettings settings, CircuitIdAllocator ids, PeerRateLimiter rate) {
    this(settings, ids, rate, ClientLinkRules.Limits.DEFAULT);
  }

  CreateAdmission(CircuitSettings settings, CircuitIdAllocator ids, PeerRateLimiter rate,
      ClientLinkRules.Limits clientLimits) {
    this.clientLimits = Objects.requireNonNull(clientLimits, "clientLimits");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.ids = Objects.requireNonNull(ids, "ids");
    this.rate = Objects.requireNonNull(rate, "rate");
  }

  /** The relay's handshake, once its onion keys are loaded; before that every CREATE is refused. */
  void useHandshake(CircuitHandshakeRelay relay) {
    this.handshake = relay;
  }

  /**
   * Decides on a CREATE from {@code from} for {@code circuitId} with its cell {@code payload},
   * while {@code onLink} circuit ids are in use on that link and {@code relayed} hops are
   * relayed node-wide.
   */
  Decision decide(NodeId from, int circuitId, byte[] payload, int onLink, int relayed) {
    return decide(from, circuitId, payload, onLink, relayed, false);
  }

  /**
   * As above; {@code client}: the CREATE came over a client link, {@code from} being its label
   * (protocol §4.10.3): the id must have the top bit set and the link's cap is
   * {@link ClientLinkRules.Limits#circuitsPerLink()}, instead of §6.8's halves and
   * {@code max-circuits-per-link}; the node-wide cap and the rate (per label) are as for relays.
   */
  Decision decide(NodeId from, int circuitId, byte[] payload, int onLink, int relayed, boolean client) {
    if (handshake == null) {
      return refused(CreateRefusal.NO_KEYS, "no onion keys yet");
    }
    if (client) {
      switch (ClientLinkRules.createVerdict(circuitId, onLink, clientLimits)) {
        case REFUSE_WRONG_HALF -> {
          return refused(CreateRefusal.WRONG_HALF, "client circuit id without the top bit");
        }
        case REFUSE_CIRCUIT_CAP -> {
          return refused(CreateRefusal.LINK_LIMIT, "circuit limit for this client link reached");
        }
        case ACCEPT -> { }
      }
    } else if (!ids.isPeersId(from, circuitId)) {
      return refused(CreateRefusal.WRONG_HALF, "circuit id from the wrong half");
    } else if (onLink >= settings.maxCircuitsPerLink()) {
      return refused(CreateRefusal.LINK_LIMIT, "circuit limit for this link reached");
    }
    if (relayed >= settings.maxRelayedCircuits()) {
      return new Refused(CreateRefusal.NODE_LIMIT, DestroyReason.RESOURCE_LIMIT,
          "node-wide relayed-circuit limit reached");
    }
    if (!rate.tryAcquire(from)) {
      return refused(CreateRefusal.RATE_LIMITED, "CREATE rate limit");
    }
    try {
      return new Accepted(handshake.respond(HandshakeFraming.parseCreateCellPayload(payload)));
    } catch (HandshakeException e) {
      return refused(e.isReplay() ? CreateRefusal.REPLAY : CreateRefusal.BAD_HANDSHAKE, e.getMessage());
    } catch (CircuitProtocolException e) {
      return refused(CreateRefusal.BAD_HANDSHAKE, e.getMessage());
    }
  }

  private static Refused refused(CreateRefusal reason, String detail) {
    return new Refused(reason, DestroyReason.REFUSED, detail);
  }
}
