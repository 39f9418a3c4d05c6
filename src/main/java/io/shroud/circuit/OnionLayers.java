package io.shroud.circuit;

import io.shroud.crypto.HopKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * The origin's onion layers for one circuit (protocol §6.4, §6.5): one {@code HopCrypto} per
 * hop, added as each handshake completes. {@link #encrypt} seals a cell for hop {@code i} and
 * wraps layers i..1; {@link #decrypt} peels backward layers until the originating hop's tag
 * verifies. Not thread-safe: the circuit's actor owns it. Cells must be sent and processed in
 * order; any loss, replay, reordering or bit flip makes a later check fail.
 */
public final class OnionLayers {
  /** Most hops a circuit may have. */
  public static final int MAX_HOPS = 4;

  private final List<HopCrypto> hops = new ArrayList<>(MAX_HOPS);

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
    byte[] body = RelayCellFormat.encode(cell);
    hops.get(hop).forward.seal(body);
    for (int i = hop; i >= 0; i--) {
      hops.get(i).forward.crypt(body);
    }
    return body;
  }

  /**
   * Peels a backward body and returns the cell with its originating hop. {@code body} is only
   * read (it may be a cell's shared payload); the layers come off in a new array. Throws
   * {@link CircuitProtocolException} when no hop's tag verifies or the recognized cell is
   * malformed: the circuit must be destroyed.
   */
  public Inbound decrypt(byte[] body) throws CircuitProtocolException {
    HopCrypto.checkSize(body);
    byte[] peeled = new byte[RelayCellFormat.BODY_BYTES];
    byte[] from = body;
    for (int i = 0; i < hops.size(); i++) {
      HopCrypto hop = hops.get(i);
      hop.backward.crypt(from, peeled);
      from = peeled;
      if (hop.backward.recognizes(peeled)) {
        return new Inbound(i, RelayCellFormat.decode(peeled));
      }
    }
    throw new CircuitProtocolException("backward relay cell recognized by no hop: tampered, replayed or out of order");
  }

  @Override
  public String toString() {
    return "OnionLayers[" + hops.size() + " hops]";
  }
}
