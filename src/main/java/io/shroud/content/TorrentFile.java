package io.shroud.content;

import io.shroud.content.BValue.BBytes;
import io.shroud.content.BValue.BDict;
import java.util.Arrays;

/**
 * A {@code .torrent} file someone hands a node to fetch (BEP 3 / BEP 52): only what makes a
 * {@link ShareLink} is read from it. Its {@code info} dictionary must be a BEP 52 single-file
 * v2 one; the info-hash is the SHA-256 of the dictionary exactly as the file encodes it, and a
 * dictionary that does not re-encode byte for byte (not canonical bencoding) is refused rather
 * than given a different hash. {@code piece layers} and announce keys are ignored: the
 * downloader fetches the piece layer from its sources and checks it against {@code pieces root}.
 * Multi-file and hybrid (v1+v2) torrents are refused with a message saying so.
 */
public final class TorrentFile {
  /** Largest {@code .torrent} accepted, in bytes (the bencode decoder's own bound). */
  public static final int MAX_BYTES = Bencode.MAX_INPUT_LENGTH;

  private TorrentFile() {}

  /**
   * The public share link of a single-file v2 {@code .torrent}.
   *
   * @throws BencodeException naming what is wrong: not bencoding, no {@code info}, not v2,
   *     several files, hybrid, an encrypted share's metadata, not canonical
   */
  public static ShareLink linkOf(byte[] torrent) {
    if (torrent.length == 0) {
      throw new BencodeException("the .torrent is empty", 0);
    }
    if (!(Bencode.decode(torrent) instanceof BDict top)) {
      throw new BencodeException("a .torrent is a bencoded dictionary", 0);
    }
    if (!(top.get("info") instanceof BDict info)) {
      throw new BencodeException("the .torrent has no 'info' dictionary", -1);
    }
    if (info.get("meta version") == null) {
      throw new BencodeException("a v1-only .torrent has no SHA-256 info-hash: Shroud needs a v2 or hybrid one", -1);
    }
    if (info.get("pieces") != null || info.get("length") != null || info.get("files") != null) {
      throw new BencodeException("hybrid (v1+v2) .torrent files are not supported yet: export a v2-only one", -1);
    }
    if (info.get("file tree") instanceof BDict tree && !singleFile(tree)) {
      throw new BencodeException("multi-file .torrent files are not supported yet: one file per share", -1);
    }
    byte[] encoded = Bencode.encode(info);
    InfoDict dict = InfoDict.parse(encoded);
    if (dict.sealedManifest().isPresent()) {
      throw new BencodeException("this info dictionary is an encrypted share's: fetch it by its link", -1);
    }
    if (!Arrays.equals(dict.encode(), encoded)) {
      throw new BencodeException("the info dictionary is not in canonical form", -1);
    }
    return ShareLink.forPublic(dict);
  }

  /** A file tree of one entry whose value holds the file entry (key "") directly. */
  private static boolean singleFile(BDict tree) {
    if (tree.entries().size() != 1) {
      return false;
    }
    BValue only = tree.entries().values().iterator().next();
    return only instanceof BDict d && d.entries().size() == 1 && d.entries().containsKey(BBytes.of(""));
  }
}
