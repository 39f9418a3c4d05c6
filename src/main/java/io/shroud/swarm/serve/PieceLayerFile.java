package io.shroud.swarm.serve;

import io.shroud.content.DurableFiles;
import io.shroud.content.Merkle;
import io.shroud.content.MerkleTree;
import io.shroud.content.PieceGeometry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A share's piece layer (32 bytes per piece: 32 KiB for 1 024 pieces, 8 MiB for a 1 TiB file of
 * 4 MiB pieces) kept in a file of the data directory, so that the journal holds only its
 * SHA-256: an event that carried the layer itself could not be journaled past the serializer's
 * 256 KiB bound (a file above ~32 GiB). The file is written atomically (temporary file, fsync,
 * rename, directory fsync) before the event naming its hash is persisted, and checked on every
 * load against that hash and against the share's pieces root. Blocking I/O.
 */
public final class PieceLayerFile {
  private PieceLayerFile() {}

  /** The layer file is missing, unreadable, or not the layer the journal names. */
  public static final class Unusable extends Exception {
    public Unusable(String message) {
      super(message);
    }
  }

  /** Writes {@code layer} to {@code file} atomically and returns its SHA-256 (what the journal keeps). */
  public static byte[] write(Path file, byte[] layer) throws IOException {
    DurableFiles.writeAtomically(file, layer);
    return sha256(layer);
  }

  /**
   * Reads the layer in {@code file} and rebuilds its tree, checking that its SHA-256 is
   * {@code sha256} and that it folds up to {@code piecesRoot} (null only for an empty file).
   *
   * @throws Unusable saying which: missing, unreadable, wrong size, wrong hash, wrong root
   */
  public static MerkleTree read(Path file, byte[] sha256, PieceGeometry geometry, byte[] piecesRoot)
      throws Unusable {
    long expected = (long) geometry.pieceCount() * Merkle.HASH_LENGTH;
    byte[] layer;
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile() || a.size() != expected) {
        throw new Unusable("piece layer file " + file + " is damaged: " + a.size() + " bytes, expected " + expected);
      }
      layer = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new Unusable("piece layer file " + file + " is missing");
    } catch (IOException e) {
      throw new Unusable("piece layer file " + file + " cannot be read: " + e.getMessage());
    }
    if (!MessageDigest.isEqual(sha256(layer), sha256)) {
      throw new Unusable("piece layer file " + file + " is damaged: its SHA-256 is not the journaled "
          + HexFormat.of().formatHex(sha256));
    }
    try {
      return MerkleTree.fromPieceLayerBytes(geometry, layer, piecesRoot);
    } catch (IllegalArgumentException e) {
      throw new Unusable("piece layer file " + file + " does not match the share: " + e.getMessage());
    }
  }

  public static byte[] sha256(byte[] layer) {
    return Merkle.sha256().digest(layer);
  }
}
