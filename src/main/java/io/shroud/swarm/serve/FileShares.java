package io.shroud.swarm.serve;

import io.shroud.content.ShareBuilder;
import io.shroud.content.ShareMetadata;
import io.shroud.content.ShareOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Building one file's share for the catalogue ({@link SharesActor}): hashing (and for an
 * encrypted share encrypting into the data directory), then the leaves, layer and key files in
 * the {@link ShareStore}, with the file's fingerprint checked before and after. Blocking.
 */
final class FileShares {
  /** A file shared: its metadata (serving from the store's ciphertext when encrypted), layer hash and fingerprint. */
  record Result(ShareMetadata metadata, byte[] layerSha256, ShareFileCheck.Fingerprint fingerprint) {}

  private FileShares() {}

  /**
   * Shares {@code path}; {@code temp} receives an encrypted share's ciphertext (null when public),
   * {@code leaves} the leaf hashes. On failure both are deleted and the exception is thrown.
   */
  static Result build(ShareStore store, ShareBuilder builder, Path path, boolean publicShare, int pieceLength,
      Path temp, Path leaves) throws Exception {
    try {
      ShareFileCheck.Fingerprint before = ShareFileCheck.fingerprint(path).orElseThrow(
          () -> new IllegalStateException("file vanished: " + path));
      ShareOptions options = publicShare ? ShareOptions.publicShare() : ShareOptions.encrypted(temp);
      ShareMetadata m = builder.build(path, options.withPieceLength(pieceLength).withLeavesOut(leaves));
      if (!ShareFileCheck.fingerprint(path).equals(Optional.of(before))) {
        throw new IllegalStateException("file changed while it was being shared: " + path);
      }
      store.adoptLeaves(leaves, m.infoHashHex());
      byte[] layerSha = store.writeLayer(m.infoHashHex(), m.tree().pieceLayerBytes());
      if (!publicShare) {
        Path data = store.adoptData(temp, m.infoHashHex());
        store.writeKey(m.infoHashHex(), m.link().key().orElseThrow());
        m = new ShareMetadata(m.info(), m.tree(), m.link(), m.manifest(), data);
      }
      return new Result(m, layerSha, before);
    } catch (Exception e) {
      for (Path leftover : new Path[] {temp, leaves}) {
        try {
          if (leftover != null) {
            Files.deleteIfExists(leftover);
          }
        } catch (IOException ignored) {
          // best effort: a leftover building-* file holds only ciphertext or hashes of it
        }
      }
      throw e;
    }
  }
}
