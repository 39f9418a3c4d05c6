package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.PieceGeometry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /**
   * Block-aligned pieces (direct writes where the file system allows them) mixed with a short
   * last piece (always through the page cache): runs of adjacent pieces longer than the direct
   * buffer, gaps filled by a later batch, a piece larger than the buffer.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void alignedAndShortPiecesLandAtTheirOffsetsWithOrWithoutDirectWrites(boolean direct) throws Exception {
    DownloadStore store = new DownloadStore(dir, direct);
    int piece = 64 * 1024;
    int pieces = 70; // 64 full pieces after a 3 MiB one would not fit the buffer either way
    byte[] expected = new byte[pieces * piece + 1000];
    new Random(7).nextBytes(expected);
    List<DownloadStore.PieceData> all = new ArrayList<>();
    for (int p = 0; p < pieces; p++) {
      all.add(new DownloadStore.PieceData(p, (long) p * piece, Arrays.copyOfRange(expected, p * piece, (p + 1) * piece)));
    }
    all.add(new DownloadStore.PieceData(pieces, (long) pieces * piece,
        Arrays.copyOfRange(expected, pieces * piece, expected.length)));
    List<DownloadStore.PieceData> first = new ArrayList<>();
    List<DownloadStore.PieceData> second = new ArrayList<>();
    for (DownloadStore.PieceData p : all) {
      (p.piece() % 5 == 3 ? second : first).add(p);
    }
    Collections.shuffle(first, new Random(1));
    store.writePieces("d2", first);
    store.writePieces("d2", second);
    assertArrayEquals(expected, Files.readAllBytes(store.partFile("d2")));
    byte[] big = new byte[3 * 1024 * 1024];
    new Random(8).nextBytes(big);
    store.writePieces("d3", List.of(new DownloadStore.PieceData(0, 0, big)));
    assertArrayEquals(big, Files.readAllBytes(store.partFile("d3")));
    assertTrue(direct || !store.directWrites());
  }

  @Test
  void directWritesAreUsedOnFileSystemsThatHaveThem() throws Exception {
    String type = Files.getFileStore(dir).type();
    boolean expected = Set.of("ext4", "xfs", "btrfs").contains(type);
    DownloadStore store = new DownloadStore(dir);
    store.writePieces("d4", List.of(new DownloadStore.PieceData(0, 0, new byte[64 * 1024])));
    assertTrue(!expected || store.directWrites(), "direct writes on " + type);
    assertFalse(new DownloadStore(dir, false).directWrites());
  }

  @Test
  void leafHashesLandAtTheirBlocksPlacesAndGoWithTheDownload() throws Exception {
    DownloadStore store = new DownloadStore(dir);
    int piece = 2 * 16384;
    byte[][] leaves0 = {filled(32, 7), filled(32, 8)};
    byte[][] leaves2 = {filled(32, 9)}; // a short last piece: one block
    store.writePieces("d5", List.of(new DownloadStore.PieceData(2, 2L * piece, new byte[100], leaves2),
        new DownloadStore.PieceData(1, piece, new byte[piece])));
    store.writePieces("d5", List.of(new DownloadStore.PieceData(0, 0, new byte[piece], leaves0)));
    byte[] expected = new byte[5 * 32]; // blocks 0-1 (piece 0), 2-3 unknown (piece 1), 4 (piece 2)
    Arrays.fill(expected, 0, 32, (byte) 7);
    Arrays.fill(expected, 32, 64, (byte) 8);
    Arrays.fill(expected, 128, 160, (byte) 9);
    assertArrayEquals(expected, Files.readAllBytes(store.leavesFile("d5")));
    store.delete("d5", null);
    assertFalse(Files.exists(store.leavesFile("d5")));
    assertFalse(Files.exists(store.partFile("d5")));
  }

  @Test
  void piecesWithLeavesAreThoseWhoseEveryBlockHasItsHash() throws Exception {
    DownloadStore store = new DownloadStore(dir);
    int piece = 2 * 16384;
    PieceGeometry g = new PieceGeometry(3L * piece + 100, piece); // pieces 0-2 of two blocks, piece 3 of one
    assertTrue(store.piecesWithLeaves("d6", g).isEmpty(), "no leaves file yet");
    store.writePieces("d6", List.of(
        new DownloadStore.PieceData(0, 0, new byte[piece], new byte[][] {filled(32, 1), filled(32, 2)}),
        new DownloadStore.PieceData(1, piece, new byte[piece]), // hashes not known
        new DownloadStore.PieceData(3, 3L * piece, new byte[100], new byte[][] {filled(32, 3)})));
    // piece 2: only its second block's hash (as a torn write could leave it)
    try (var ch = java.nio.channels.FileChannel.open(store.leavesFile("d6"), java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(filled(32, 4)), 5 * 32);
    }
    assertEquals(BitSet.valueOf(new long[] {0b1001}), store.piecesWithLeaves("d6", g));
  }

  @Test
  void piecesWithLeavesReadsALargeLeavesFileInChunks() throws Exception {
    DownloadStore store = new DownloadStore(dir);
    PieceGeometry g = new PieceGeometry(70_000L * 16384, 16384); // 70 000 one-block pieces: 2.1 MiB of hashes
    BitSet written = new BitSet();
    for (int p : new int[] {0, 32_767, 32_768, 65_535, 65_536, 69_998}) {
      store.writePieces("d7", List.of(new DownloadStore.PieceData(p, (long) p * 16384, new byte[0],
          new byte[][] {filled(32, p % 200 + 1)})));
      written.set(p);
    }
    assertEquals(written, store.piecesWithLeaves("d7", g));
  }

  @Test
  void aLinkPlantedAtThePartFileIsNeverWrittenThrough() throws Exception {
    DownloadStore store = new DownloadStore(dir);
    Path target = Files.writeString(dir.resolve("precious"), "precious");
    Files.createSymbolicLink(store.partFile("d8"), target);
    assertThrows(java.io.IOException.class,
        () -> store.writePieces("d8", List.of(new DownloadStore.PieceData(0, 0, new byte[] {1, 2, 3}))));
    assertThrows(java.io.IOException.class,
        () -> store.writePieces("d8", List.of(new DownloadStore.PieceData(0, 0, new byte[64 * 1024]))));
    assertEquals("precious", Files.readString(target));
    assertThrows(java.io.IOException.class, () -> store.readPiece("d8", 0, 3), "nor read through");
  }

  @Test
  void thePartFileIsCreatedOwnerOnly() throws Exception {
    DownloadStore store = new DownloadStore(dir);
    store.writePieces("d9", List.of(new DownloadStore.PieceData(0, 0, new byte[] {1})));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(store.partFile("d9"))));
  }

  @Test
  void theLayerFileIsReadBackOnlyIfItIsTheJournaledLayer() throws Exception {
    DownloadStore store = new DownloadStore(dir);
    var share = SwarmNet.publicShare(dir.resolve("src"), "l.bin", 300_000, 16384, 3);
    byte[] layer = share.tree().pieceLayerBytes();
    byte[] sha = store.writeLayer("d10", layer);
    PieceGeometry g = share.info().geometry();
    byte[] root = share.tree().root();
    assertArrayEquals(layer, readLayer(store, sha, g, root).pieceLayerBytes());
    byte[] damaged = layer.clone();
    damaged[5] ^= 1;
    Files.write(store.layerFile("d10"), damaged);
    var e = assertThrows(io.shroud.swarm.serve.PieceLayerFile.Unusable.class, () -> readLayer(store, sha, g, root));
    assertTrue(e.getMessage().contains("damaged"), e.getMessage());
    // a layer that matches its journaled hash but not the share's pieces root is refused too
    byte[] otherSha = io.shroud.swarm.serve.PieceLayerFile.sha256(damaged);
    e = assertThrows(io.shroud.swarm.serve.PieceLayerFile.Unusable.class, () -> readLayer(store, otherSha, g, root));
    assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    store.delete("d10", null);
    e = assertThrows(io.shroud.swarm.serve.PieceLayerFile.Unusable.class, () -> readLayer(store, sha, g, root));
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  private static io.shroud.content.MerkleTree readLayer(DownloadStore store, byte[] sha, PieceGeometry g, byte[] root)
      throws io.shroud.swarm.serve.PieceLayerFile.Unusable {
    return io.shroud.swarm.serve.PieceLayerFile.read(store.layerFile("d10"), sha, g, root);
  }

  private static byte[] filled(int length, int value) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
