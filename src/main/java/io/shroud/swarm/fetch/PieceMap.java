package io.shroud.swarm.fetch;

import java.util.BitSet;

/**
 * Which pieces of a download are verified and journaled, as {@code GET
 * /shroud/v1/downloads/{id}/pieces} shows it: a BEP 3 bitfield (piece 0 is the high bit of the
 * first byte; spare bits at the end are zero).
 *
 * @param piecesTotal the share's piece count, or 0 while it is not known (before the link is
 *     read, or a download that ended without completing)
 */
public record PieceMap(String id, int piecesTotal, int piecesDone, byte[] bitfield) {

  /** The bitfield of {@code verified} for {@code total} pieces. */
  public static PieceMap of(String id, int total, BitSet verified) {
    byte[] bits = new byte[(total + 7) / 8];
    for (int i = verified.nextSetBit(0); i >= 0 && i < total; i = verified.nextSetBit(i + 1)) {
      bits[i >>> 3] |= (byte) (0x80 >>> (i & 7));
    }
    return new PieceMap(id, total, verified.get(0, Math.max(total, 0)).cardinality(), bits);
  }
}
