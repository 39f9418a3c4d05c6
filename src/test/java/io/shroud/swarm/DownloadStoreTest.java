package io.shroud.swarm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadStoreTest {
  @TempDir Path dir;

  @Test
  void aBatchOfPiecesLandsAtTheirOffsetsInAnyOrder() throws Exception {
    DownloadStore store = new DownloadStore(dir);
    byte[] a = new byte[100];
    byte[] b = new byte[100];
    byte[] c = new byte[40];
    Arrays.fill(a, (byte) 1);
    Arrays.fill(b, (byte) 2);
    Arrays.fill(c, (byte) 3);
    store.writePieces("d1", List.of(new DownloadStore.PieceData(2, 200, c),
        new DownloadStore.PieceData(0, 0, a)));
    store.writePieces("d1", List.of(new DownloadStore.PieceData(1, 100, b)));
    byte[] expected = new byte[240];
    System.arraycopy(a, 0, expected, 0, 100);
    System.arraycopy(b, 0, expected, 100, 100);
    System.arraycopy(c, 0, expected, 200, 40);
    assertArrayEquals(expected, Files.readAllBytes(store.partFile("d1")));
    assertArrayEquals(b, store.readPiece("d1", 100, 100));
  }
}
