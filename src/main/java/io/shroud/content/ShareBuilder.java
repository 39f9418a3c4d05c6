package io.shroud.content;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Turns a file into a share in one pass over it, in bounded memory (a 1 MiB buffer plus 32 bytes
 * per piece).
 *
 * <ul>
 *   <li>Public: the BEP 52 tree over the file itself; name, length and piece length in the
 *       info dictionary; the pieces root and info-hash are what libtorrent computes.
 *   <li>Encrypted: a fresh {@link ShareKey}; the file is encrypted with AES-256-CTR
 *       ({@link ContentCipher}) into {@code ciphertextOut} while the tree is computed over the
 *       ciphertext and SHA-256 over the plaintext; a {@link Manifest} (name, length, media type,
 *       plaintext SHA-256) is sealed with AES-256-GCM bound to the ciphertext's tree and stored
 *       under {@code x.manifest} in an info dictionary named {@value ShareLink#ENCRYPTED_NAME}.
 * </ul>
 *
 * Blocking I/O: call it off the actor's dispatcher.
 */
public final class ShareBuilder {
  private static final int READ_SIZE = Bep52Hasher.READ_SIZE;
  private final SecureRandom random;

  public ShareBuilder(SecureRandom random) {
    this.random = random;
  }

  /** Shares {@code file}: encrypted into {@code ciphertextOut}, or public when {@code encrypt} is false. */
  public ShareMetadata build(Path file, boolean encrypt, Path ciphertextOut) throws IOException {
    return build(file, new ShareOptions(encrypt, ciphertextOut, 0, null, null, null));
  }

  public ShareMetadata build(Path file, ShareOptions options) throws IOException {
    long size = Files.size(file);
    if (size > PieceGeometry.MAX_LENGTH) {
      throw new IllegalArgumentException("file is larger than 1 TiB");
    }
    int pieceLength = options.pieceLength() != 0 ? options.pieceLength() : PieceLengths.choose(size);
    String tooMany = PieceLengths.problem(size, pieceLength);
    if (tooMany != null) {
      throw new IllegalArgumentException(tooMany);
    }
    String name = options.name() != null ? options.name()
        : FileNames.check(file.getFileName().toString());
    if (!options.encrypt()) {
      MerkleTree tree;
      try (OutputStream leaves = leavesStream(options)) {
        tree = Bep52Hasher.hash(file, pieceLength, leaves);
      }
      InfoDict info = new InfoDict(name, tree.geometry(), rootOrNull(tree), null);
      return new ShareMetadata(info, tree, ShareLink.forPublic(info), Optional.empty(), file);
    }
    ShareKey key = ShareKey.random(random);
    MessageDigest plainSha = Merkle.sha256();
    ContentCipher cipher = new ContentCipher(key, 0);
    ByteBuffer buf = ByteBuffer.allocate(READ_SIZE);
    MerkleTree tree;
    try (OutputStream leaves = leavesStream(options);
        FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(options.ciphertextOut(), StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      Bep52Hasher hasher = new Bep52Hasher(pieceLength, leaves);
      while (in.read(buf.clear()) >= 0) {
        int n = buf.position();
        byte[] a = buf.array();
        plainSha.update(a, 0, n);
        cipher.apply(a, 0, n, a, 0);
        hasher.update(a, 0, n);
        buf.flip();
        while (buf.hasRemaining()) {
          out.write(buf);
        }
      }
      out.force(true);
      tree = hasher.finish();
    }
    byte[] root = rootOrNull(tree);
    Manifest manifest = new Manifest(name, tree.geometry().length(), mediaType(file, options),
        plainSha.digest());
    byte[] sealed = manifest.seal(key, Manifest.associatedData(tree.geometry(), root), random);
    InfoDict info = new InfoDict(ShareLink.ENCRYPTED_NAME, tree.geometry(), root, sealed);
    return new ShareMetadata(info, tree, ShareLink.forEncrypted(info, key), Optional.of(manifest),
        options.ciphertextOut());
  }

  /** A buffered stream to {@code options.leavesOut()}, or null when no leaves are wanted. */
  private static OutputStream leavesStream(ShareOptions options) throws IOException {
    return options.leavesOut() == null ? null
        : new BufferedOutputStream(Files.newOutputStream(options.leavesOut()), 64 * 1024);
  }

  private static byte[] rootOrNull(MerkleTree tree) {
    return tree.hasRoot() ? tree.root() : null;
  }

  private static String mediaType(Path file, ShareOptions options) {
    if (options.mediaType() != null) {
      return options.mediaType();
    }
    try {
      String probed = Files.probeContentType(file);
      if (probed != null && probed.length() <= Manifest.MAX_MEDIA_TYPE
          && probed.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        return probed;
      }
    } catch (IOException e) {
      // fall through: the media type is a hint
    }
    return "application/octet-stream";
  }
}
