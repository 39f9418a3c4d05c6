package io.shroud.swarm.serve;

import io.shroud.content.Bep52Hasher;
import io.shroud.content.DurableFiles;
import io.shroud.content.MerkleTree;
import io.shroud.content.PieceGeometry;
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
import java.security.MessageDigest;
import java.util.Optional;

/**
 * A share's files in the node's data directory, under {@code <data-dir>/shares/}:
 * {@code <infohash>.data} (the ciphertext the network carries for an encrypted share),
 * {@code <infohash>.key} (its 32-byte share key, owner-only) and {@code <infohash>.leaves} (the
 * SHA-256 of every 16 KiB block of the bytes served, 32 bytes each in order, written while the
 * share was hashed or by the download it was seeded from: a provider builds block proofs from
 * it instead of hashing each piece it serves; a missing or damaged one only costs that hashing)
 * and {@code <infohash>.layer} (its piece layer, {@link PieceLayerFile}: the journal holds only
 * its SHA-256). Keys and layers never go into the journal; they are written and forced to disk,
 * with their directory entry, before the share's event is persisted.
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

  public Path layerFile(String infoHashHex) {
    return dir.resolve(infoHashHex + ".layer");
  }

  /** Writes the share's piece layer atomically; returns its SHA-256, for the journal. */
  public byte[] writeLayer(String infoHashHex, byte[] layer) throws IOException {
    return PieceLayerFile.write(layerFile(infoHashHex), layer);
  }

  /**
   * The share's piece layer tree, read from its file and checked against the journaled
   * {@code sha256} and the share's pieces root.
   *
   * @throws PieceLayerFile.Unusable if the file is missing or damaged
   */
  public MerkleTree readLayer(String infoHashHex, byte[] sha256, PieceGeometry geometry, byte[] piecesRoot)
      throws PieceLayerFile.Unusable {
    return PieceLayerFile.read(layerFile(infoHashHex), sha256, geometry, piecesRoot);
  }

  /**
   * Rebuilds a lost or damaged layer file by hashing the bytes the share serves ({@code data}:
   * the shared file of a public share, the ciphertext of an encrypted one) with the share's piece
   * length. Written only if the result is the layer the journal names ({@code sha256}).
   *
   * @throws PieceLayerFile.Unusable if the bytes no longer hash to that layer
   */
  public void rebuildLayer(String infoHashHex, Path data, int pieceLength, byte[] sha256)
      throws IOException, PieceLayerFile.Unusable {
    byte[] layer = Bep52Hasher.hash(data, pieceLength).pieceLayerBytes();
    if (!MessageDigest.isEqual(PieceLayerFile.sha256(layer), sha256)) {
      throw new PieceLayerFile.Unusable("the shared bytes in " + data + " no longer hash to the journaled piece layer");
    }
    writeLayer(infoHashHex, layer);
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
    DurableFiles.syncDirectory(dir);
  }

  public Optional<ShareKey> readKey(String infoHashHex) {
    Path file = dir.resolve(infoHashHex + ".key");
    try {
      return Files.exists(file) ? Optional.of(ShareKey.of(Files.readAllBytes(file))) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read share key " + file, e);
    }
  }

  /** Deletes the share's key, ciphertext, leaf hashes and piece layer (those it has). */
  public void delete(String infoHashHex) {
    try {
      Files.deleteIfExists(dir.resolve(infoHashHex + ".key"));
      Files.deleteIfExists(dataFile(infoHashHex));
      Files.deleteIfExists(leavesFile(infoHashHex));
      Files.deleteIfExists(layerFile(infoHashHex));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete share files of " + infoHashHex, e);
    }
  }
}
