package io.shroud.circuit;

import io.shroud.crypto.HopKeys;

/**
 * The end-to-end layer of a joined circuit (protocol §11.8), innermost: the keys of the
 * {@code shroud-hs-e2e-v1} handshake, used as one more hop beyond the rendezvous point. The
 * downloader plays the origin of that hop (a virtual hop {@code n + 1}: it seals with {@code Mf},
 * encrypts with {@code Kf}, and checks what comes back with {@code Kb}, {@code Mb}); the seeder
 * plays its relay (it checks with {@code Kf}, {@code Mf} and originates with {@code Mb},
 * {@code Kb}), as a {@link RelayLayer} does at a last hop. The real hops' layers are added and
 * removed around it by {@link OnionLayers#wrap} and {@link OnionLayers#peel}.
 *
 * <p>Not thread-safe: the circuit's actor owns it. Bodies passed in are only read; every body
 * returned is a new array.
 */
public final class EndToEndLayer {
  /** Which end of the end-to-end hop this side is. */
  public enum Role {
    /** The downloader: the origin of the virtual hop. */
    DOWNLOADER,
    /** The seeder: the virtual hop itself, serving streams. */
    SEEDER
  }

  private final Role role;
  /** The downloader's: the virtual hop's keys as an origin holds them. */
  private final HopCrypto origin;
  /** The seeder's: the virtual hop's keys as a relay holds them. */
  private final RelayLayer relay;
  private final byte[] plain = new byte[RelayCellFormat.BODY_BYTES];

  /** Keys the layer for {@code role}; the material is destroyed once keyed. */
  public EndToEndLayer(Role role, HopKeys keys) {
    this.role = role;
    if (role == Role.DOWNLOADER) {
      this.origin = new HopCrypto(keys);
      this.relay = null;
    } else {
      this.origin = null;
      this.relay = new RelayLayer(keys);
    }
    keys.destroy();
  }

  public Role role() {
    return role;
  }

  /**
   * The body of {@code cell} for the far end, with this layer only (the real hops' layers go on
   * top): the downloader's built for the virtual hop (§6.6.4), the seeder's as a hop originates
   * one (§6.6.5).
   */
  public byte[] seal(RelayCell cell) {
    if (role == Role.SEEDER) {
      return relay.originate(cell);
    }
    RelayCellFormat.encodeInto(cell, plain);
    origin.forward.seal(plain);
    byte[] body = new byte[RelayCellFormat.BODY_BYTES];
    origin.forward.crypt(plain, body);
    return body;
  }

  /**
   * The cell in {@code body} (every real hop's layer already removed), which must come from the
   * far end. Throws {@link CircuitProtocolException} when it does not verify (tampered,
   * replayed, out of order, or from nobody) or is malformed: the circuit must be destroyed.
   */
  public RelayCell open(byte[] body) throws CircuitProtocolException {
    if (role == Role.SEEDER) {
      return ((RelayLayer.Recognized) relay.forward(body, false)).cell();
    }
    HopCrypto.checkSize(body);
    byte[] peeled = new byte[RelayCellFormat.BODY_BYTES];
    origin.backward.crypt(body, peeled);
    if (!origin.backward.recognizes(peeled)) {
      throw new CircuitProtocolException("relay cell recognized by no hop, nor by the far end: tampered, replayed or "
          + "out of order");
    }
    return RelayCellFormat.decode(peeled);
  }

  @Override
  public String toString() {
    return "EndToEndLayer[" + role + ", redacted]";
  }
}
