package io.shroud.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Files the multi-JVM tests share and fetch: made from a seeded random source, and their SHA-256. */
final class TestFiles {
  private TestFiles() {}

  /** Writes {@code mib} MiB of bytes drawn from {@code seed} to {@code file}; returns their SHA-256 (hex). */
  static String random(Path file, int mib, long seed) throws IOException {
    MessageDigest sha = sha256();
    byte[] chunk = new byte[1 << 20];
    Random random = new Random(seed);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < mib; i++) {
        random.nextBytes(chunk);
        sha.update(chunk);
        out.write(chunk);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** The SHA-256 (hex) of {@code file}'s bytes. */
  static String sha256(Path file) throws IOException {
    MessageDigest sha = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 20];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
