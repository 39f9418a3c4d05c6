package io.shroud.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzes what a relay reads in DIR_REQUEST and what a requester reads in DIR_DATA: the input is
 * cut into 4075-byte payloads (the last zero-padded). The first is decoded as a DIR_REQUEST; all
 * are fed as DIR_DATA to a {@link DirectoryReassembly} expecting the first's request id. Only
 * {@link ProtocolViolationException} may escape; what decodes re-encodes to the same payload; a
 * completed bundle is exactly as long as its total; once ended, it takes nothing more. Seeds:
 * {@code src/test/resources/io/shroud/wire/DirectoryCellsFuzzTestInputs/payloads/}.
 */
class DirectoryCellsFuzzTest {
  private static final int P = CellFormat.PAYLOAD_BYTES;
  private static final Path SEEDS = Path.of("src/test/resources/io/shroud/wire/DirectoryCellsFuzzTestInputs/payloads");

  @FuzzTest(maxDuration = "2s")
  void payloads(byte[] input) throws Exception {
    if (input.length == 0 || input.length > 8 * P) {
      return;
    }
    int n = (input.length + P - 1) / P;
    byte[][] payloads = new byte[n][];
    for (int i = 0; i < n; i++) {
      payloads[i] = Arrays.copyOf(Arrays.copyOfRange(input, i * P, Math.min(input.length, (i + 1) * P)), P);
    }
    try {
      long id = DirectoryCells.decodeRequest(payloads[0]);
      assertArrayEquals(payloads[0], DirectoryCells.encodeRequest(id));
    } catch (ProtocolViolationException expected) {
      // only this may escape
    }
    long id = java.nio.ByteBuffer.wrap(payloads[0]).getLong();
    DirectoryReassembly r = new DirectoryReassembly(id, 1 << 16);
    for (byte[] p : payloads) {
      DirectoryCells.Chunk chunk;
      try {
        chunk = DirectoryCells.decodeData(p);
      } catch (ProtocolViolationException expected) {
        return;
      }
      byte[] again = DirectoryCells.encode(chunk);
      assertArrayEquals(p, again, "decoding is not canonical");
      boolean wasEnded = r.ended();
      DirectoryReassembly.Progress progress;
      try {
        progress = r.accept(chunk);
      } catch (ProtocolViolationException expected) {
        return;
      }
      assertTrue(!wasEnded, "an ended answer took a chunk");
      if (progress instanceof DirectoryReassembly.Complete c) {
        assertEquals(chunk.total(), c.bundle().length);
        assertThrows(ProtocolViolationException.class, () -> r.accept(chunk));
      }
    }
  }

  @Test
  void theValidSeedsCompleteAnAnswer() throws Exception {
    byte[] s = Files.readAllBytes(SEEDS.resolve("valid-two-chunks"));
    DirectoryReassembly r = new DirectoryReassembly(7, 1 << 16);
    r.accept(Arrays.copyOfRange(s, 0, P));
    assertTrue(r.accept(Arrays.copyOfRange(s, P, 2 * P)) instanceof DirectoryReassembly.Complete);
  }

  /** Writes the seeds from the real encoder: {@code -Dshroud.fuzz.writeSeeds=true}. */
  @Test
  @EnabledIfSystemProperty(named = "shroud.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Files.createDirectories(SEEDS);
    byte[] bundle = new byte[DirectoryCells.MAX_CHUNK_BYTES + 100];
    Arrays.fill(bundle, (byte) 0x42);
    ByteArrayOutputStream two = new ByteArrayOutputStream();
    DirectoryCells.encodeBundle(7, bundle).forEach(two::writeBytes);
    Files.write(SEEDS.resolve("valid-two-chunks"), two.toByteArray());
    Files.write(SEEDS.resolve("valid-request"), DirectoryCells.encodeRequest(7));
    Files.write(SEEDS.resolve("valid-busy"), DirectoryCells.encodeEmpty(7, DirectoryCells.Status.BUSY));
    byte[] swapped = two.toByteArray();
    byte[] head = Arrays.copyOfRange(swapped, 0, P);
    System.arraycopy(swapped, P, swapped, 0, P);
    System.arraycopy(head, 0, swapped, P, P);
    Files.write(SEEDS.resolve("out-of-order"), swapped);
  }
}
