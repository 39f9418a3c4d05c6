package io.shroud.content;

import io.shroud.content.BValue.BBytes;
import io.shroud.content.BValue.BDict;
import io.shroud.content.BValue.BInt;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A public folder share: the BEP 52 multi-file info dictionary of a directory tree, exactly as
 * libtorrent 2.0.8 writes it for the same files and piece length ({@code file tree} with one
 * {@code pieces root} per non-empty file, {@code attr = "x"} for an executable file,
 * {@code meta version}, {@code name}, {@code piece length}).
 *
 * <p>Shroud carries a folder as its files: each non-empty file is also a single-file public
 * share of its own, its <em>member</em> ({@link #memberLink}), named by the BEP 52 info
 * dictionary of that one file under its last path component with the folder's piece length.
 * The seeder serves and announces every member and the folder's info dictionary; a downloader
 * fetches the folder's dictionary (from a {@code .torrent} or by metadata exchange), checks it
 * against the info-hash, and then downloads the members it selected, each verified against its
 * pieces root as any share is. A member's info-hash is a function of public facts of the folder
 * (name, length, root, piece length), so both ends derive it alike.
 */
public final class Folder {
  private final Metainfo metainfo;

  private Folder(Metainfo metainfo) {
    this.metainfo = metainfo;
  }

  /** The folder a parsed multi-file torrent describes; a single file or an encrypted share's dictionary is refused. */
  public static Folder of(Metainfo torrent) {
    if (torrent.singleFile()) {
      throw new BencodeException("a single file, not a folder", -1);
    }
    if (((BDict) Bencode.decode(torrent.infoBytes())).get(InfoDict.MANIFEST_KEY) != null) {
      throw new BencodeException("this info dictionary is an encrypted share's: fetch it by its link", -1);
    }
    return new Folder(torrent);
  }

  /** Parses and checks a bare info dictionary (from metadata exchange) as {@link Metainfo#parse} checks a torrent's. */
  public static Metainfo parseInfo(byte[] infoBytes) {
    BValue info = Bencode.decode(infoBytes);
    return Metainfo.parse(Bencode.encode(BDict.of(Map.of("info", info))));
  }

  /**
   * The info dictionary of a folder named {@code name} holding {@code files} (paths under the
   * folder; each non-empty one with its pieces root), as libtorrent writes it.
   */
  public static Folder build(String name, int pieceLength, List<Metainfo.FileEntry> files) {
    TreeMap<BBytes, Object> tree = new TreeMap<>();
    for (Metainfo.FileEntry f : files) {
      TreeMap<BBytes, Object> dir = tree;
      List<String> path = f.path();
      for (int i = 0; i < path.size() - 1; i++) {
        Object sub = dir.computeIfAbsent(BBytes.of(path.get(i)), k -> new TreeMap<BBytes, Object>());
        if (!(sub instanceof TreeMap<?, ?>)) {
          throw new IllegalArgumentException("'" + f.pathText() + "' runs through a file");
        }
        @SuppressWarnings("unchecked")
        TreeMap<BBytes, Object> next = (TreeMap<BBytes, Object>) sub;
        dir = next;
      }
      TreeMap<BBytes, BValue> leaf = new TreeMap<>();
      if (!f.attr().isEmpty()) {
        leaf.put(BBytes.of("attr"), BBytes.of(f.attr()));
      }
      leaf.put(BBytes.of("length"), new BInt(f.length()));
      f.root().ifPresent(r -> leaf.put(BBytes.of("pieces root"), BBytes.of(r)));
      if (dir.put(BBytes.of(path.get(path.size() - 1)), BDict.of(Map.of("", new BDict(leaf)))) != null) {
        throw new IllegalArgumentException("'" + f.pathText() + "' is listed twice");
      }
    }
    TreeMap<BBytes, BValue> info = new TreeMap<>();
    info.put(BBytes.of("file tree"), toDict(tree));
    info.put(BBytes.of("meta version"), new BInt(2));
    info.put(BBytes.of("name"), BBytes.of(name));
    info.put(BBytes.of("piece length"), new BInt(pieceLength));
    Metainfo parsed = parseInfo(Bencode.encode(new BDict(info)));
    if (parsed.singleFile()) {
      throw new IllegalArgumentException("a folder holding one file directly is shared as that file");
    }
    return new Folder(parsed);
  }

  private static BDict toDict(TreeMap<BBytes, Object> dir) {
    TreeMap<BBytes, BValue> out = new TreeMap<>();
    dir.forEach((k, v) -> {
      @SuppressWarnings("unchecked")
      BValue value = v instanceof BValue b ? b : toDict((TreeMap<BBytes, Object>) v);
      out.put(k, value);
    });
    return new BDict(out);
  }

  public Metainfo metainfo() {
    return metainfo;
  }

  public byte[] infoBytes() {
    return metainfo.infoBytes();
  }

  public byte[] infoHash() {
    return metainfo.infoHash();
  }

  public String infoHashHex() {
    return metainfo.infoHashHex();
  }

  public String name() {
    return metainfo.name();
  }

  public int pieceLength() {
    return metainfo.pieceLength();
  }

  /** The files in file-tree order; file {@code i} (1-based, as {@code --select-file} counts) is {@code files().get(i - 1)}. */
  public List<Metainfo.FileEntry> files() {
    return metainfo.files();
  }

  public long totalLength() {
    return metainfo.totalLength();
  }

  /** The member share carrying {@code file}'s bytes; empty for an empty file (nothing to carry). */
  public Optional<ShareLink> memberLink(Metainfo.FileEntry file) {
    if (file.length() == 0) {
      return Optional.empty();
    }
    List<String> path = file.path();
    InfoDict member = new InfoDict(path.get(path.size() - 1), file.geometry(pieceLength()), file.piecesRoot(), null);
    return Optional.of(ShareLink.forPublic(member));
  }

  /** The member links of every non-empty file, in file order. */
  public List<ShareLink> memberLinks() {
    List<ShareLink> links = new ArrayList<>();
    files().forEach(f -> memberLink(f).ifPresent(links::add));
    return links;
  }

  /**
   * The folder's link: a bare magnet naming its v2 info-hash, with {@code dn} and {@code xl} for
   * other clients; a downloader fetches the info dictionary from the seeders (BEP 9).
   */
  public String link() {
    return MagnetQuery.PREFIX + "xt=urn:btmh:1220" + infoHashHex() + "&dn=" + MagnetQuery.encode(name())
        + "&xl=" + totalLength();
  }

  /**
   * The {@code .torrent}: the info dictionary and a {@code piece layers} entry for every file
   * longer than one piece ({@code layers}: pieces root → concatenated piece hashes).
   */
  public byte[] torrentFile(Map<String, byte[]> layersByRootHex) {
    TreeMap<BBytes, BValue> layers = new TreeMap<>();
    for (Metainfo.FileEntry f : files()) {
      if (f.length() > pieceLength()) {
        String root = HexFormat.of().formatHex(f.piecesRoot());
        byte[] layer = layersByRootHex.get(root);
        if (layer == null) {
          throw new IllegalArgumentException("no piece layer for " + f.pathText());
        }
        layers.put(BBytes.of(f.piecesRoot()), BBytes.of(layer));
      }
    }
    TreeMap<BBytes, BValue> top = new TreeMap<>();
    top.put(BBytes.of("info"), Bencode.decode(infoBytes()));
    top.put(BBytes.of("piece layers"), new BDict(layers));
    return Bencode.encode(new BDict(top));
  }

  @Override
  public String toString() {
    return "Folder[" + infoHashHex() + ", " + files().size() + " files, pieceLength=" + pieceLength() + "]";
  }
}
