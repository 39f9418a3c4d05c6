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
 *
 * <p>An <em>encrypted</em> folder is the same, hidden: each file is an encrypted share with its
 * own key, and the folder's info dictionary is {@code {"name": "shroud-encrypted", "x.folder":
 * sealed}} where the sealed {@link FolderManifest} holds the name, the tree and every member's
 * link; its link carries the folder key ({@code x.fk}), and the dictionary is fetched from the
 * seeders by metadata exchange like a public folder's. {@link #toString()} leaves the key out.
 */
public final class Folder {
  private final byte[] infoBytes;
  private final String name;
  private final int pieceLength;
  private final List<Metainfo.FileEntry> files;
  /** Parallel to {@link #files}: each file's member link, null for an empty file. */
  private final List<ShareLink> members;
  private final java.util.IdentityHashMap<Metainfo.FileEntry, ShareLink> byEntry = new java.util.IdentityHashMap<>();
  private final ShareKey key;

  private Folder(byte[] infoBytes, String name, int pieceLength, List<Metainfo.FileEntry> files,
      List<ShareLink> members, ShareKey key) {
    this.infoBytes = infoBytes.clone();
    this.name = name;
    this.pieceLength = pieceLength;
    this.files = List.copyOf(files);
    this.members = java.util.Collections.unmodifiableList(new ArrayList<>(members));
    for (int i = 0; i < this.files.size(); i++) {
      byEntry.put(this.files.get(i), members.get(i));
    }
    this.key = key;
  }

  private Folder(Metainfo metainfo) {
    this(metainfo.infoBytes(), metainfo.name(), metainfo.pieceLength(), metainfo.files(),
        publicMembers(metainfo), null);
  }

  private static List<ShareLink> publicMembers(Metainfo m) {
    List<ShareLink> links = new ArrayList<>();
    for (Metainfo.FileEntry file : m.files()) {
      if (file.length() == 0) {
        links.add(null);
      } else {
        List<String> path = file.path();
        InfoDict member = new InfoDict(path.get(path.size() - 1), file.geometry(m.pieceLength()),
            file.piecesRoot(), null);
        links.add(ShareLink.forPublic(member));
      }
    }
    return links;
  }

  /** An encrypted folder: its opened manifest, its info dictionary ({@code info}) and its key. */
  public static Folder encrypted(FolderManifest manifest, byte[] info, ShareKey key) {
    List<Metainfo.FileEntry> files = new ArrayList<>();
    List<ShareLink> links = new ArrayList<>();
    for (FolderManifest.Entry e : manifest.files()) {
      files.add(new Metainfo.FileEntry(e.path(), e.length(),
          e.link() == null ? null : e.link().piecesRoot().orElseThrow(), ""));
      links.add(e.link());
    }
    return new Folder(info, manifest.name(), manifest.pieceLength(), files, links, key);
  }

  /**
   * The folder {@code info} describes: a public folder's BEP 52 dictionary, or an encrypted
   * folder's, opened with {@code key}.
   *
   * @throws IllegalArgumentException (a {@link BencodeException} among them) for a dictionary that
   *     is neither, or an encrypted one without its key or that does not open
   */
  public static Folder parse(byte[] info, ShareKey key) {
    if (FolderManifest.isEncryptedFolder(info)) {
      if (key == null) {
        throw new IllegalArgumentException("an encrypted folder needs its key (x.fk) to be read");
      }
      try {
        return encrypted(FolderManifest.open(key, info), info, key);
      } catch (ContentDecryptionException e) {
        throw new IllegalArgumentException(e.getMessage());
      }
    }
    return of(parseInfo(info));
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

  public byte[] infoBytes() {
    return infoBytes.clone();
  }

  public byte[] infoHash() {
    return Merkle.sha256().digest(infoBytes);
  }

  public String infoHashHex() {
    return HexFormat.of().formatHex(infoHash());
  }

  public String name() {
    return name;
  }

  public int pieceLength() {
    return pieceLength;
  }

  public boolean encrypted() {
    return key != null;
  }

  /** An encrypted folder's key (a secret: whoever has it reads the folder); empty for a public one. */
  public Optional<ShareKey> key() {
    return Optional.ofNullable(key);
  }

  /** The files in file-tree order; file {@code i} (1-based, as {@code --select-file} counts) is {@code files().get(i - 1)}. */
  public List<Metainfo.FileEntry> files() {
    return files;
  }

  public long totalLength() {
    return files.stream().mapToLong(Metainfo.FileEntry::length).sum();
  }

  /** The member share carrying {@code file}'s bytes (one of {@link #files()}); empty for an empty file. */
  public Optional<ShareLink> memberLink(Metainfo.FileEntry file) {
    if (!byEntry.containsKey(file)) {
      throw new IllegalArgumentException("not a file of this folder");
    }
    return Optional.ofNullable(byEntry.get(file));
  }

  /** The member links of every non-empty file, in file order. */
  public List<ShareLink> memberLinks() {
    return members.stream().filter(java.util.Objects::nonNull).toList();
  }

  /**
   * The folder's link. Public: a bare magnet naming its v2 info-hash, with {@code dn} and
   * {@code xl} for other clients; a downloader fetches the info dictionary from the seeders
   * (BEP 9). Encrypted: {@code xt} and the folder key {@code x.fk} only (a secret).
   */
  public String link() {
    if (key != null) {
      return MagnetQuery.PREFIX + "xt=urn:btmh:1220" + infoHashHex() + "&x.fk=" + key.toBase64Url();
    }
    return MagnetQuery.PREFIX + "xt=urn:btmh:1220" + infoHashHex() + "&dn=" + MagnetQuery.encode(name())
        + "&xl=" + totalLength();
  }

  /**
   * The {@code .torrent}: the info dictionary and a {@code piece layers} entry for every file
   * longer than one piece ({@code layers}: pieces root → concatenated piece hashes).
   */
  public byte[] torrentFile(Map<String, byte[]> layersByRootHex) {
    if (key != null) {
      throw new IllegalArgumentException("an encrypted folder has no .torrent: its link carries the key");
    }
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
    return "Folder[" + infoHashHex() + (key != null ? ", encrypted, " : ", ") + files().size() + " files, pieceLength="
        + pieceLength() + "]";
  }
}
