package io.shroud.swarm.fetch;

import io.shroud.content.ContentDecryptionException;
import io.shroud.content.DurableFiles;
import io.shroud.content.FileHashes;
import io.shroud.content.Manifest;
import io.shroud.content.PieceGeometry;
import io.shroud.content.ShareDecryptor;
import io.shroud.content.ShareLink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Blocking steps of a download that touch whole files: re-checking pieces of a part file on
 * resume, and turning a complete part file into the output (decrypt an encrypted share, checking
 * the manifest's length and SHA-256; commit a public one), never replacing a file at the output.
 * Call from the blocking dispatcher.
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
   * already in its {@code .part} sibling ({@link DecryptingOutput}) and only checked and
   * committed; otherwise the part file is read (and decrypted into {@code plain}) here.
   *
   * <p>The output is never replaced: the last step is {@link DurableFiles#commitNoReplace}, so a
   * file that appeared at the output path while the download ran (or a link planted there)
   * stays as it is and the download fails, its part file kept in the data directory.
   *
   * @throws ContentDecryptionException if the manifest does not open or the plaintext does not
   *     match it (length, SHA-256); nothing is left at {@code output} then
   * @throws IOException also when a file is at the output path, or a file this download did not
   *     create is at {@code <output>.part}; both are left untouched
   */
  public static Finished finish(ShareLink link, Path part, Path output, OutputPart plain, boolean keepCiphertext,
      OutputDigest digest) throws IOException, ContentDecryptionException {
    if (Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
      if (digest != null) {
        digest.discard();
      }
      throw appeared(output, part);
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
        } catch (FileAlreadyExistsException e) {
          streamed.discard();
          throw appeared(output, part);
        } catch (IOException | ContentDecryptionException | RuntimeException e) {
          streamed.discard();
          throw e;
        }
      } else {
        if (digest != null) {
          digest.discard();
        }
        manifest = decrypt(link, part, output, plain);
      }
      if (!keepCiphertext) {
        Files.delete(part);
      }
      return new Finished(manifest.name(), HexFormat.of().formatHex(manifest.sha256()));
    }
    String sha = streamedSha.isPresent() ? streamedSha.get() : FileHashes.sha256Hex(part);
    try {
      DurableFiles.commitNoReplace(part, output);
    } catch (FileAlreadyExistsException e) {
      throw appeared(output, part);
    }
    return new Finished(link.displayName().orElse(output.getFileName().toString()), sha);
  }

  /**
   * Decrypts the whole part file into {@code plain} ({@code <output>.part}, created exclusively),
   * checks it against the manifest, forces it and commits it to {@code output} without replacing
   * anything there; on any failure the plaintext is deleted.
   */
  private static Manifest decrypt(ShareLink link, Path part, Path output, OutputPart plain)
      throws IOException, ContentDecryptionException {
    Manifest manifest = link.openManifest();
    try {
      try (FileChannel out = plain.create(); InputStream in = Files.newInputStream(part, LinkOption.NOFOLLOW_LINKS)) {
        ShareDecryptor.decrypt(link, manifest, in, Channels.newOutputStream(out));
        out.force(true);
      }
      DurableFiles.commitNoReplace(plain.file(), output);
      plain.forget();
      return manifest;
    } catch (OutputPart.NotOurs e) {
      throw e; // the .part sibling is someone else's: said so, untouched
    } catch (FileAlreadyExistsException e) {
      plain.deleteIfOurs();
      throw appeared(output, part);
    } catch (IOException | ContentDecryptionException | RuntimeException e) {
      plain.deleteIfOurs();
      throw e;
    }
  }

  /** The error of a download whose output path was taken while it ran. */
  private static IOException appeared(Path output, Path part) {
    return new IOException("output file appeared meanwhile: " + output + " (left untouched; the downloaded bytes"
        + " are kept in " + part + ")");
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

}
