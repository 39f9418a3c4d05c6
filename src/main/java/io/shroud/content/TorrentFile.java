package io.shroud.content;

import io.shroud.content.BValue.BDict;
import java.util.Arrays;
import java.util.List;

/**
 * A {@code .torrent} file someone hands a node to fetch: {@link Metainfo#parse} checks all of it
 * (v2 or hybrid, single file or a tree, paths, piece layers), then the file it names becomes a
 * {@link ShareLink}.
 *
 * <p>Shroud names a public share by the BEP 52 v2-only info dictionary of its file
 * ({@code name}, {@code piece length}, the file's length and pieces root: {@link InfoDict}),
 * which is what a Shroud node sharing that file announces. For a v2-only torrent made by
 * libtorrent or Shroud that is the torrent's own info dictionary, so the link has the torrent's
 * info-hash. A hybrid torrent's v2 info-hash covers its v1 fields too, and a torrent may carry
 * keys Shroud does not keep ({@code private}, {@code source}, file {@code attr}): the link then
 * names the same file's Shroud share, whose info-hash differs from the torrent's
 * ({@link #sameInfoHash}). A multi-file torrent is a folder ({@link Folder#of}), not one link.
 */
public final class TorrentFile {
  /** Largest {@code .torrent} accepted, in bytes (the bencode decoder's own bound). */
  public static final int MAX_BYTES = Bencode.MAX_INPUT_LENGTH;
  /** The refusal of a valid multi-file torrent where one file's link is asked for: a folder is fetched as a {@link Folder}. */
  public static final String MULTI_FILE = "a multi-file torrent is a folder, not one file's share";

  private TorrentFile() {}

  /**
   * The public share link of a single-file v2 or hybrid {@code .torrent}.
   *
   * @throws BencodeException naming what is wrong: not bencoding, no {@code info}, v1-only, a bad
   *     path, piece layers that do not match, several files, an encrypted share's metadata
   */
  public static ShareLink linkOf(byte[] torrent) {
    return linkOf(Metainfo.parse(torrent));
  }

  /** The public share link of a parsed single-file torrent; see {@link #linkOf(byte[])}. */
  public static ShareLink linkOf(Metainfo torrent) {
    if (!torrent.singleFile()) {
      throw new BencodeException(MULTI_FILE + ": this one has " + torrent.files().size()
          + (torrent.files().size() == 1 ? " file" : " files") + " under '" + torrent.name() + "'", -1);
    }
    BDict info = (BDict) Bencode.decode(torrent.infoBytes());
    if (info.get(InfoDict.MANIFEST_KEY) != null) {
      throw new BencodeException("this info dictionary is an encrypted share's: fetch it by its link", -1);
    }
    Metainfo.FileEntry file = torrent.files().get(0);
    if (!file.path().get(0).equals(torrent.name())) {
      throw new BencodeException("the file tree names '" + TorrentPaths.show(file.path())
          + "' but 'name' is '" + TorrentPaths.show(List.of(torrent.name())) + "'", -1);
    }
    InfoDict dict = new InfoDict(torrent.name(), file.geometry(torrent.pieceLength()),
        file.piecesRoot(), null);
    return ShareLink.forPublic(dict);
  }

  /** True when {@code link} (from {@link #linkOf}) has the torrent's own v2 info-hash. */
  public static boolean sameInfoHash(Metainfo torrent, ShareLink link) {
    return Arrays.equals(torrent.infoHash(), link.infoHash());
  }
}
