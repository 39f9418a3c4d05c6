package io.shroud.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * Turns a downloaded encrypted share back into the original file, streaming through a 64 KiB
 * buffer. The manifest is opened first, so a wrong key fails before any output is written; the
 * plaintext's length and SHA-256 are then checked against the manifest.
 */
public final class ShareDecryptor {
  private ShareDecryptor() {}

  /**
   * Decrypts {@code ciphertext} into {@code plaintextOut}. The output appears only if everything
   * checks out: the plaintext is written to a {@code .part} sibling created exclusively (a file or
   * link already there fails the call and is left untouched), forced, then committed without
   * replacing anything at {@code plaintextOut} ({@link DurableFiles#commitNoReplace}); on
   * failure nothing of ours is left behind.
   *
   * @throws java.nio.file.FileAlreadyExistsException if the {@code .part} sibling or the output exists
   */
  public static Manifest decrypt(ShareLink link, Path ciphertext, Path plaintextOut)
      throws IOException, ContentDecryptionException {
    Manifest manifest = link.openManifest();
    Path part = plaintextOut.resolveSibling(plaintextOut.getFileName() + ".part");
    boolean ok = false;
    try (FileChannel ch = DurableFiles.createExclusive(part)) {
      try (InputStream in = Files.newInputStream(ciphertext)) {
        decrypt(link, manifest, in, Channels.newOutputStream(ch));
        ch.force(true);
        ok = true;
      } finally {
        if (!ok) {
          Files.deleteIfExists(part);
        }
      }
    }
    try {
      DurableFiles.commitNoReplace(part, plaintextOut);
    } catch (IOException e) {
      Files.deleteIfExists(part);
      throw e;
    }
    return manifest;
  }

  /**
   * Decrypts a stream. Bytes reach {@code out} before the final SHA-256 check, so callers that
   * stream to a user must treat output as unconfirmed until this returns.
   */
  public static void decrypt(ShareLink link, Manifest manifest, InputStream in, OutputStream out)
      throws IOException, ContentDecryptionException {
    if (manifest.length() != link.geometry().length()) {
      throw new ContentDecryptionException("manifest length differs from the share's length");
    }
    ContentCipher cipher = new ContentCipher(link.key().orElseThrow(), 0);
    MessageDigest sha = Merkle.sha256();
    byte[] buf = new byte[ContentCipher.CHUNK];
    long total = 0;
    for (int n; (n = in.read(buf)) >= 0; ) {
      total += n;
      if (total > manifest.length()) {
        throw new ContentDecryptionException("ciphertext is longer than the manifest says");
      }
      cipher.apply(buf, 0, n, buf, 0);
      sha.update(buf, 0, n);
      out.write(buf, 0, n);
    }
    if (total != manifest.length()) {
      throw new ContentDecryptionException("ciphertext is shorter than the manifest says");
    }
    if (!MessageDigest.isEqual(sha.digest(), manifest.sha256())) {
      throw new ContentDecryptionException("decrypted content does not match the manifest's SHA-256");
    }
  }
}
