package io.shroud.swarm.pick;

import io.shroud.content.PieceGeometry;
import io.shroud.swarm.transfer.TransferMessage;

/**
 * One 16 KiB block of a share, as the picker hands it out: piece, block index inside the piece,
 * and its byte length (the last block of the file may be short).
 */
public record BlockRef(int piece, int index, int length) {
  public BlockRef {
    if (piece < 0 || index < 0 || length < 1 || length > PieceGeometry.BLOCK_SIZE) {
      throw new IllegalArgumentException(
          "bad block ref " + piece + "/" + index + " length " + length);
    }
  }

  /** Byte offset of the block inside its piece (what BLOCK_REQUEST carries). */
  public int offset() {
    return index * PieceGeometry.BLOCK_SIZE;
  }

  /** The request message for this block. */
  public TransferMessage.BlockRequest toRequest() {
    return new TransferMessage.BlockRequest(piece, offset(), length);
  }

  @Override
  public String toString() {
    return piece + "." + index;
  }
}
