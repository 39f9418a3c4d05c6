package io.shroud.swarm.fetch;

import io.shroud.content.BValue;
import io.shroud.content.Bencode;
import io.shroud.content.BencodeException;
import io.shroud.content.FileNames;
import io.shroud.content.InfoDict;
import io.shroud.content.Merkle;
import io.shroud.content.ShareLink;
import io.shroud.content.TorrentFile;
import io.shroud.swarm.transfer.TransferCodec;
import io.shroud.swarm.transfer.TransferMessage;
import io.shroud.swarm.transfer.TransferProtocolException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Gathering a share's info dictionary from one source (BEP 9's idea over the transfer protocol),
 * free of Pekko: piece 0 is asked for, its answer gives the dictionary's length (at most
 * {@link TransferCodec#MAX_METADATA_BYTES}), then the other pieces are asked for at once. The
 * whole is accepted only if its SHA-256 equals the info-hash (BEP 52); until then nothing of it
 * is used.
 */
final class MetadataFetch {
  private final byte[] infoHash;
  private byte[] buffer;
  private boolean[] have;
  private int missing = -1;

  MetadataFetch(byte[] infoHash) {
    this.infoHash = infoHash.clone();
  }

  /** The first request to send. */
  List<TransferMessage> start() {
    return List.of(new TransferMessage.MetadataRequest(0));
  }

  /**
   * Takes an answer: the next requests to send (none when nothing more is needed).
   *
   * @throws TransferProtocolException if it is not an answer to what was asked (a length that
   *     changed, a piece twice)
   */
  List<TransferMessage> accept(TransferMessage.Metadata m) throws TransferProtocolException {
    if (buffer == null) {
      if (m.piece() != 0) {
        throw new TransferProtocolException("metadata piece " + m.piece() + " was not asked for");
      }
      buffer = new byte[m.totalLength()];
      have = new boolean[TransferMessage.Metadata.pieceCount(m.totalLength())];
      missing = have.length;
    } else if (m.totalLength() != buffer.length) {
      throw new TransferProtocolException("metadata length changed from " + buffer.length + " to " + m.totalLength());
    }
    if (have[m.piece()]) {
      throw new TransferProtocolException("metadata piece " + m.piece() + " sent twice");
    }
    have[m.piece()] = true;
    missing--;
    System.arraycopy(m.data(), 0, buffer, m.piece() * TransferCodec.METADATA_PIECE_BYTES, m.data().length);
    List<TransferMessage> next = new ArrayList<>();
    if (m.piece() == 0) {
      for (int p = 1; p < have.length; p++) {
        next.add(new TransferMessage.MetadataRequest(p));
      }
    }
    return next;
  }

  boolean complete() {
    return missing == 0;
  }

  /**
   * The whole dictionary, if its SHA-256 is the info-hash.
   *
   * @throws TransferProtocolException if it is not (the source lied or is broken)
   */
  byte[] verified() throws TransferProtocolException {
    MessageDigest sha = Merkle.sha256();
    if (!MessageDigest.isEqual(sha.digest(buffer), infoHash)) {
      throw new TransferProtocolException("the info dictionary does not hash to the info-hash");
    }
    return buffer.clone();
  }

  /**
   * The public share link a verified info dictionary stands for: what {@code x.pl}, {@code x.len}
   * and {@code x.root} would have said, with the dictionary's name as {@code dn}.
   *
   * @param info bytes whose SHA-256 is {@code infoHash}
   * @throws BencodeException saying why the share cannot be fetched from it (a folder, an
   *     encrypted share's dictionary, an empty file, a name the path rules refuse, a shape Shroud
 *     does not serve)
   */
  static ShareLink linkOf(byte[] info, byte[] infoHash) {
    InfoDict dict;
    try {
      dict = InfoDict.parse(info);
    } catch (BencodeException e) {
      if (multiFile(info)) {
        throw new BencodeException(TorrentFile.MULTI_FILE, -1);
      }
      throw new BencodeException("unusable info dictionary: " + e.getMessage(), -1);
    }
    if (dict.sealedManifest().isPresent()) {
      throw new BencodeException("this info dictionary is an encrypted share's: fetch it by its link", -1);
    }
    if (dict.geometry().length() == 0) {
      throw new BencodeException("the share is empty: nothing to download", -1);
    }
    String problem = FileNames.problem(dict.name());
    if (problem != null) {
      throw new BencodeException("the info dictionary's name: " + problem, -1);
    }
    ShareLink link = ShareLink.forPublic(dict);
    if (!Arrays.equals(link.infoHash(), infoHash)) {
      throw new BencodeException("the info dictionary is not in the canonical form Shroud shares", -1);
    }
    return ShareLink.parse(link.format()); // through every rule a link is held to
  }

  /** True for a dictionary whose file tree holds a folder or several files. */
  static boolean multiFile(byte[] info) {
    try {
      if (Bencode.decode(info) instanceof BValue.BDict d && d.get("file tree") instanceof BValue.BDict tree) {
        if (tree.entries().size() > 1) {
          return true;
        }
        for (BValue v : tree.entries().values()) {
          return v instanceof BValue.BDict node && (node.entries().size() > 1 || node.get("") == null);
        }
      }
    } catch (BencodeException e) {
      return false;
    }
    return false;
  }
}
