package io.shroud.swarm.fetch;

import java.util.ArrayDeque;

/**
 * Reused arrays for the pieces a download assembles. A piece's array lives from its first block
 * until it is written, forced and hashed into the output digest: under load, tens of MiB at any
 * moment, which outlive a young collection or two. Allocated anew per piece, the collector copied
 * them from survivor space to survivor space, promoted them, and ran full collections to free
 * them again (docs/benchmarks.md, "Thirteenth session"); reused, they settle in the old
 * generation once and cost the young collections nothing.
 *
 * <p>Only arrays of exactly {@code pieceLength} bytes are kept (a share's short last piece is
 * allocated each time), at most {@code maxKept} of them. Whoever gives an array back must be its
 * last user: the next {@link #take} may hand it out for another piece and overwrite it. A
 * download lets its arrays go when it pauses or ends, so that a finished download, which stays
 * listed, holds none. Thread safe: a download takes arrays on its actor and gets them back from
 * the thread that wrote them.
 */
final class PieceBuffers {
  private final int pieceLength;
  private final int maxKept;
  private final ArrayDeque<byte[]> free = new ArrayDeque<>();
  private boolean closed;

  PieceBuffers(int pieceLength, int maxKept) {
    if (pieceLength <= 0) {
      throw new IllegalArgumentException("piece length must be positive, got " + pieceLength);
    }
    if (maxKept < 0) {
      throw new IllegalArgumentException("maxKept must not be negative, got " + maxKept);
    }
    this.pieceLength = pieceLength;
    this.maxKept = maxKept;
  }

  /** Keeps up to {@code maxKeptBytes} worth of arrays of {@code pieceLength}, at least two. */
  static PieceBuffers forPieceLength(int pieceLength, long maxKeptBytes) {
    return new PieceBuffers(pieceLength, (int) Math.min(Integer.MAX_VALUE, Math.max(2, maxKeptBytes / pieceLength)));
  }

  /** An array of {@code size} bytes; a reused one holds another piece's bytes until overwritten. */
  synchronized byte[] take(int size) {
    if (size == pieceLength && !free.isEmpty()) {
      return free.pop();
    }
    return new byte[size];
  }

  /**
   * Takes back an array nobody uses any more; other lengths, arrays beyond the cap and arrays
   * given after {@link #close} are dropped.
   */
  synchronized void give(byte[] buffer) {
    if (!closed && buffer.length == pieceLength && free.size() < maxKept) {
      free.push(buffer);
    }
  }

  /** Lets the kept arrays go (a paused download); arrays given back later are kept again. */
  synchronized void clear() {
    free.clear();
  }

  /** Lets the kept arrays go and keeps none from now on (a download that ended). */
  synchronized void close() {
    closed = true;
    free.clear();
  }

  /** Arrays waiting to be reused. */
  synchronized int kept() {
    return free.size();
  }
}
