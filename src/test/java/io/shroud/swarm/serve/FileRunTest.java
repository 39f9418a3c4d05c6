package io.shroud.swarm.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.PieceGeometry;
import io.shroud.swarm.transfer.TransferMessage.BlockRequest;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A provider read task reads requests that follow each other in the file with one read. */
class FileRunTest {
  static final int BLOCK = PieceGeometry.BLOCK_SIZE;
  /** Four pieces of two blocks each. */
  static final PieceGeometry GEOMETRY = new PieceGeometry(8L * BLOCK, 2 * BLOCK);

  @TempDir
  Path dir;

  final byte[] file = new byte[(int) GEOMETRY.length()];

  /** The share file: {@link #file}'s random bytes. */
  FileChannel share() throws IOException {
    new Random(7).nextBytes(file);
    Path path = dir.resolve("share.bin");
    Files.write(path, file);
    return FileChannel.open(path);
  }

  byte[] fileBytes(long at, int length) {
    return Arrays.copyOfRange(file, (int) at, (int) at + length);
  }

  @Test
  void adjacentRequestsAcrossPiecesAreOneRunAndAGapEndsIt() throws IOException {
    try (FileChannel ch = share()) {
      // piece 0 block 1, piece 1 blocks 0 and 1 (adjacent in the file), then piece 3 block 0 (a gap)
      List<BlockRequest> batch = List.of(new BlockRequest(0, BLOCK, BLOCK), new BlockRequest(1, 0, BLOCK),
          new BlockRequest(1, BLOCK, BLOCK), new BlockRequest(3, 0, BLOCK));

      FileRun run = FileRun.read(ch, GEOMETRY, batch, 0);

      assertEquals(BLOCK, run.start());
      assertEquals(3 * BLOCK, run.length(), "the three adjacent requests, not the one after the gap");
      assertTrue(run.covers(2L * BLOCK, BLOCK));
      assertTrue(run.covers(3L * BLOCK, BLOCK));
      assertFalse(run.covers(6L * BLOCK, BLOCK), "the request after the gap needs a run of its own");
      assertFalse(run.covers(0, BLOCK));
      assertArrayEquals(fileBytes(2L * BLOCK, BLOCK), run.cut(2L * BLOCK, BLOCK));
      assertArrayEquals(fileBytes(3L * BLOCK, BLOCK), run.cut(3L * BLOCK, BLOCK));

      FileRun next = FileRun.read(ch, GEOMETRY, batch, 3);
      assertEquals(6L * BLOCK, next.start());
      assertEquals(BLOCK, next.length());
      assertArrayEquals(fileBytes(6L * BLOCK, BLOCK), next.cut(6L * BLOCK, BLOCK));
    }
  }

  @Test
  void requestsOutOfFileOrderAreSeparateRuns() throws IOException {
    try (FileChannel ch = share()) {
      List<BlockRequest> batch = List.of(new BlockRequest(2, BLOCK, BLOCK), new BlockRequest(2, 0, BLOCK));

      FileRun run = FileRun.read(ch, GEOMETRY, batch, 0);

      assertEquals(BLOCK, run.length());
      assertArrayEquals(fileBytes(5L * BLOCK, BLOCK), run.cut(5L * BLOCK, BLOCK));
    }
  }

  @Test
  void aRunIsUnreadableAfterItsThreadReadsTheNextAndOnOtherThreads() throws Exception {
    try (FileChannel ch = share()) {
      List<BlockRequest> batch = List.of(new BlockRequest(0, 0, BLOCK), new BlockRequest(3, 0, BLOCK));
      FileRun first = FileRun.read(ch, GEOMETRY, batch, 0);

      AtomicReference<Throwable> elsewhere = new AtomicReference<>();
      Thread other = new Thread(() -> {
        try {
          first.cut(0, BLOCK);
        } catch (Throwable t) {
          elsewhere.set(t);
        }
      });
      other.start();
      other.join();
      assertTrue(elsewhere.get() instanceof IllegalStateException, "another thread must not read the run: " + elsewhere.get());

      FileRun second = FileRun.read(ch, GEOMETRY, batch, 1);
      // the buffer now holds piece 3's block: the first run must refuse, not hand those bytes out
      assertThrows(IllegalStateException.class, () -> first.cut(0, BLOCK));
      assertArrayEquals(fileBytes(6L * BLOCK, BLOCK), second.cut(6L * BLOCK, BLOCK));
      assertThrows(IndexOutOfBoundsException.class, () -> second.cut(0, BLOCK), "outside the run");
    }
  }

  @Test
  void aRunStopsAtMaxBytesAndTheNextRequestStartsAnother() throws IOException {
    int blocks = FileRun.MAX_BYTES / BLOCK + 2;
    PieceGeometry g = new PieceGeometry((long) blocks * BLOCK, BLOCK);
    byte[] bytes = new byte[blocks * BLOCK];
    new Random(11).nextBytes(bytes);
    Path path = dir.resolve("long.bin");
    Files.write(path, bytes);
    List<BlockRequest> batch = new ArrayList<>();
    for (int p = 0; p < blocks; p++) {
      batch.add(new BlockRequest(p, 0, BLOCK));
    }
    try (FileChannel ch = FileChannel.open(path)) {
      FileRun run = FileRun.read(ch, g, batch, 0);
      assertEquals(FileRun.MAX_BYTES, run.length(), "every adjacent request up to the limit, no more");
      long after = run.start() + run.length();
      assertFalse(run.covers(after, BLOCK));
      int nextIndex = FileRun.MAX_BYTES / BLOCK;
      FileRun next = FileRun.read(ch, g, batch, nextIndex);
      assertEquals(after, next.start());
      assertEquals(2 * BLOCK, next.length());
      assertArrayEquals(Arrays.copyOfRange(bytes, (int) after, (int) after + BLOCK), next.cut(after, BLOCK));
    }
  }

  @Test
  void aShortFileIsAnErrorNotShortData() throws IOException {
    Path truncated = dir.resolve("short.bin");
    Files.write(truncated, new byte[3 * BLOCK + 100]); // ends inside piece 1's second block
    try (FileChannel shortCh = FileChannel.open(truncated)) {
      List<BlockRequest> batch = List.of(new BlockRequest(1, 0, BLOCK), new BlockRequest(1, BLOCK, BLOCK));
      assertThrows(IOException.class, () -> FileRun.read(shortCh, GEOMETRY, batch, 0));
    }
  }
}
