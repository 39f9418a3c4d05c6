package io.shroud.swarm.fetch;

import io.shroud.content.ContentDecryptionException;
import io.shroud.content.Manifest;
import io.shroud.content.Merkle;
import io.shroud.content.PieceGeometry;
import io.shroud.content.ShareDecryptor;
import io.shroud.content.ShareLink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Blocking steps of a download that touch whole files: re-checking pieces of a part file on
 * resume, and turning a complete part file into the output (decrypt an encrypted share, checking
 * the manifest's length and SHA-256; move a public one). Call from the blocking dispatcher.
 */
public final class DownloadFinisher {
  private DownloadFinisher() {}

  /** The output's name (from the manifest or link) and SHA-256. */
  public record Finished(String name, String sha256Hex) {}

  /** The pieces among {@code pieces} whose bytes in the part file fail their check. */
  public static BitSet recheck(DownloadStore store, String id, PieceVerifier verifier, Iterable<Integer> pieces)
      throws IOException {
    BitSet bad = new BitSet();
    PieceGeometry g = verifier.geometry();
    for (int p : pieces) {
      byte[] data = store.readPiece(id, g.pieceOffset(p), g.pieceSize(p));
      if (!verifier.verifyPiece(p, data)) {
        bad.set(p);
      }
    }
    return bad;
  }

  /**
   * The pieces the journal does not record ({@code journaled} clear) that were written before a
   * stop or crash: their leaf hashes are in the leaves file ({@link DownloadStore#piecesWithLeaves})
   * and their bytes in the part file pass the piece check. Verified pieces are journaled at most
   * every {@link DownloadActor#JOURNAL_INTERVAL}; this finds the ones written since the last entry
   * so that resuming does not fetch them again.
   */
  public static BitSet recover(DownloadStore store, String id, PieceVerifier verifier, BitSet journaled)
      throws IOException {
    BitSet candidates = store.piecesWithLeaves(id, verifier.geometry());
    candidates.andNot(journaled);
    BitSet bad = recheck(store, id, verifier, candidates.stream()::iterator);
    candidates.andNot(bad);
    return candidates;
  }

  /**
   * Produces the output file from the complete part file. With {@code keepCiphertext} an
   * encrypted share's part file is left in place (to be seeded). {@code digest} (or null) is the
   * output as it was produced while the pieces were written ({@link OutputDigest}): when it is
   * complete a public share's SHA-256 is taken from it, and an encrypted share's plaintext is
   * already in its {@code .part} sibling ({@link DecryptingOutput}) and only checked and moved;
   * otherwise the part file is read (and decrypted) here.
   *
   * @throws ContentDecryptionException if the manifest does not open or the plaintext does not
   *     match it (length, SHA-256); nothing is left at {@code output} then
   */
  public static Finished finish(ShareLink link, Path part, Path output, boolean keepCiphertext, OutputDigest digest)
      throws IOException, ContentDecryptionException {
    if (Files.exists(output)) {
      if (digest != null) {
        digest.discard();
      }
      throw new IOException("output file appeared meanwhile: " + output);
    }
    Optional<String> streamedSha = digest == null ? Optional.empty() : digest.sha256Hex();
    if (link.encrypted()) {
      Manifest manifest;
      if (streamedSha.isPresent() && digest.stage() instanceof DecryptingOutput streamed) {
        try {
          manifest = link.openManifest();
          if (manifest.length() != link.geometry().length()) {
            throw new ContentDecryptionException("manifest length differs from the share's length");
          }
          if (!MessageDigest.isEqual(HexFormat.of().parseHex(streamedSha.get()), manifest.sha256())) {
            throw new ContentDecryptionException("decrypted content does not match the manifest's SHA-256");
          }
          streamed.commit(output);
        } catch (IOException | ContentDecryptionException | RuntimeException e) {
          streamed.discard();
          throw e;
        }
      } else {
        if (digest != null) {
          digest.discard();
        }
        manifest = ShareDecryptor.decrypt(link, part, output);
      }
      if (!keepCiphertext) {
        Files.delete(part);
      }
      return new Finished(manifest.name(), HexFormat.of().formatHex(manifest.sha256()));
    }
    String sha = streamedSha.isPresent() ? streamedSha.get() : sha256(part);
    Files.move(part, output, StandardCopyOption.ATOMIC_MOVE);
    return new Finished(link.displayName().orElse(output.getFileName().toString()), sha);
  }

  /** The manifest's file name, if the link is encrypted and its manifest opens. */
  public static Optional<String> manifestName(ShareLink link) {
    if (!link.encrypted()) {
      return link.displayName();
    }
    try {
      return Optional.of(link.openManifest().name());
    } catch (ContentDecryptionException e) {
      return Optional.empty();
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = Merkle.sha256();
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) >= 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    }
  }
}
