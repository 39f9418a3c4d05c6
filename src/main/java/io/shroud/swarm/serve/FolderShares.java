package io.shroud.swarm.serve;

import io.shroud.content.Folder;
import io.shroud.content.FolderManifest;
import io.shroud.content.FolderScan;
import io.shroud.content.Metainfo;
import io.shroud.content.PieceLengths;
import io.shroud.content.ShareBuilder;
import io.shroud.content.ShareKey;
import io.shroud.content.ShareLink;
import io.shroud.content.ShareMetadata;
import io.shroud.content.ShareOptions;
import io.shroud.swarm.serve.ShareJournal.ShareAdded;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Folder shares for the catalogue ({@link SharesActor}). A public folder is journaled as one
 * {@link ShareAdded} per non-empty file (its member share, served and announced like any file)
 * followed by one {@link ShareAdded} for the folder itself: its info-hash, the directory as the
 * source path, and the folder's BEP 52 info dictionary, from which the members are derived
 * ({@link Folder#memberLink}). The folder's record serves metadata (BEP 9) and its
 * {@code .torrent}; it carries no pieces of its own. A folder is stale when any member is.
 *
 * <p>An encrypted folder is journaled alike: each member an encrypted share with its own key
 * (key and ciphertext in the {@link ShareStore}), then the folder's record, whose info dictionary
 * holds only the sealed {@link FolderManifest}; the folder key is a key file of the store, as a
 * share's key is. No name, path or key reaches the journal.
 */
final class FolderShares {
  /** A member built: its metadata, piece layer hash (the layer is in its file) and the file's fingerprint. */
  record Member(ShareMetadata metadata, byte[] layerSha256, ShareFileCheck.Fingerprint fingerprint, Path source) {}

  /** A folder built from a directory, with its non-empty files' members. */
  record Built(Folder folder, Path dir, List<Member> members) {}

  private final Map<String, Optional<Folder>> parsed = new HashMap<>();
  private final ShareStore store;

  FolderShares(ShareStore store) {
    this.store = store;
  }

  /**
   * Scans {@code dir} and builds every non-empty file as a public member share (leaves and piece
   * layer into {@code store}), then the folder's info dictionary. {@code pieceLength} 0 picks
   * libtorrent's choice for the total size. Blocking: off the actor's thread.
   */
  static Built build(ShareStore store, ShareBuilder builder, Path dir, int pieceLength, boolean encrypt,
      SecureRandom random) throws IOException {
    List<FolderScan.Found> found = FolderScan.scan(dir);
    long total = found.stream().mapToLong(FolderScan.Found::length).sum();
    int pl = pieceLength != 0 ? pieceLength : PieceLengths.choose(total);
    String plProblem = PieceLengths.problem(pl);
    if (plProblem != null) {
      throw new IllegalArgumentException(plProblem);
    }
    List<Metainfo.FileEntry> entries = new ArrayList<>();
    List<FolderManifest.Entry> sealed = new ArrayList<>();
    List<Member> members = new ArrayList<>();
    for (FolderScan.Found f : found) {
      ShareFileCheck.Fingerprint before = ShareFileCheck.fingerprint(f.file()).orElseThrow(
          () -> new IllegalStateException("file vanished: " + f.file()));
      if (before.size() != f.length()) {
        throw new IllegalStateException("file changed while the folder was being shared: " + f.file());
      }
      String attr = f.executable() ? "x" : "";
      if (f.length() == 0) {
        entries.add(new Metainfo.FileEntry(f.path(), 0, null, attr));
        sealed.add(new FolderManifest.Entry(f.path(), 0, null));
        continue;
      }
      Path leaves = store.newTempLeaves();
      Path temp = encrypt ? store.newTempData() : null;
      try {
        ShareOptions options = encrypt ? ShareOptions.encrypted(temp) : ShareOptions.publicShare();
        ShareMetadata m = builder.build(f.file(), options.withPieceLength(pl).withLeavesOut(leaves));
        if (!ShareFileCheck.fingerprint(f.file()).equals(Optional.of(before))) {
          throw new IllegalStateException("file changed while the folder was being shared: " + f.file());
        }
        store.adoptLeaves(leaves, m.infoHashHex());
        byte[] layerSha = store.writeLayer(m.infoHashHex(), m.tree().pieceLayerBytes());
        if (encrypt) {
          Path data = store.adoptData(temp, m.infoHashHex());
          store.writeKey(m.infoHashHex(), m.link().key().orElseThrow());
          m = new ShareMetadata(m.info(), m.tree(), m.link(), m.manifest(), data);
        }
        members.add(new Member(m, layerSha, before, f.file()));
        entries.add(new Metainfo.FileEntry(f.path(), f.length(), m.piecesRoot().orElseThrow(), attr));
        sealed.add(new FolderManifest.Entry(f.path(), f.length(), m.link()));
      } finally {
        Files.deleteIfExists(leaves);
        if (temp != null) {
          Files.deleteIfExists(temp);
        }
      }
    }
    String name = dir.getFileName().toString();
    if (!encrypt) {
      return new Built(Folder.build(name, pl, entries), dir, members);
    }
    ShareKey key = ShareKey.random(random);
    byte[] info = new FolderManifest(name, pl, sealed).infoDict(key, random);
    if (info.length > MAX_ENCRYPTED_INFO) {
      throw new IllegalArgumentException("too many files for an encrypted folder: its sealed list is "
          + info.length + " bytes, more than " + MAX_ENCRYPTED_INFO + "; share it public or in parts");
    }
    Folder folder = Folder.parse(info, key);
    store.writeKey(folder.infoHashHex(), key);
    return new Built(folder, dir, members);
  }

  /** Largest encrypted folder dictionary: what metadata exchange carries (TransferCodec's bound). */
  static final int MAX_ENCRYPTED_INFO = io.shroud.swarm.transfer.TransferCodec.MAX_METADATA_BYTES;

  /** The events that record {@code built}: each member not in {@code shares} yet, then the folder. */
  static List<ShareJournal.Event> events(Built built, Map<String, ShareAdded> shares, Instant now) {
    List<ShareJournal.Event> events = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Member m : built.members()) {
      String h = m.metadata().infoHashHex();
      if (!shares.containsKey(h) && seen.add(h)) {
        events.add(new ShareAdded(h, m.source().toString(), !m.metadata().encrypted(), m.metadata().info().encode(),
            m.layerSha256(),
            m.fingerprint().size(), m.fingerprint().modifiedMillis(), now));
      }
    }
    Folder f = built.folder();
    events.add(new ShareAdded(f.infoHashHex(), built.dir().toString(), !f.encrypted(), f.infoBytes(), new byte[32],
        f.totalLength(), 0, now));
    return events;
  }

  /** The folder {@code s} records, or empty when it records a file. */
  Optional<Folder> folderOf(ShareAdded s) {
    return parsed.computeIfAbsent(s.infoHashHex(), h -> {
      if (!s.publicShare()) {
        if (!FolderManifest.isEncryptedFolder(s.infoDict())) {
          return Optional.empty();
        }
        Optional<ShareKey> key = store.readKey(h);
        return key.map(k -> Folder.parse(s.infoDict(), k));
      }
      try {
        Metainfo m = Folder.parseInfo(s.infoDict());
        return m.singleFile() ? Optional.empty() : Optional.of(Folder.of(m));
      } catch (IllegalArgumentException e) { // BencodeException among them
        return Optional.empty();
      }
    });
  }

  /** The info-hashes of the members of {@code folder} that are shared from under its directory. */
  static List<String> members(Folder folder, ShareAdded record, Map<String, ShareAdded> shares) {
    List<String> out = new ArrayList<>();
    Path dir = Path.of(record.sourcePath());
    for (ShareLink l : folder.memberLinks()) {
      ShareAdded m = shares.get(l.infoHashHex());
      if (m != null && Path.of(m.sourcePath()).startsWith(dir) && !out.contains(l.infoHashHex())) {
        out.add(l.infoHashHex());
      }
    }
    return out;
  }

  /** The folder each member share belongs to: member info-hash → folder info-hash. */
  Map<String, String> memberships(Map<String, ShareAdded> shares) {
    Map<String, String> out = new HashMap<>();
    for (ShareAdded s : shares.values()) {
      folderOf(s).ifPresent(f -> members(f, s, shares).forEach(m -> out.putIfAbsent(m, s.infoHashHex())));
    }
    return out;
  }

  /** True when every member of {@code folder} is in {@code shares}, shared from under {@code dir}. */
  static boolean allMembersUnder(Folder folder, Map<String, ShareAdded> shares, Path dir) {
    for (ShareLink member : folder.memberLinks()) {
      ShareAdded m = shares.get(member.infoHashHex());
      if (m == null || !Path.of(m.sourcePath()).startsWith(dir)) {
        return false;
      }
    }
    return true;
  }

  /** The hybrid v1+v2 {@code .torrent} of a public folder shared from {@code dir}, {@code v2} its v2 one. Blocking. */
  static byte[] hybridTorrent(Folder folder, Path dir, byte[] v2) {
    try {
      return io.shroud.content.HybridFolderTorrent.export(folder, dir, Metainfo.parse(v2).pieceLayers());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The innermost cause of {@code t}. */
  static Throwable rootCause(Throwable t) {
    Throwable why = t;
    while (why.getCause() != null) {
      why = why.getCause();
    }
    return why;
  }

  /**
   * Why a folder is stale: a member is missing from the catalogue, or its own staleness.
   * {@code memberStaleness} answers for one member record.
   */
  static Optional<String> staleness(Folder folder, ShareAdded record, Map<String, ShareAdded> shares,
      java.util.function.Function<ShareAdded, Optional<String>> memberStaleness) {
    for (Metainfo.FileEntry file : folder.files()) {
      Optional<ShareLink> link = folder.memberLink(file);
      if (link.isEmpty()) {
        continue;
      }
      ShareAdded m = shares.get(link.get().infoHashHex());
      if (m == null) {
        return Optional.of(file.pathText() + " is no longer shared");
      }
      Optional<String> why = memberStaleness.apply(m);
      if (why.isPresent()) {
        return Optional.of(file.pathText() + ": " + why.get());
      }
    }
    return Optional.empty();
  }

  /** The folder's {@code .torrent}, with the piece layers read from the members' layer files. */
  static byte[] torrent(Folder folder, ShareStore store, Map<String, ShareAdded> shares)
      throws PieceLayerFile.Unusable {
    Map<String, byte[]> layers = new HashMap<>();
    for (Metainfo.FileEntry f : folder.files()) {
      if (f.length() > folder.pieceLength()) {
        String member = folder.memberLink(f).orElseThrow().infoHashHex();
        ShareAdded m = shares.get(member);
        if (m == null) {
          throw new PieceLayerFile.Unusable(f.pathText() + " is no longer shared");
        }
        layers.put(HexFormat.of().formatHex(f.piecesRoot()), store.readLayer(member, m.pieceLayerSha256(),
            f.geometry(folder.pieceLength()), f.piecesRoot()).pieceLayerBytes());
      }
    }
    return folder.torrentFile(layers);
  }
}
