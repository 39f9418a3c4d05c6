package io.shroud.circuit;

import io.shroud.crypto.HopKeys;

/**
 * A relay's layer of one circuit (protocol §6.6.4, §6.6.5). Forward cells: remove the layer, then
 * either the cell is addressed here ({@link Recognized}) or it is passed to the next hop
 * ({@link Forward}); a cell recognized nowhere by the last hop destroys the circuit. Backward
 * cells from the next hop get this hop's layer; cells this hop originates are sealed and
 * layered. Not thread-safe: the relay actor owns it. Bodies passed in are only read (they may
 * be a cell's shared payload); every body returned is a new array.
 */
public final class RelayLayer {
  private final HopCrypto crypto;
  /**
   * The plaintext of a cell this hop originates, reused for every such cell: the layer is then
   * added into the new array that is sent (the JDK's AES-CTR would copy a body it is asked to
   * encrypt in place).
   */
  private final byte[] plain = new byte[RelayCellFormat.BODY_BYTES];

  /** What became of a forward cell. */
  public sealed interface Outcome permits Recognized, Forward {}

  /** The cell is addressed to this hop. */
  public record Recognized(RelayCell cell) implements Outcome {}

  /** The cell is for a later hop: send {@code body} (a new array, layer removed) onward. */
  public record Forward(byte[] body) implements Outcome {
    @Override
    public String toString() {
      return "Forward[" + body.length + " bytes]";
    }
  }

  public RelayLayer(HopKeys keys) {
    this.crypto = new HopCrypto(keys);
  }

  /**
   * Processes a forward body arriving from the previous hop. {@code hasNextHop} says whether
   * this circuit has been extended beyond this relay. Throws {@link CircuitProtocolException}
   * when the body has the wrong size, when the last hop cannot recognize it, or when a
   * recognized cell is malformed.
   */
  public Outcome forward(byte[] body, boolean hasNextHop) throws CircuitProtocolException {
    HopCrypto.checkSize(body);
    byte[] peeled = new byte[RelayCellFormat.BODY_BYTES];
    crypto.forward.crypt(body, peeled);
    if (crypto.forward.recognizes(peeled)) {
      return new Recognized(RelayCellFormat.decode(peeled));
    }
    if (!hasNextHop) {
      throw new CircuitProtocolException("forward relay cell not recognized at the last hop: tampered, replayed or out of order");
    }
    return new Forward(peeled);
  }

  /** A body arriving from the next hop with this hop's backward layer added (a new array). */
  public byte[] backward(byte[] body) throws CircuitProtocolException {
    HopCrypto.checkSize(body);
    byte[] layered = new byte[RelayCellFormat.BODY_BYTES];
    crypto.backward.crypt(body, layered);
    return layered;
  }

  /** A backward body carrying {@code cell} from this hop to the origin. */
  public byte[] originate(RelayCell cell) {
    RelayCellFormat.encodeInto(cell, plain);
    crypto.backward.seal(plain);
    byte[] body = new byte[RelayCellFormat.BODY_BYTES];
    crypto.backward.crypt(plain, body);
    return body;
  }

  @Override
  public String toString() {
    return "RelayLayer[redacted]";
  }
}
