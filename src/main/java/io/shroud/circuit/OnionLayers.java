package io.shroud.circuit;

import io.shroud.crypto.HopKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * The origin's onion layers for one circuit (protocol §6.6.4, §6.6.5): one {@code HopCrypto} per
 * hop, added as each handshake completes. {@link #encrypt} seals a cell for hop {@code i} and
 * wraps layers i..1; {@link #decrypt} peels backward layers until the originating hop's tag
 * verifies. Not thread-safe: the circuit's actor owns it. Cells must be sent and processed in
 * order; any loss, replay, reordering or bit flip makes a later check fail.
 */
public final class OnionLayers {
  /** Most hops a circuit may have. */
  public static final int MAX_HOPS = 4;

  private final List<HopCrypto> hops = new ArrayList<>(MAX_HOPS);
  /**
   * Scratch bodies, reused for every cell: the plaintext being sealed, and the two that layers
   * alternate between. Each layer writes into an array other than the one it reads, because the
   * JDK's AES-CTR copies its input first when asked to work in place (a 4 KiB allocation per
   * layer per cell, most of a download's garbage otherwise).
   */
  private final byte[] plain = new byte[RelayCellFormat.BODY_BYTES];
  private final byte[] layerA = new byte[RelayCellFormat.BODY_BYTES];
  private final byte[] layerB = new byte[RelayCellFormat.BODY_BYTES];

  /** A backward cell and the index (0 = first hop) of the hop that originated it. */
  public record Inbound(int hop, RelayCell cell) {}

  /** Keys the next hop with the keys of its handshake. */
  public void addHop(HopKeys keys) {
    if (hops.size() == MAX_HOPS) {
      throw new IllegalStateException("a circuit has at most " + MAX_HOPS + " hops");
    }
    hops.add(new HopCrypto(keys));
  }

  /** Forgets the hops after the first {@code count} (after TRUNCATED). */
  public void truncateTo(int count) {
    if (count < 0 || count > hops.size()) {
      throw new IllegalArgumentException("cannot truncate " + hops.size() + " hops to " + count);
    }
    hops.subList(count, hops.size()).clear();
  }

  public int hopCount() {
    return hops.size();
  }

  /** The 4075-byte body to send on the first link for {@code cell} addressed to hop {@code hop}. */
  public byte[] encrypt(int hop, RelayCell cell) {
    if (hop < 0 || hop >= hops.size()) {
      throw new IllegalArgumentException("no hop " + hop + " in a circuit of " + hops.size());
    }
    RelayCellFormat.encodeInto(cell, plain);
    hops.get(hop).forward.seal(plain);
    byte[] body = new byte[RelayCellFormat.BODY_BYTES];
    byte[] from = plain;
    for (int i = hop; i >= 0; i--) {
      byte[] to = i % 2 == 0 ? body : layerA; // the first hop's layer, applied last, lands in body
      hops.get(i).forward.crypt(from, to);
      from = to;
    }
    return body;
  }

  /**
   * Peels a backward body and returns the cell with its originating hop. {@code body} is only
   * read (it may be a cell's shared payload); the layers come off in this object's scratch
   * bodies, and the cell's data is copied out of them. Throws {@link CircuitProtocolException}
   * when no hop's tag verifies or the recognized cell is malformed: the circuit must be
   * destroyed.
   */
  public Inbound decrypt(byte[] body) throws CircuitProtocolException {
    Inbound inbound = peel(body, null);
    if (inbound == null) {
      throw new CircuitProtocolException("backward relay cell recognized by no hop: tampered, replayed or out of order");
    }
    return inbound;
  }

  /**
   * As {@link #decrypt}, but a body that no hop recognizes is not an error here: it returns null
   * and, when {@code rest} is given, leaves in it the body with every hop's backward layer
   * removed (a cell from beyond the last hop: the far end of a joined circuit, protocol §11.8).
   */
  public Inbound peel(byte[] body, byte[] rest) throws CircuitProtocolException {
    HopCrypto.checkSize(body);
    byte[] from = body;
    for (int i = 0; i < hops.size(); i++) {
      HopCrypto hop = hops.get(i);
      byte[] peeled = i % 2 == 0 ? layerA : layerB;
      hop.backward.crypt(from, peeled);
      from = peeled;
      if (hop.backward.recognizes(peeled)) {
        return new Inbound(i, RelayCellFormat.decode(peeled));
      }
    }
    if (rest != null) {
      System.arraycopy(from, 0, rest, 0, RelayCellFormat.BODY_BYTES);
    }
    return null;
  }

  /**
   * A new body: {@code inner} (a whole body sealed by someone beyond the last hop, protocol
   * §11.8) with every hop's forward layer added, and no tag for any of them: each hop forwards
   * it unrecognized. With no real hop (a seeder's rendezvous joined at its own relay, §11.7.1)
   * there is nothing to add: {@code inner} itself is returned.
   */
  public byte[] wrap(byte[] inner) throws CircuitProtocolException {
    HopCrypto.checkSize(inner);
    if (hops.isEmpty()) {
      return inner;
    }
    byte[] body = new byte[RelayCellFormat.BODY_BYTES];
    byte[] from = inner;
    for (int i = hops.size() - 1; i >= 0; i--) {
      byte[] to = i % 2 == 0 ? body : layerA;
      hops.get(i).forward.crypt(from, to);
      from = to;
    }
    return body;
  }

  @Override
  public String toString() {
    return "OnionLayers[" + hops.size() + " hops]";
  }
}
