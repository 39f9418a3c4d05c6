package io.shroud.swarm.pick;

import java.util.List;

/**
 * What {@link PiecePicker#blockReceived} decided about one arriving block.
 *
 * @param accepted true if the block was kept (the source had it in flight and nobody delivered
 *     it first); false for late duplicates and unsolicited blocks, which the caller drops
 * @param cancelFrom sources that had the same block in flight (endgame duplicates): send each
 *     a CANCEL; their requests are already released
 * @param pieceComplete true if this block completed its piece: the piece is now
 *     {@link PiecePicker.PieceState#WRITING}; verify it, write and force it, then call
 *     {@link PiecePicker#pieceVerified} or {@link PiecePicker#pieceFailed}
 * @param <S> source type
 */
public record BlockResult<S>(boolean accepted, List<S> cancelFrom, boolean pieceComplete) {
  public BlockResult {
    cancelFrom = List.copyOf(cancelFrom);
  }

  static <S> BlockResult<S> dropped() {
    return new BlockResult<>(false, List.of(), false);
  }
}
