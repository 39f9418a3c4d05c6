package io.shroud.it;

import io.shroud.content.FileHashes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/** Files the multi-JVM tests share and fetch: made from a seeded random source, and their SHA-256. */
final class TestFiles {
  private TestFiles() {}

  /** Writes {@code mib} MiB of bytes drawn from {@code seed} to {@code file}; returns their SHA-256 (hex). */
  static String random(Path file, int mib, long seed) throws IOException {
    return FileHashes.writeRandom(file, mib, new Random(seed));
  }

  /** The SHA-256 (hex) of {@code file}'s bytes. */
  static String sha256(Path file) throws IOException {
    return FileHashes.sha256Hex(file);
  }
}
