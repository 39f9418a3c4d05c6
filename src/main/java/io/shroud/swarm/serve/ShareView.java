package io.shroud.swarm.serve;

import io.shroud.content.Folder;
import io.shroud.content.InfoDict;
import io.shroud.content.ShareLink;
import io.shroud.swarm.serve.ShareJournal.ShareAdded;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One share as the API shows it. The link holds the key of an encrypted share.
 *
 * @param files how many files: 1 for a file, the folder's count for a folder
 * @param memberOf the info-hash of the folder this file's share belongs to, or null
 */
public record ShareView(
    String infoHash,
    String link,
    String name,
    String path,
    boolean encrypted,
    long length,
    int pieceLength,
    int pieces,
    String addedAt,
    boolean stale,
    String staleReason,
    int files,
    String memberOf) {

  /** A file's share. */
  static ShareView ofFile(ShareAdded s, ShareLink link, Optional<String> stale, String memberOf) {
    InfoDict info = InfoDict.parse(s.infoDict());
    return new ShareView(s.infoHashHex(), link.format(), Path.of(s.sourcePath()).getFileName().toString(),
        s.sourcePath(), !s.publicShare(), info.geometry().length(), info.geometry().pieceLength(),
        info.geometry().pieceCount(), s.addedAt().toString(), stale.isPresent(), stale.orElse(null), 1, memberOf);
  }

  /** A folder's record: its totals, and its link (an encrypted folder's holds its key). */
  static ShareView ofFolder(ShareAdded s, Folder f, Optional<String> stale) {
    int pieces = f.files().stream().mapToInt(e -> e.geometry(f.pieceLength()).pieceCount()).sum();
    return new ShareView(s.infoHashHex(), f.link(), f.name(), s.sourcePath(), f.encrypted(), f.totalLength(),
        f.pieceLength(), pieces, s.addedAt().toString(), stale.isPresent(), stale.orElse(null), f.files().size(), null);
  }
}
