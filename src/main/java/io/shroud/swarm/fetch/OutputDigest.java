package io.shroud.swarm.fetch;

import io.shroud.content.Merkle;
import io.shroud.content.PieceGeometry;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The SHA-256 of a share's bytes, computed from its verified pieces while they are written
 * instead of by reading the finished file back: pieces that arrive in index order are hashed at
 * once, pieces ahead of the first missing one wait in memory until it arrives. If more than
 * {@code maxWaitingBytes} would wait (pieces far out of order, e.g. a slow source holding an early
 * piece), the digest gives up and frees them; the caller then hashes the file as before.
 *
 * <p>With a {@link Stage}, each piece goes through it in index order and the stage's bytes are
 * hashed: {@link DecryptingOutput} decrypts an encrypted share into its output file this way, so
 * the plaintext's SHA-256 is known when the last piece arrives. A stage that fails makes the
 * digest give up like an overflow, and is discarded.
 *
 * <p>Every array given to {@link #add} goes to the {@code done} consumer exactly once, as soon as
 * the digest no longer needs it: at once if it is hashed or ignored, later if it waits for an
 * earlier piece (when that piece arrives, or when the digest gives up). A download hands its
 * piece arrays back to its {@link PieceBuffers} this way.
 *
 * <p>Only complete if it saw every piece: a download resumed with pieces already on disk does
 * not start one. One writer at a time (a download writes its batches in turn); methods are
 * synchronized so that the owner may discard it from another thread while a write runs.
 */
final class OutputDigest {
  /** What each piece's bytes go through, in index order, before they are hashed. */
  interface Stage {
    /** Takes the next piece's bytes and returns the bytes to hash. */
    byte[] accept(byte[] data) throws IOException;

    /** Drops whatever the stage produced (idempotent, never throws). */
    void discard();
  }

  private final PieceGeometry geometry;
  private final long maxWaitingBytes;
  private final Stage stage;
  private final Consumer<byte[]> done;
  private final MessageDigest sha;
  private final TreeMap<Integer, byte[]> waiting = new TreeMap<>();
  private long waitingBytes;
  private int next;
  private boolean abandoned;
  private String hex;

  /** The pieces' own bytes are hashed; arrays are not handed back to anyone. */
  OutputDigest(PieceGeometry geometry, long maxWaitingBytes) {
    this(geometry, maxWaitingBytes, null, data -> { });
  }

  /**
   * With {@code stage} null the pieces' own bytes are hashed; {@code done} gets each added array
   * back once the digest is finished with it.
   */
  OutputDigest(PieceGeometry geometry, long maxWaitingBytes, Stage stage, Consumer<byte[]> done) {
    this.stage = stage;
    this.done = Objects.requireNonNull(done, "done");
    this.geometry = Objects.requireNonNull(geometry, "geometry");
    if (maxWaitingBytes < 0) {
      throw new IllegalArgumentException("maxWaitingBytes must not be negative");
    }
    this.maxWaitingBytes = maxWaitingBytes;
    this.sha = Merkle.sha256();
  }

  /**
   * Takes piece {@code piece}'s verified bytes (kept, not copied, while they wait) and hands them
   * to {@code done} when finished with them. An array it refuses (wrong index or size) is not
   * handed back.
   */
  synchronized void add(int piece, byte[] data) {
    if (piece < 0 || piece >= geometry.pieceCount()) {
      throw new IllegalArgumentException("piece " + piece + " is outside 0.." + (geometry.pieceCount() - 1));
    }
    if (data.length != geometry.pieceSize(piece)) {
      throw new IllegalArgumentException("piece " + piece + " has " + data.length + " bytes, not "
          + geometry.pieceSize(piece));
    }
    if (abandoned || piece < next || waiting.containsKey(piece)) {
      done.accept(data);
      return;
    }
    if (piece != next) {
      waiting.put(piece, data);
      waitingBytes += data.length;
      if (waitingBytes > maxWaitingBytes) {
        discard();
      }
      return;
    }
    boolean hashed = hash(data);
    done.accept(data);
    if (hashed) {
      next++;
      for (byte[] w; !abandoned && (w = waiting.remove(next)) != null; next++) {
        waitingBytes -= w.length;
        hash(w);
        done.accept(w);
      }
    }
  }

  private boolean hash(byte[] data) {
    try {
      sha.update(stage == null ? data : stage.accept(data));
      return true;
    } catch (IOException | RuntimeException e) {
      discard();
      return false;
    }
  }

  /** Gives up: hands the waiting pieces back and discards the stage's output. */
  synchronized void discard() {
    abandoned = true;
    waiting.values().forEach(done);
    waiting.clear();
    waitingBytes = 0;
    if (stage != null) {
      stage.discard();
    }
  }

  /** The stage the pieces go through, or null. */
  Stage stage() {
    return stage;
  }

  /** Whether it gave up (too many bytes waiting for an earlier piece). */
  synchronized boolean abandoned() {
    return abandoned;
  }

  /** Bytes of pieces waiting for an earlier one. */
  synchronized long waitingBytes() {
    return waitingBytes;
  }

  /** The hex SHA-256 of all pieces in order, once every piece has been added. */
  synchronized Optional<String> sha256Hex() {
    if (abandoned || next < geometry.pieceCount()) {
      return Optional.empty();
    }
    if (hex == null) {
      hex = HexFormat.of().formatHex(sha.digest());
    }
    return Optional.of(hex);
  }
}
