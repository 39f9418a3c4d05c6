package io.shroud.swarm.fetch;

import io.shroud.content.Folder;
import io.shroud.content.Magnet;
import io.shroud.content.ShareLinkException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Optional;

/**
 * The checks on a request to start a download, before anything is journaled: the link, the hops,
 * a folder's dictionary that came with it (a {@code .torrent}'s) and the file selection, and the
 * output path. Pure apart from looking at the output's directory.
 *
 * @param problem why the request is refused (a 400), or null
 * @param link the parsed link (null when refused for it)
 * @param hops the hops to use
 * @param folder the folder the request's dictionary describes, or null
 * @param selected the selected file numbers of {@code folder}, or null
 */
record StartCheck(String problem, Magnet link, int hops, Folder folder, BitSet selected) {

  static StartCheck of(String linkText, Integer requestedHops, int defaultHops, byte[] metadata, String files,
      String outputPath) {
    Magnet link;
    try {
      // a bare magnet (info-hash only) is accepted: the download fetches its metadata first
      link = Magnet.parse(linkText == null ? "" : linkText.trim());
    } catch (ShareLinkException e) {
      return refused("bad link: " + e.getMessage());
    }
    int hops = requestedHops == null ? defaultHops : requestedHops;
    if (link.shareLink().map(l -> l.geometry().length() == 0).orElse(false)) {
      return refused("the share is empty: nothing to download");
    }
    if (hops < 1 || hops > 4) {
      return refused("hops must be 1..4, got " + hops);
    }
    Folder folder = null;
    BitSet selected = null;
    try {
      if (metadata != null) {
        folder = Folder.of(Folder.parseInfo(metadata));
        if (!Arrays.equals(folder.infoHash(), link.infoHash())) {
          return refused("the folder's info dictionary is not the link's");
        }
        selected = FolderDownload.select(files, folder.files().size());
      } else if (files != null && !files.isBlank()) {
        if (link.metadataKnown()) {
          return refused("files selects among a folder's files; this link is a single file");
        }
        // its syntax now, within the most files a folder may have; the numbers once the folder is known
        FolderDownload.select(files, io.shroud.content.Metainfo.MAX_FILES);
      }
    } catch (IllegalArgumentException e) { // a BencodeException among them
      return refused(e.getMessage());
    }
    Optional<String> output = OutputPaths.problem(outputPath);
    if (output.isPresent()) {
      return refused(output.get());
    }
    return new StartCheck(null, link, hops, folder, selected);
  }

  private static StartCheck refused(String why) {
    return new StartCheck(why, null, 0, null, null);
  }
}
