package io.shroud.swarm.serve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The piece proofs a serving session has built, shared by its concurrent read tasks: each
 * piece's proofs are built once however many tasks ask for them at the same time (a second task
 * waits for the first), and the most recent {@code capacity} pieces stay cached for later blocks.
 * Building them means folding the share's stored leaf hashes, or, without those, reading the
 * piece whole and hashing it: then the provider's largest CPU cost per byte, which a per-task
 * cache paid twice for many pieces (two read tasks, batches that straddle pieces).
 *
 * <p>Proofs are built inside {@link ConcurrentHashMap#computeIfAbsent} (a small read and a fold,
 * or about 0.1 ms to read and hash 128 KiB), which is what makes a second task wait; a task
 * needing another piece whose key falls in the same hash bin waits too, which with a handful of
 * entries is rare.
 */
final class SessionProofs {
  /** A piece's proofs, and its bytes when the caller is the task that just read them (else null). */
  record Proven(PieceProofs proofs, byte[] pieceData) {}

  /** Reads a piece and builds its proofs. */
  interface Prover {
    Proven prove() throws IOException;
  }

  private final int capacity;
  private final ConcurrentHashMap<Integer, PieceProofs> cache = new ConcurrentHashMap<>();

  SessionProofs(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
  }

  /**
   * The proofs of {@code piece}, built with {@code prover} by this call if no other call has
   * built or is building them; then {@link Proven#pieceData()} holds the bytes it read.
   */
  Proven get(int piece, Prover prover) throws IOException {
    PieceProofs cached = cache.get(piece);
    if (cached != null) {
      return new Proven(cached, null);
    }
    Proven[] built = new Proven[1];
    PieceProofs proofs;
    try {
      proofs = cache.computeIfAbsent(piece, k -> {
        try {
          built[0] = prover.prove();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return built[0].proofs();
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (built[0] == null) {
      return new Proven(proofs, null);
    }
    evictBelow(piece);
    return built[0];
  }

  /** Keeps at most {@code capacity} pieces, dropping the lowest others than {@code keep}. */
  private void evictBelow(int keep) {
    while (cache.size() > capacity) {
      int lowest = Integer.MAX_VALUE;
      for (int p : cache.keySet()) {
        if (p != keep && p < lowest) {
          lowest = p;
        }
      }
      if (lowest == Integer.MAX_VALUE) {
        return;
      }
      cache.remove(lowest);
    }
  }

  /** Pieces cached now. */
  int size() {
    return cache.size();
  }
}
