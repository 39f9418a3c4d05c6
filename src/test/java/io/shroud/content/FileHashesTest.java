package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileHashesTest {
  @TempDir
  Path dir;

  @Test
  void aWrittenRandomFilesHashIsItsBytesSha256AndTheSeedDecidesTheBytes() throws Exception {
    Path a = dir.resolve("a.bin");
    String written = FileHashes.writeRandom(a, 3, new Random(7));
    byte[] bytes = Files.readAllBytes(a);
    assertEquals(3 << 20, bytes.length);
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    assertEquals(expected, written, "hashed as written");
    assertEquals(expected, FileHashes.sha256Hex(a), "read back");
    assertEquals(written, FileHashes.writeRandom(dir.resolve("b.bin"), 3, new Random(7)), "same seed, same bytes");
    assertNotEquals(written, FileHashes.writeRandom(dir.resolve("c.bin"), 3, new Random(8)));
  }
}
