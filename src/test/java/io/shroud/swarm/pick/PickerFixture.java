package io.shroud.swarm.pick;

import io.shroud.content.PieceGeometry;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * The libtorrent-style string language for picker tests:
 * <ul>
 *   <li>availability {@code "2223333"}: one digit per piece, how many background sources
 *       ({@code bg0..bg8}) have it;
 *   <li>have-mask {@code "* * *  "}: a {@code *} per piece the source has;
 *   <li>verified {@code "  v    "}: pieces already verified (the resume set);
 *   <li>{@link #states()} prints one letter per piece: {@code .} none, {@code p} partial,
 *       {@code w} writing, {@code v} verified.
 * </ul>
 * Blocks print as {@code piece.block}.
 */
final class PickerFixture {
  final PiecePicker<String> picker;

  private PickerFixture(PiecePicker<String> picker) {
    this.picker = picker;
  }

  /** {@code blocksPerPiece} blocks of 16 KiB per piece, one piece per character. */
  static PickerFixture setup(String availability, String verified, int blocksPerPiece,
      PickerConfig config, long seed) {
    int n = availability.length();
    PieceGeometry g = new PieceGeometry((long) n * blocksPerPiece * PieceGeometry.BLOCK_SIZE,
        blocksPerPiece * PieceGeometry.BLOCK_SIZE);
    PiecePicker<String> p = new PiecePicker<>(g, mask(verified, 'v'), config,
        new SplittableRandom(seed));
    for (int k = 0; k < 9; k++) {
      BitSet have = new BitSet();
      for (int i = 0; i < n; i++) {
        if (availability.charAt(i) - '0' > k) {
          have.set(i);
        }
      }
      if (!have.isEmpty()) {
        p.sourceHas("bg" + k, have);
      }
    }
    return new PickerFixture(p);
  }

  static PickerFixture setup(String availability, int blocksPerPiece, PickerConfig config) {
    return setup(availability, " ".repeat(availability.length()), blocksPerPiece, config, 42);
  }

  static PickerFixture setup(String availability, int blocksPerPiece) {
    return setup(availability, " ".repeat(availability.length()), blocksPerPiece,
        PickerConfig.DEFAULT, 42);
  }

  static BitSet mask(String s, char mark) {
    BitSet b = new BitSet();
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == mark) {
        b.set(i);
      }
    }
    return b;
  }

  PickerFixture source(String name, String haveMask) {
    picker.sourceHas(name, mask(haveMask, '*'));
    return this;
  }

  /** Picks for {@code source} and prints the blocks, e.g. {@code "3.0 3.1"}. */
  String pick(String source, int maxInFlight) {
    return show(picker.pick(source, maxInFlight));
  }

  static String show(List<BlockRef> blocks) {
    return blocks.stream().map(BlockRef::toString).collect(Collectors.joining(" "));
  }

  /** Delivers every block of {@code piece} that {@code source} has in flight. */
  void deliverPiece(String source, int piece) {
    for (int b = 0; b < picker.blocksIn(piece); b++) {
      picker.blockReceived(source, piece, b);
    }
  }

  String states() {
    StringBuilder sb = new StringBuilder();
    for (int p = 0; p < picker.pieceCount(); p++) {
      sb.append(switch (picker.pieceState(p)) {
        case NONE -> '.';
        case PARTIAL -> 'p';
        case WRITING -> 'w';
        case VERIFIED -> 'v';
      });
    }
    return sb.toString();
  }

  String availability() {
    StringBuilder sb = new StringBuilder();
    for (int p = 0; p < picker.pieceCount(); p++) {
      sb.append(picker.availability(p));
    }
    return sb.toString();
  }
}
