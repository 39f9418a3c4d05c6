package io.shroud.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/** SHA-256 of whole files, as a download reports it: lower-case hex. */
public final class FileHashes {
  private FileHashes() {}

  /** The SHA-256 (hex) of {@code file}'s bytes, read in 1 MiB chunks. */
  public static String sha256Hex(Path file) throws IOException {
    MessageDigest md = Merkle.sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 20];
      for (int n; (n = in.read(buf)) >= 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * Writes {@code mib} MiB drawn from {@code random} to {@code file} (a demo's or a test's
   * payload) and returns their SHA-256 (hex), hashed as written.
   */
  public static String writeRandom(Path file, int mib, Random random) throws IOException {
    MessageDigest md = Merkle.sha256();
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < mib; i++) {
        random.nextBytes(chunk);
        md.update(chunk);
        out.write(chunk);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
