package io.shroud.content;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Deterministic test content shared with src/test/scripts/bep52_oracle.py. */
final class TestFiles {
  private TestFiles() {}

  /** Byte i is (i*31 + 7) mod 251, the pattern the oracle script writes. */
  static byte[] pattern(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ((i * 31L + 7) % 251);
    }
    return b;
  }

  static Path write(Path dir, String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }
}
