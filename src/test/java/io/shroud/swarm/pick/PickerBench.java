package io.shroud.swarm.pick;

import io.shroud.content.PieceGeometry;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Not a test: measures the picker on a 65 536-piece share. Run with
 * {@code java -cp target/classes:target/test-classes io.shroud.swarm.pick.PickerBench}.
 * Prints picks/s and blocks/s for a whole download by 8 all-having sources with a pipeline of
 * 16, for 16 KiB pieces (1 block each) and 256 KiB pieces (16 blocks each).
 */
public final class PickerBench {
  private PickerBench() {}

  public static void main(String[] args) {
    for (int round = 0; round < 3; round++) {
      run(1, round == 2);
      run(16, round == 2);
    }
  }

  private static void run(int blocksPerPiece, boolean print) {
    int pieces = 65_536;
    PieceGeometry g = new PieceGeometry((long) pieces * blocksPerPiece * PieceGeometry.BLOCK_SIZE,
        blocksPerPiece * PieceGeometry.BLOCK_SIZE);
    SplittableRandom r = new SplittableRandom(1);
    PiecePicker<Integer> p = new PiecePicker<>(g, new BitSet(), PickerConfig.DEFAULT, r);
    for (int s = 0; s < 8; s++) {
      BitSet have = new BitSet();
      for (int i = 0; i < pieces; i++) {
        if (r.nextInt(4) != 0 || s == 0) {
          have.set(i);
        }
      }
      p.sourceHas(s, have);
    }
    long picks = 0;
    long blocks = 0;
    long start = System.nanoTime();
    while (!p.isComplete()) {
      for (int s = 0; s < 8; s++) {
        List<BlockRef> got = p.pick(s, 16);
        picks++;
        for (BlockRef b : got) {
          blocks++;
          if (p.blockReceived(s, b.piece(), b.index()).pieceComplete()) {
            p.pieceVerified(b.piece());
          }
        }
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
    if (print) {
      System.out.printf("pieces=%d blocks/piece=%d: %.2f s, %.0f pick calls/s, %.0f blocks/s%n",
          pieces, blocksPerPiece, secs, picks / secs, blocks / secs);
    }
  }
}
