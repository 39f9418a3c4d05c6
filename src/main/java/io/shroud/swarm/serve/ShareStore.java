package io.shroud.swarm.serve;

import io.shroud.content.ShareKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * A share's files in the node's data directory, under {@code <data-dir>/shares/}:
 * {@code <infohash>.data} (the ciphertext the network carries for an encrypted share),
 * {@code <infohash>.key} (its 32-byte share key, owner-only) and {@code <infohash>.leaves} (the
 * SHA-256 of every 16 KiB block of the bytes served, 32 bytes each in order, written while the
 * share was hashed or by the download it was seeded from: a provider builds block proofs from
 * it instead of hashing each piece it serves; a missing or damaged one only costs that hashing). Keys never go into the journal;
 * they are written and forced to disk before the share's event is persisted.
 */
public final class ShareStore {
  private final Path dir;

  public ShareStore(Path dataDir) {
    this.dir = dataDir.resolve("shares");
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create share directory " + dir, e);
    }
  }

  /** A fresh temporary file for a ciphertext being written. */
  public Path newTempData() {
    try {
      return Files.createTempFile(dir, "building-", ".data");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh temporary file for leaf hashes being written. */
  public Path newTempLeaves() {
    try {
      return Files.createTempFile(dir, "building-", ".leaves");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path leavesFile(String infoHashHex) {
    return dir.resolve(infoHashHex + ".leaves");
  }

  /** Moves finished leaf hashes to their final name. */
  public Path adoptLeaves(Path temp, String infoHashHex) throws IOException {
    return Files.move(temp, leavesFile(infoHashHex), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  public Path dataFile(String infoHashHex) {
    return dir.resolve(infoHashHex + ".data");
  }

  /** Moves a finished ciphertext to its final name. */
  public Path adoptData(Path temp, String infoHashHex) throws IOException {
    return Files.move(temp, dataFile(infoHashHex), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  public void writeKey(String infoHashHex, ShareKey key) throws IOException {
    Path tmp = dir.resolve(infoHashHex + ".key.tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(key.bytes()));
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(infoHashHex + ".key"), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  public Optional<ShareKey> readKey(String infoHashHex) {
    Path file = dir.resolve(infoHashHex + ".key");
    try {
      return Files.exists(file) ? Optional.of(ShareKey.of(Files.readAllBytes(file))) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read share key " + file, e);
    }
  }

  /** Deletes the share's key, ciphertext and leaf hashes (those it has). */
  public void delete(String infoHashHex) {
    try {
      Files.deleteIfExists(dir.resolve(infoHashHex + ".key"));
      Files.deleteIfExists(dataFile(infoHashHex));
      Files.deleteIfExists(leavesFile(infoHashHex));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete share files of " + infoHashHex, e);
    }
  }
}
