package io.shroud.swarm.serve;

import io.shroud.content.Folder;
import io.shroud.content.FolderScan;
import io.shroud.content.Metainfo;
import io.shroud.content.PieceLengths;
import io.shroud.content.ShareBuilder;
import io.shroud.content.ShareLink;
import io.shroud.content.ShareMetadata;
import io.shroud.content.ShareOptions;
import io.shroud.swarm.serve.ShareJournal.ShareAdded;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 */
final class FolderShares {
  /** A member built: its metadata, piece layer hash (the layer is in its file) and the file's fingerprint. */
  record Member(ShareMetadata metadata, byte[] layerSha256, ShareFileCheck.Fingerprint fingerprint, Path source) {}

  /** A folder built from a directory, with its non-empty files' members. */
  record Built(Folder folder, Path dir, List<Member> members) {}

  private final Map<String, Optional<Folder>> parsed = new HashMap<>();

  /**
   * Scans {@code dir} and builds every non-empty file as a public member share (leaves and piece
   * layer into {@code store}), then the folder's info dictionary. {@code pieceLength} 0 picks
   * libtorrent's choice for the total size. Blocking: off the actor's thread.
   */
  static Built build(ShareStore store, ShareBuilder builder, Path dir, int pieceLength) throws IOException {
    List<FolderScan.Found> found = FolderScan.scan(dir);
    long total = found.stream().mapToLong(FolderScan.Found::length).sum();
    int pl = pieceLength != 0 ? pieceLength : PieceLengths.choose(total);
    String plProblem = PieceLengths.problem(pl);
    if (plProblem != null) {
      throw new IllegalArgumentException(plProblem);
    }
    List<Metainfo.FileEntry> entries = new ArrayList<>();
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
        continue;
      }
      Path leaves = store.newTempLeaves();
      try {
        ShareMetadata m = builder.build(f.file(), ShareOptions.publicShare().withPieceLength(pl).withLeavesOut(leaves));
        if (!ShareFileCheck.fingerprint(f.file()).equals(Optional.of(before))) {
          throw new IllegalStateException("file changed while the folder was being shared: " + f.file());
        }
        store.adoptLeaves(leaves, m.infoHashHex());
        byte[] layerSha = store.writeLayer(m.infoHashHex(), m.tree().pieceLayerBytes());
        members.add(new Member(m, layerSha, before, f.file()));
        entries.add(new Metainfo.FileEntry(f.path(), f.length(), m.piecesRoot().orElseThrow(), attr));
      } finally {
        Files.deleteIfExists(leaves);
      }
    }
    return new Built(Folder.build(dir.getFileName().toString(), pl, entries), dir, members);
  }

  /** The events that record {@code built}: each member not in {@code shares} yet, then the folder. */
  static List<ShareJournal.Event> events(Built built, Map<String, ShareAdded> shares, Instant now) {
    List<ShareJournal.Event> events = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Member m : built.members()) {
      String h = m.metadata().infoHashHex();
      if (!shares.containsKey(h) && seen.add(h)) {
        events.add(new ShareAdded(h, m.source().toString(), true, m.metadata().info().encode(), m.layerSha256(),
            m.fingerprint().size(), m.fingerprint().modifiedMillis(), now));
      }
    }
    Folder f = built.folder();
    events.add(new ShareAdded(f.infoHashHex(), built.dir().toString(), true, f.infoBytes(), new byte[32],
        f.totalLength(), 0, now));
    return events;
  }

  /** The folder {@code s} records, or empty when it records a file. */
  Optional<Folder> folderOf(ShareAdded s) {
    return parsed.computeIfAbsent(s.infoHashHex(), h -> {
      if (!s.publicShare()) {
        return Optional.empty();
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

  /** Every share that is a member of some shared folder. */
  Set<String> allMembers(Map<String, ShareAdded> shares) {
    Set<String> out = new HashSet<>();
    for (ShareAdded s : shares.values()) {
      folderOf(s).ifPresent(f -> out.addAll(members(f, s, shares)));
    }
    return out;
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
