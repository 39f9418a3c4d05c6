package io.shroud.content;

import io.shroud.content.BValue.BBytes;
import io.shroud.content.BValue.BDict;
import io.shroud.content.BValue.BInt;
import io.shroud.content.BValue.BList;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * BEP 52's hybrid (v1+v2) {@code .torrent} of a public folder ({@link Folder}), which v1 clients
 * read too. Its {@code info} is the folder's v2 one plus the v1 keys, byte for byte what
 * libtorrent 2.0.8's {@code create_torrent} writes without flags for the same directory and piece
 * length (found by running it, see {@code HybridFolderInteropTest}):
 *
 * <ul>
 *   <li>{@code files}: the files in file-tree order (path components compared as bytes, depth
 *       first: the order of {@link Folder#files()}), each {@code {attr?, length, path}} with
 *       {@code attr "x"} for an executable file;
 *   <li>after every non-empty file whose length is not a multiple of the piece length, the
 *       last file included, a BEP 47 pad file {@code {attr "p", length N, path [".pad", "N"]}}
 *       filling its last piece; an empty file gets none (it starts and ends anywhere), so every
 *       non-empty file starts on a piece boundary;
 *   <li>{@code pieces}: SHA-1 of every v1 piece of the padded concatenation. As no piece spans
 *       two files, that is each non-empty file's pieces in turn, its last one hashed with zeros
 *       up to a whole piece.
 * </ul>
 *
 * The piece hashes are computed here, in one streaming pass over each file, which also recomputes
 * the file's v2 tree: a file that is missing, no longer regular, or whose bytes no longer give
 * its pieces root is refused, so the export never describes bytes the folder no longer has.
 * Note that the hybrid dictionary has its own v2 info-hash, not the folder's (BEP 52).
 */
public final class HybridFolderTorrent {
  private HybridFolderTorrent() {}

  /**
   * The hybrid {@code .torrent} of {@code folder}, reading its files under {@code dir}; the
   * {@code piece layers} are {@code layersByRootHex}'s as {@link Folder#torrentFile} takes them.
   * Blocking I/O.
   *
   * @throws IllegalArgumentException a file changed since the folder was shared, or a layer is missing
   * @throws IOException a file cannot be read
   */
  public static byte[] export(Folder folder, Path dir, Map<String, byte[]> layersByRootHex) throws IOException {
    BDict v2 = (BDict) Bencode.decode(folder.torrentFile(layersByRootHex));
    int pl = folder.pieceLength();
    ByteArrayOutputStream pieces = new ByteArrayOutputStream();
    for (Metainfo.FileEntry f : folder.files()) {
      Path file = resolve(dir, f.path());
      BasicFileAttributes attrs;
      try {
        attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (java.nio.file.NoSuchFileException e) {
        throw new IllegalArgumentException(f.pathText() + " is no longer in the folder: share it again");
      }
      if (!attrs.isRegularFile()) {
        throw new IllegalArgumentException(f.pathText() + " is no longer a regular file: share the folder again");
      }
      if (f.length() == 0) {
        if (attrs.size() != 0) {
          throw new IllegalArgumentException(f.pathText() + " is no longer empty: share the folder again");
        }
        continue;
      }
      try {
        pieces.writeBytes(HybridTorrent.v1Pieces(file, f.geometry(pl), f.piecesRoot(), true));
      } catch (HybridTorrent.Changed e) {
        throw new IllegalArgumentException(f.pathText() + ": " + e.getMessage().replace("the file", "it"));
      }
    }
    TreeMap<BBytes, BValue> top = new TreeMap<>(v2.entries());
    top.put(BBytes.of("info"), info(folder, pieces.toByteArray()));
    return Bencode.encode(new BDict(top));
  }

  /** The hybrid info dictionary: the folder's keys plus {@code files} (with pad files) and {@code pieces}. */
  public static BDict info(Folder folder, byte[] pieces) {
    TreeMap<BBytes, BValue> m = new TreeMap<>(((BDict) Bencode.decode(folder.infoBytes())).entries());
    m.put(BBytes.of("files"), new BList(v1Files(folder)));
    m.put(BBytes.of("pieces"), BBytes.of(pieces));
    return new BDict(m);
  }

  /** The v1 {@code files} list, pad files where libtorrent puts them. */
  static List<BValue> v1Files(Folder folder) {
    int pl = folder.pieceLength();
    List<BValue> out = new ArrayList<>();
    for (Metainfo.FileEntry f : folder.files()) {
      out.add(entry(f.attr(), f.length(), f.path()));
      long tail = f.length() % pl;
      if (tail != 0) {
        long pad = pl - tail;
        out.add(entry("p", pad, List.of(".pad", Long.toString(pad))));
      }
    }
    return out;
  }

  private static BDict entry(String attr, long length, List<String> path) {
    TreeMap<BBytes, BValue> e = new TreeMap<>();
    if (!attr.isEmpty()) {
      e.put(BBytes.of("attr"), BBytes.of(attr));
    }
    e.put(BBytes.of("length"), new BInt(length));
    e.put(BBytes.of("path"), new BList(path.stream().<BValue>map(BBytes::of).toList()));
    return new BDict(e);
  }

  /** {@code path} under {@code dir}; the components were checked when the folder was parsed. */
  private static Path resolve(Path dir, List<String> path) {
    Path p = dir;
    for (String c : path) {
      p = p.resolve(c);
    }
    if (!p.normalize().startsWith(dir.normalize()) || p.normalize().equals(dir.normalize())) {
      throw new IllegalArgumentException("'" + String.join("/", path) + "' is not under the folder");
    }
    return p;
  }
}
