package io.shroud.swarm.serve;

import io.shroud.content.PieceGeometry;
import io.shroud.content.ShareMetadata;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The share a {@link ServingSession} serves once its HELLO was accepted, with its files open for
 * reading. Closed by {@link #close()} when the stream goes.
 *
 * @param metadata the share
 * @param infoHashHex the metadata's info-hash, computed once (it bencodes and hashes the info
 *     dictionary, and every block served counts under it)
 * @param data the file the share's bytes are read from
 * @param leaves the share's leaf hashes ({@link ShareStore}), null when it has none
 */
record ServedShare(ShareMetadata metadata, String infoHashHex, FileChannel data, FileChannel leaves) {

  /**
   * Opens {@code dataFile} and, if it can, {@code leavesFile} (null: none).
   *
   * @throws IOException if the data file cannot be opened
   */
  static ServedShare open(ShareMetadata metadata, Path dataFile, Path leavesFile) throws IOException {
    FileChannel data = FileChannel.open(dataFile, StandardOpenOption.READ);
    FileChannel leaves = null;
    try {
      if (leavesFile != null) {
        leaves = FileChannel.open(leavesFile, StandardOpenOption.READ);
      }
    } catch (IOException e) {
      // no leaf hashes (a share made before they were kept, or the file was lost): proofs
      // are built by hashing each piece
    }
    return new ServedShare(metadata, metadata.infoHashHex(), data, leaves);
  }

  /** The share's bencoded info dictionary, exactly the bytes its info-hash is the SHA-256 of. */
  byte[] infoBytes() {
    return metadata.info().encode();
  }

  PieceGeometry geometry() {
    return metadata.info().geometry();
  }

  void close() {
    try {
      data.close();
      if (leaves != null) {
        leaves.close();
      }
    } catch (IOException ignored) {
      // read-only channels: nothing to lose
    }
  }
}
