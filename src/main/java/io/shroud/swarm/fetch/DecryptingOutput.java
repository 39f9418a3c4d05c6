package io.shroud.swarm.fetch;

import io.shroud.content.ContentCipher;
import io.shroud.content.ShareLink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An encrypted share decrypted into its output while it downloads: pieces, in index order
 * ({@link OutputDigest}), are decrypted with the share's content key and appended to the
 * output's {@code .part} sibling, the same file {@code ShareDecryptor} writes at the end
 * otherwise. Nothing appears at the output path before {@link #commit}, which the caller makes
 * only after checking the manifest's length and SHA-256 against what was written. Blocking I/O.
 */
final class DecryptingOutput implements OutputDigest.Stage {
  private final Path temp;
  private final FileChannel channel;
  private final ContentCipher cipher;

  private DecryptingOutput(Path temp, FileChannel channel, ContentCipher cipher) {
    this.temp = temp;
    this.channel = channel;
    this.cipher = cipher;
  }

  /** Opens (truncating) {@code output}'s {@code .part} sibling for {@code link}'s plaintext. */
  static DecryptingOutput create(ShareLink link, Path output) throws IOException {
    ContentCipher cipher = new ContentCipher(link.key().orElseThrow(() -> new IOException("the link has no key")), 0);
    Path temp = output.resolveSibling(output.getFileName() + ".part");
    FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    return new DecryptingOutput(temp, channel, cipher);
  }

  @Override
  public byte[] accept(byte[] ciphertext) throws IOException {
    byte[] plain = cipher.apply(ciphertext);
    ByteBuffer buf = ByteBuffer.wrap(plain);
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
    return plain;
  }

  /** Forces the plaintext to disk and moves it to {@code output}. */
  void commit(Path output) throws IOException {
    channel.force(true);
    channel.close();
    Files.move(temp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void discard() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing is best effort; the file is deleted next
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      // a stale .part is truncated by the next writer
    }
  }
}
