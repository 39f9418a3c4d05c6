package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The automatic rule is libtorrent 2.0.8's table; LibtorrentInteropTest checks it against the library. */
class PieceLengthsTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0} bytes -> {1}")
  @CsvSource({
    "0, 16384", "1, 16384", "2684355, 16384", "2684356, 32768",
    "5242880, 32768", "5242881, 32768", "10737418, 32768", "10737419, 65536",
    "703687441777, 8388608", "703687441778, 16777216", "1099511627776, 16777216",
  })
  void automaticIsLibtorrents(long size, int pieceLength) {
    assertEquals(pieceLength, PieceLengths.choose(size));
  }

  @Test
  void aChosenPieceLengthIsAPowerOfTwoIn16KiBTo16MiB() {
    assertNull(PieceLengths.problem(16384));
    assertNull(PieceLengths.problem(16 << 20));
    for (long bad : new long[] {0, 8192, 16385, 3 << 14, 32 << 20, -16384}) {
      assertTrue(PieceLengths.problem(bad).contains("power of two"), "" + bad);
    }
    assertTrue(PieceLengths.problem(1L << 40, 16384).contains("more than 262144"));
    assertNull(PieceLengths.problem(1L << 40, 4 << 20));
  }

  @Test
  void theShareBuilderUsesTheChoiceAndRefusesTooManyPieces() throws Exception {
    Path file = TestFiles.write(dir, "five.bin", TestFiles.pattern(5 * 1024 * 1024));
    ShareBuilder b = new ShareBuilder(new SecureRandom());
    assertEquals(32768, b.build(file, ShareOptions.publicShare()).pieceLength());
    assertEquals(65536, b.build(file, ShareOptions.publicShare().withPieceLength(65536)).pieceLength());
    assertThrows(IllegalArgumentException.class,
        () -> ShareOptions.publicShare().withPieceLength(3 << 14));
  }
}
