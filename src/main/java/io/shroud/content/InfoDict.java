package io.shroud.content;

import io.shroud.content.BValue.BBytes;
import io.shroud.content.BValue.BDict;
import io.shroud.content.BValue.BInt;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A BEP 52 (v2-only) info dictionary for a single-file share:
 *
 * <pre>
 * { "file tree": { name: { "": { "length": L, "pieces root": R } } },
 *   "meta version": 2, "name": name, "piece length": P,
 *   "x.manifest": M }      (encrypted shares only)
 * </pre>
 *
 * {@code pieces root} is absent when L is 0, as BEP 52 requires. The info-hash is SHA-256 over
 * the canonical bencoding ({@link #infoHash()}); for a public share it equals libtorrent's.
 * {@link #parse} accepts only this exact shape (no other keys), so a parsed dictionary
 * re-encodes to the same bytes and hash.
 */
public final class InfoDict {
  /** Key under which an encrypted share's sealed manifest travels in the info dictionary. */
  public static final String MANIFEST_KEY = "x.manifest";

  private final String name;
  private final PieceGeometry geometry;
  private final byte[] piecesRoot;
  private final byte[] sealedManifest;

  /**
   * @param piecesRoot 32 bytes, or {@code null} exactly when the length is 0
   * @param sealedManifest the encrypted manifest, or {@code null} for a public share
   */
  public InfoDict(String name, PieceGeometry geometry, byte[] piecesRoot, byte[] sealedManifest) {
    this.name = FileNames.check(name);
    this.geometry = geometry;
    if ((geometry.length() == 0) != (piecesRoot == null)) {
      throw new IllegalArgumentException("pieces root must be present exactly when length > 0");
    }
    if (piecesRoot != null && piecesRoot.length != Merkle.HASH_LENGTH) {
      throw new IllegalArgumentException("pieces root must be 32 bytes");
    }
    if (sealedManifest != null && sealedManifest.length > Manifest.MAX_SEALED_LENGTH) {
      throw new IllegalArgumentException("sealed manifest is too long");
    }
    this.piecesRoot = piecesRoot == null ? null : piecesRoot.clone();
    this.sealedManifest = sealedManifest == null ? null : sealedManifest.clone();
  }

  public String name() {
    return name;
  }

  public PieceGeometry geometry() {
    return geometry;
  }

  public Optional<byte[]> piecesRoot() {
    return Optional.ofNullable(piecesRoot).map(byte[]::clone);
  }

  public Optional<byte[]> sealedManifest() {
    return Optional.ofNullable(sealedManifest).map(byte[]::clone);
  }

  public BDict toBValue() {
    TreeMap<BBytes, BValue> file = new TreeMap<>();
    file.put(BBytes.of("length"), new BInt(geometry.length()));
    if (piecesRoot != null) {
      file.put(BBytes.of("pieces root"), BBytes.of(piecesRoot));
    }
    BDict leaf = BDict.of(Map.of("", new BDict(file)));
    TreeMap<BBytes, BValue> info = new TreeMap<>();
    info.put(BBytes.of("file tree"), new BDict(new TreeMap<>(Map.of(BBytes.of(name), leaf))));
    info.put(BBytes.of("meta version"), new BInt(2));
    info.put(BBytes.of("name"), BBytes.of(name));
    info.put(BBytes.of("piece length"), new BInt(geometry.pieceLength()));
    if (sealedManifest != null) {
      info.put(BBytes.of(MANIFEST_KEY), BBytes.of(sealedManifest));
    }
    return new BDict(info);
  }

  /** The canonical bencoding of this dictionary. */
  public byte[] encode() {
    return Bencode.encode(toBValue());
  }

  /** The v2 info-hash: SHA-256 of {@link #encode()}. */
  public byte[] infoHash() {
    return Merkle.sha256().digest(encode());
  }

  /** Parses a bencoded info dictionary of exactly the shape above; any deviation is a {@link BencodeException}. */
  public static InfoDict parse(byte[] bencoded) {
    BValue v = Bencode.decode(bencoded);
    BDict info = dict(v, "info");
    allowOnly(info, "info", "file tree", "meta version", "name", "piece length", MANIFEST_KEY);
    if (integer(info, "meta version") != 2) {
      throw new BencodeException("meta version is not 2", -1);
    }
    String name = string(info, "name");
    long pl = integer(info, "piece length");
    if (pl != (int) pl) {
      throw new BencodeException("invalid info dictionary: piece length " + pl + " is out of range", -1);
    }
    BDict tree = dict(info.get("file tree"), "file tree");
    if (tree.entries().size() != 1 || !tree.entries().containsKey(BBytes.of(name))) {
      throw new BencodeException("file tree must hold exactly one file, named as 'name'", -1);
    }
    BDict node = dict(tree.get(name), "file tree entry");
    allowOnly(node, "file tree entry", "");
    BDict file = dict(node.get(""), "file entry");
    allowOnly(file, "file entry", "length", "pieces root");
    long length = integer(file, "length");
    BValue root = file.get("pieces root");
    BValue manifest = info.get(MANIFEST_KEY);
    try {
      PieceGeometry g = new PieceGeometry(length, (int) pl);
      return new InfoDict(
          name,
          g,
          root == null ? null : bytes(root, "pieces root"),
          manifest == null ? null : bytes(manifest, MANIFEST_KEY));
    } catch (BencodeException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new BencodeException("invalid info dictionary: " + e.getMessage(), -1);
    }
  }

  private static BDict dict(BValue v, String what) {
    if (!(v instanceof BDict d)) {
      throw new BencodeException(what + " is missing or not a dictionary", -1);
    }
    return d;
  }

  private static long integer(BDict d, String key) {
    if (!(d.get(key) instanceof BInt i)) {
      throw new BencodeException("'" + key + "' is missing or not an integer", -1);
    }
    return i.value();
  }

  private static String string(BDict d, String key) {
    if (!(d.get(key) instanceof BBytes b)) {
      throw new BencodeException("'" + key + "' is missing or not a byte string", -1);
    }
    return b.utf8();
  }

  private static byte[] bytes(BValue v, String key) {
    if (!(v instanceof BBytes b)) {
      throw new BencodeException("'" + key + "' is not a byte string", -1);
    }
    return b.bytes();
  }

  private static void allowOnly(BDict d, String what, String... keys) {
    var allowed = java.util.Set.of(keys);
    for (BBytes k : d.entries().keySet()) {
      if (!allowed.contains(k.utf8())) {
        throw new BencodeException(what + " has an unexpected key", -1);
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InfoDict d && Arrays.equals(encode(), d.encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(infoHash());
  }

  @Override
  public String toString() {
    return "InfoDict[" + (sealedManifest == null ? "public" : "encrypted")
        + ", length=" + geometry.length() + ", pieceLength=" + geometry.pieceLength()
        + ", root=" + (piecesRoot == null ? "none" : HexFormat.of().formatHex(piecesRoot)) + "]";
  }
}
