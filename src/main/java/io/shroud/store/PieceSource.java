package io.shroud.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Where an upload reads a share's pieces from: piece {@code index}, of its layout length. */
public interface PieceSource {
  byte[] read(int index) throws IOException;

  /**
   * The pieces of {@code layout} back to back in {@code file} (a single-file share's data: the
   * ciphertext of an encrypted share, the file of a public one).
   */
  static PieceSource file(Path file, StripeLayout layout) {
    long[] offsets = new long[layout.pieces() + 1];
    for (int p = 0; p < layout.pieces(); p++) {
      offsets[p + 1] = offsets[p] + layout.pieceLength(p);
    }
    return index -> {
      byte[] piece = new byte[layout.pieceLength(index)];
      try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
        ByteBuffer buffer = ByteBuffer.wrap(piece);
        while (buffer.hasRemaining()) {
          if (in.read(buffer, offsets[index] + buffer.position()) < 0) {
            throw new IOException("the share's data ends inside piece " + index);
          }
        }
      }
      return piece;
    };
  }
}
