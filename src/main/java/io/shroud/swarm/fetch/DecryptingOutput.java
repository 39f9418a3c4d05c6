package io.shroud.swarm.fetch;

import io.shroud.content.ContentCipher;
import io.shroud.content.DurableFiles;
import io.shroud.content.ShareLink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * An encrypted share decrypted into its output while it downloads: pieces, in index order
 * ({@link OutputDigest}), are decrypted with the share's content key and appended to the
 * output's {@code .part} sibling ({@link OutputPart}: created exclusively, never through a link),
 * the same file the download writes at the end otherwise. Nothing appears at the output path
 * before {@link #commit}, which the caller makes only after checking the manifest's length and
 * SHA-256 against what was written, and which never replaces a file at the output. Blocking I/O.
 */
final class DecryptingOutput implements OutputDigest.Stage {
  private final OutputPart part;
  private final FileChannel channel;
  private final ContentCipher cipher;

  private DecryptingOutput(OutputPart part, FileChannel channel, ContentCipher cipher) {
    this.part = part;
    this.channel = channel;
    this.cipher = cipher;
  }

  /**
   * Creates {@code part} ({@code <output>.part}) for {@code link}'s plaintext; fails if a file or
   * link this download did not create is there.
   */
  static DecryptingOutput create(ShareLink link, OutputPart part) throws IOException {
    ContentCipher cipher = new ContentCipher(link.key().orElseThrow(() -> new IOException("the link has no key")), 0);
    return new DecryptingOutput(part, part.create(), cipher);
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

  /**
   * Forces the plaintext to disk and makes it the output, never replacing a file there
   * ({@link DurableFiles#commitNoReplace}: {@code FileAlreadyExistsException} then).
   */
  void commit(Path output) throws IOException {
    channel.force(true);
    channel.close();
    DurableFiles.commitNoReplace(part.file(), output);
    part.forget();
  }

  @Override
  public void discard() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing is best effort; the file is deleted next
    }
    try {
      part.deleteIfOurs();
    } catch (IOException e) {
      // best effort: a later incarnation of the download recognises and deletes its own .part
    }
  }
}
