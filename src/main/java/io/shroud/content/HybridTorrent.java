package io.shroud.content;

import io.shroud.content.BValue.BBytes;
import io.shroud.content.BValue.BDict;
import io.shroud.content.BValue.BInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;

/**
 * BEP 52's hybrid (v1+v2) {@code .torrent} of a public single-file share, which BitTorrent v1
 * clients (Transmission 3, aria2 1.36) read too. Its {@code info} is the v2 one plus the v1 keys,
 * byte for byte what libtorrent 2.0.8's {@code create_torrent} writes for the same file and piece
 * length without flags:
 *
 * <pre>
 * { "file tree": {name: {"": {"length": L, "pieces root": R}}}, "length": L,
 *   "meta version": 2, "name": name, "piece length": P, "pieces": SHA-1 of each piece }
 * </pre>
 *
 * A single file gets no pad file (libtorrent pads only between files of a multi-file torrent).
 *
 * <p>The v1 piece hashes are computed here, when the export is asked for, in one streaming pass
 * over the file (a 1 MiB buffer plus 20 bytes per piece), not when the file is shared: sharing
 * stays one SHA-256 pass, nothing new is journaled, and the export is rare. The same pass
 * recomputes the v2 tree, so a file changed since it was shared is refused rather than exported
 * with hashes of other bytes.
 */
public final class HybridTorrent {
  private HybridTorrent() {}

  /** The hybrid {@code .torrent} of {@code share}, reading its bytes from {@code data}. Blocking I/O. */
  public static byte[] export(ShareMetadata share, Path data) throws IOException {
    if (share.encrypted()) {
      throw new IllegalArgumentException("an encrypted share has no .torrent");
    }
    if (share.length() == 0) {
      throw new IllegalArgumentException(
          "an empty file has no v1 pieces (libtorrent makes no torrent of it): use the v2 .torrent");
    }
    byte[] pieces = v1Pieces(data, share.tree());
    TreeMap<BBytes, BValue> layers = new TreeMap<>();
    if (share.length() > share.pieceLength()) {
      layers.put(BBytes.of(share.tree().root()), BBytes.of(share.tree().pieceLayerBytes()));
    }
    return Bencode.encode(BDict.of(Map.of("info", info(share.info(), pieces),
        "piece layers", new BDict(layers))));
  }

  /** The hybrid info dictionary: {@code info}'s keys plus {@code length} and {@code pieces}. */
  public static BDict info(InfoDict info, byte[] pieces) {
    if (info.sealedManifest().isPresent()) {
      throw new IllegalArgumentException("an encrypted share has no .torrent");
    }
    TreeMap<BBytes, BValue> m = new TreeMap<>(info.toBValue().entries());
    m.put(BBytes.of("length"), new BInt(info.geometry().length()));
    m.put(BBytes.of("pieces"), BBytes.of(pieces));
    return new BDict(m);
  }

  /**
   * SHA-1 of every piece of {@code data}, concatenated, checking on the way that the bytes still
   * have {@code expected}'s v2 tree.
   *
   * @throws IOException if the file cannot be read or no longer matches the share
   */
  public static byte[] v1Pieces(Path data, MerkleTree expected) throws IOException {
    return v1Pieces(data, expected.geometry(), expected.root(), false);
  }

  /**
   * The same for a file of {@code g} with v2 pieces root {@code root}; with {@code padLast} the
   * short last piece is hashed with zeros up to a whole piece, as a hybrid multi-file torrent's
   * BEP 47 pad file after it makes it ({@link HybridFolderTorrent}).
   *
   * @throws Changed if the bytes are no longer those of {@code root}
   */
  static byte[] v1Pieces(Path data, PieceGeometry g, byte[] root, boolean padLast) throws IOException {
    MessageDigest sha1 = sha1();
    Bep52Hasher v2 = new Bep52Hasher(g.pieceLength());
    ByteArrayOutputStream pieces = new ByteArrayOutputStream(g.pieceCount() * 20);
    ByteBuffer buf = ByteBuffer.allocate(Bep52Hasher.READ_SIZE);
    long inPiece = 0;
    try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ)) {
      while (ch.read(buf.clear()) >= 0) {
        byte[] a = buf.array();
        int n = buf.position();
        v2.update(a, 0, n);
        if (v2.length() > g.length()) {
          throw new Changed("the file has grown since it was shared: share it again");
        }
        for (int off = 0; off < n; ) {
          int take = (int) Math.min(n - off, g.pieceLength() - inPiece);
          sha1.update(a, off, take);
          off += take;
          inPiece += take;
          if (inPiece == g.pieceLength()) {
            pieces.writeBytes(sha1.digest());
            inPiece = 0;
          }
        }
      }
    }
    if (inPiece > 0) {
      if (padLast) {
        sha1.update(new byte[(int) (g.pieceLength() - inPiece)]);
      }
      pieces.writeBytes(sha1.digest());
    }
    MerkleTree now = v2.finish();
    if (now.geometry().length() != g.length() || (g.length() > 0
        && !MessageDigest.isEqual(now.root(), root))) {
      throw new Changed("the file has changed since it was shared: share it again");
    }
    return pieces.toByteArray();
  }

  /** The bytes read are not those the share was made of. */
  static final class Changed extends IOException {
    Changed(String message) {
      super(message);
    }
  }

  private static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-1", e);
    }
  }
}
