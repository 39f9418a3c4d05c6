package io.shroud.swarm.serve;

import io.shroud.content.Merkle;
import io.shroud.content.MerkleTree;
import io.shroud.content.PieceGeometry;
import io.shroud.swarm.transfer.TransferMessage.BlockRequest;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One read task a {@link ServingSession} planned: up to {@link FileRun#BLOCKS_PER_READ} of its
 * queued block requests, read by {@link #read()} off the session's thread (on the blocking-I/O
 * dispatcher): one hop there and back per batch rather than per 16 KiB block.
 *
 * <p>A piece's proofs come from the leaf hashes written when the share was made
 * ({@link ShareStore}), read and folded to the piece hash; each block is then read alone, and
 * requests that follow each other in the file with one read ({@link FileRun}). Without usable
 * leaf hashes the first block of a piece reads the whole piece and hashes it, and later blocks
 * of that piece in the same task are cut from it. Either way the session's
 * {@link SessionProofs} builds each piece's proofs once per session (a task that needs a piece
 * another task is proving waits for it).
 */
final class ReadTask {
  /** One block read for {@code request}: data and proofs, or why it failed. */
  record BlockRead(BlockRequest request, PieceProofs proofs, byte[] data, Throwable failure) {}

  private final List<BlockRequest> batch;
  private final ServedShare share;
  private final SessionProofs proofs;

  /** {@code batch}: requests that fit {@code share}, in request order; not changed afterwards. */
  ReadTask(List<BlockRequest> batch, ServedShare share, SessionProofs proofs) {
    this.batch = batch;
    this.share = share;
    this.proofs = proofs;
  }

  /** The requests this task reads, in request order. */
  List<BlockRequest> requests() {
    return Collections.unmodifiableList(batch);
  }

  /** Reads every request's block and proofs; a request that cannot be read carries its failure. */
  List<BlockRead> read() {
    PieceGeometry g = share.geometry();
    FileChannel ch = share.data();
    FileChannel leavesCh = share.leaves();
    MerkleTree tree = share.metadata().tree();
    List<BlockRead> reads = new ArrayList<>(batch.size());
    int pieceDataIndex = -1;
    byte[] pieceData = null;
    FileRun run = null;
    for (int i = 0; i < batch.size(); i++) {
      BlockRequest r = batch.get(i);
      try {
        long pieceStart = g.pieceOffset(r.piece());
        SessionProofs.Proven proven = proofs.get(r.piece(), () -> {
          PieceProofs stored = leavesCh == null ? null : storedProofs(leavesCh, tree, r.piece());
          if (stored != null) {
            return new SessionProofs.Proven(stored, null);
          }
          byte[] piece = FileRun.readFully(ch, pieceStart, g.pieceSize(r.piece()));
          return new SessionProofs.Proven(PieceProofs.of(tree, r.piece(), piece), piece);
        });
        if (proven.pieceData() != null) {
          pieceData = proven.pieceData();
          pieceDataIndex = r.piece();
        }
        byte[] data;
        if (pieceDataIndex == r.piece()) {
          data = java.util.Arrays.copyOfRange(pieceData, r.offset(), r.offset() + r.length());
        } else {
          long at = pieceStart + r.offset();
          if (run == null || !run.covers(at, r.length())) {
            run = FileRun.read(ch, g, batch, i);
          }
          data = run.cut(at, r.length());
        }
        reads.add(new BlockRead(r, proven.proofs(), data, null));
      } catch (IOException | RuntimeException e) {
        reads.add(new BlockRead(r, null, null, e));
      }
    }
    return reads;
  }

  /** What the task yields when {@link #read()} itself failed with {@code failure}: every request fails. */
  List<BlockRead> failed(Throwable failure) {
    return batch.stream().map(r -> new BlockRead(r, null, null, failure)).toList();
  }

  /** Proofs of {@code piece} from the share's leaf hashes, or null if they are short or do not fold. */
  private static PieceProofs storedProofs(FileChannel leaves, MerkleTree tree, int piece) {
    PieceGeometry g = tree.geometry();
    long first = g.pieceOffset(piece) / PieceGeometry.BLOCK_SIZE;
    try {
      return PieceProofs.fromLeaves(tree, piece,
          FileRun.readFully(leaves, first * Merkle.HASH_LENGTH, g.blocksIn(piece) * Merkle.HASH_LENGTH));
    } catch (IOException e) {
      return null;
    }
  }
}
