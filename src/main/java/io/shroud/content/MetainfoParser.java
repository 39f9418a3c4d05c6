package io.shroud.content;

import io.shroud.content.BValue.BBytes;
import io.shroud.content.BValue.BDict;
import io.shroud.content.BValue.BInt;
import io.shroud.content.BValue.BList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@link Metainfo#parse}: every check, in the order the docs list them (docs/protocol.md). */
final class MetainfoParser {
  private MetainfoParser() {}

  static Metainfo parse(byte[] torrent) {
    if (torrent == null || torrent.length == 0) {
      throw new BencodeException("the .torrent is empty", 0);
    }
    if (!(Bencode.decode(torrent) instanceof BDict top)) {
      throw new BencodeException("a .torrent is a bencoded dictionary", 0);
    }
    if (!(top.get("info") instanceof BDict info)) {
      throw new BencodeException("the .torrent has no 'info' dictionary", -1);
    }
    BValue version = info.get("meta version");
    if (version == null) {
      throw new BencodeException(
          "a v1-only .torrent has no SHA-256 info-hash: Shroud needs a v2 or hybrid one", -1);
    }
    if (!(version instanceof BInt v) || v.value() != 2) {
      throw new BencodeException("'meta version' is not 2", -1);
    }
    String name = text(info.get("name"), "'name'");
    TorrentPaths.check(List.of(name));
    long pieceLength = integer(info.get("piece length"), "'piece length'");
    String plProblem = PieceLengths.problem(pieceLength);
    if (plProblem != null) {
      throw new BencodeException(plProblem, -1);
    }
    int pl = (int) pieceLength;
    if (!(info.get("file tree") instanceof BDict tree)) {
      throw new BencodeException("a v2 .torrent needs a 'file tree' dictionary", -1);
    }
    List<Metainfo.FileEntry> files = new ArrayList<>();
    walk(tree, new ArrayList<>(), files);
    if (files.isEmpty()) {
      throw new BencodeException("the file tree lists no file", -1);
    }
    long total = 0;
    for (Metainfo.FileEntry f : files) {
      total += f.length();
      if (total > PieceGeometry.MAX_LENGTH) {
        throw new BencodeException("the files add up to more than 2^40 bytes", -1);
      }
    }
    boolean v1Files = info.get("files") != null;
    boolean single = !v1Files && files.size() == 1 && files.get(0).path().size() == 1;
    boolean hybrid = v1Files || info.get("pieces") != null || info.get("length") != null;
    if (hybrid) {
      checkV1(info, pl, files, single);
    }
    Map<String, byte[]> layers = layers(top.get("piece layers"), files, pl);
    return new Metainfo(Bencode.encode(info), name, pl, files, single, hybrid, layers);
  }

  /** Collects the files under {@code dir}, depth-first in key order (BEP 52's file order). */
  private static void walk(BDict dir, List<String> prefix, List<Metainfo.FileEntry> out) {
    for (Map.Entry<BBytes, BValue> e : dir.entries().entrySet()) {
      List<String> path = new ArrayList<>(prefix);
      path.add(component(e.getKey()));
      TorrentPaths.check(path);
      if (!(e.getValue() instanceof BDict node)) {
        throw new BencodeException("file tree entry '" + TorrentPaths.show(path)
            + "' is not a dictionary", -1);
      }
      BValue leaf = node.get("");
      if (leaf != null) {
        if (node.entries().size() != 1) {
          throw new BencodeException("'" + TorrentPaths.show(path)
              + "' is both a file and a directory", -1);
        }
        if (out.size() == Metainfo.MAX_FILES) {
          throw new BencodeException("the torrent lists more than " + Metainfo.MAX_FILES + " files", -1);
        }
        out.add(file(leaf, path));
      } else if (node.entries().isEmpty()) {
        throw new BencodeException("directory '" + TorrentPaths.show(path) + "' is empty", -1);
      } else {
        walk(node, path, out);
      }
    }
  }

  private static String component(BBytes key) {
    try {
      return key.utf8();
    } catch (BencodeException e) {
      throw new BencodeException("a path in the file tree is not UTF-8", -1);
    }
  }

  private static Metainfo.FileEntry file(BValue v, List<String> path) {
    String where = "file '" + TorrentPaths.show(path) + "'";
    if (!(v instanceof BDict d)) {
      throw new BencodeException(where + ": entry is not a dictionary", -1);
    }
    String attr = d.get("attr") == null ? "" : text(d.get("attr"), where + " 'attr'");
    if (attr.contains("l") || d.get("symlink path") != null) {
      throw new BencodeException(where + " is a symbolic link: links are not supported", -1);
    }
    if (attr.contains("p")) {
      throw new BencodeException(where + " is a pad file inside the v2 file tree", -1);
    }
    long length = integer(d.get("length"), where + " 'length'");
    if (length < 0 || length > PieceGeometry.MAX_LENGTH) {
      throw new BencodeException(where + " has a length outside 0..2^40", -1);
    }
    BValue root = d.get("pieces root");
    if (length == 0) {
      if (root != null) {
        throw new BencodeException(where + " is empty but has a 'pieces root'", -1);
      }
      return new Metainfo.FileEntry(path, 0, null, attr);
    }
    if (!(root instanceof BBytes r) || r.length() != Merkle.HASH_LENGTH
        || java.util.Arrays.equals(r.bytes(), new byte[Merkle.HASH_LENGTH])) {
      throw new BencodeException(where + " needs a 32-byte, non-zero 'pieces root'", -1);
    }
    return new Metainfo.FileEntry(path, length, r.bytes(), attr);
  }

  /**
   * The v1 half of a hybrid torrent must describe the same files: {@code length} for a single
   * file, else {@code files} holding the v2 files (path and length) plus pad files ({@code attr}
   * with {@code p}) that start every non-empty file on a piece boundary; {@code pieces} holds one
   * SHA-1 per piece of that layout. The SHA-1 values themselves can only be checked against data.
   */
  private static void checkV1(BDict info, int pl, List<Metainfo.FileEntry> files, boolean single) {
    if (!(info.get("pieces") instanceof BBytes pieces)) {
      throw new BencodeException("a hybrid .torrent needs a 'pieces' byte string", -1);
    }
    long total;
    if (info.get("files") == null) {
      if (info.get("length") == null) {
        throw new BencodeException("a hybrid .torrent needs 'length' or 'files'", -1);
      }
      if (!single) {
        throw new BencodeException("the v1 'length' describes one file, the file tree several", -1);
      }
      total = integer(info.get("length"), "'length'");
      if (total != files.get(0).length()) {
        throw new BencodeException("v1 'length' and the file tree's length disagree", -1);
      }
    } else {
      if (info.get("length") != null) {
        throw new BencodeException("a .torrent has both 'length' and 'files'", -1);
      }
      total = v1Files(info.get("files"), pl, files);
    }
    long count = (total + pl - 1) / pl;
    if (pieces.length() != count * 20) {
      throw new BencodeException("'pieces' must hold " + count + " SHA-1 hashes of 20 bytes, has "
          + pieces.length() + " bytes", -1);
    }
  }

  /** Checks a v1 {@code files} list against the v2 files; returns its total length with padding. */
  private static long v1Files(BValue list, int pl, List<Metainfo.FileEntry> files) {
    if (!(list instanceof BList l) || l.values().isEmpty()) {
      throw new BencodeException("'files' is not a non-empty list", -1);
    }
    if (l.values().size() > 2 * Metainfo.MAX_FILES) {
      throw new BencodeException("'files' lists too many entries", -1);
    }
    Map<String, Long> v2 = new HashMap<>();
    for (Metainfo.FileEntry f : files) {
      v2.put(f.pathText(), f.length());
    }
    Set<String> seen = new HashSet<>();
    long offset = 0;
    for (BValue item : l.values()) {
      if (!(item instanceof BDict d) || !(d.get("path") instanceof BList p) || p.values().isEmpty()) {
        throw new BencodeException("a 'files' entry needs a non-empty 'path' list", -1);
      }
      List<String> path = new ArrayList<>();
      for (BValue c : p.values()) {
        path.add(text(c, "a v1 path component"));
      }
      TorrentPaths.check(path);
      long length = integer(d.get("length"), "v1 file '" + TorrentPaths.show(path) + "' 'length'");
      String attr = d.get("attr") == null ? "" : text(d.get("attr"), "v1 'attr'");
      if (length < 0 || length > PieceGeometry.MAX_LENGTH) {
        throw new BencodeException("v1 file '" + TorrentPaths.show(path) + "' has a bad length", -1);
      }
      if (attr.contains("p")) {
        if (length <= 0 || length >= pl) {
          throw new BencodeException("a pad file must be 1 byte to one piece less", -1);
        }
      } else {
        String key = String.join("/", path);
        Long expected = v2.get(key);
        if (expected == null || expected != length || !seen.add(key)) {
          throw new BencodeException("v1 file '" + TorrentPaths.show(path)
              + "' does not match the file tree", -1);
        }
        if (length > 0 && offset % pl != 0) {
          throw new BencodeException("v1 file '" + TorrentPaths.show(path)
              + "' does not start on a piece boundary (pad files missing)", -1);
        }
      }
      offset += length;
      if (offset > 2 * PieceGeometry.MAX_LENGTH) {
        throw new BencodeException("the v1 files add up to too many bytes", -1);
      }
    }
    if (seen.size() != v2.size() || v2.size() != files.size()) {
      throw new BencodeException("the v1 'files' list and the file tree list different files", -1);
    }
    return offset;
  }

  /** The piece layers, each checked against its file's root; absent altogether is allowed. */
  private static Map<String, byte[]> layers(BValue value, List<Metainfo.FileEntry> files, int pl) {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof BDict d)) {
      throw new BencodeException("'piece layers' is not a dictionary", -1);
    }
    Map<String, byte[]> out = new HashMap<>();
    for (Metainfo.FileEntry f : files) {
      if (f.length() <= pl) {
        continue; // a one-piece file's root is its piece hash: BEP 52 stores no layer
      }
      if (!(d.entries().get(BBytes.of(f.piecesRoot())) instanceof BBytes layer)) {
        throw new BencodeException("'piece layers' lacks the layer of '"
            + TorrentPaths.show(f.path()) + "'", -1);
      }
      try {
        MerkleTree.fromPieceLayerBytes(f.geometry(pl), layer.bytes(), f.piecesRoot());
      } catch (IllegalArgumentException e) {
        throw new BencodeException("the piece layer of '" + TorrentPaths.show(f.path())
            + "' does not match its pieces root: " + e.getMessage(), -1);
      }
      out.put(HexFormat.of().formatHex(f.piecesRoot()), layer.bytes());
    }
    if (out.size() != d.entries().size()) {
      throw new BencodeException("'piece layers' has an entry that belongs to no file", -1);
    }
    return out;
  }

  private static String text(BValue v, String what) {
    if (!(v instanceof BBytes b)) {
      throw new BencodeException(what + " is missing or not a byte string", -1);
    }
    try {
      return b.utf8();
    } catch (BencodeException e) {
      throw new BencodeException(what + " is not UTF-8", -1);
    }
  }

  private static long integer(BValue v, String what) {
    if (!(v instanceof BInt i)) {
      throw new BencodeException(what + " is missing or not an integer", -1);
    }
    return i.value();
  }
}
