package io.shroud.content;

import io.shroud.content.BValue.BBytes;
import io.shroud.content.BValue.BDict;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything {@link ShareBuilder} learned about one share: the info dictionary and info-hash,
 * the Merkle tree of the bytes the network carries, the link, and (encrypted shares) the
 * manifest. {@link #dataFile()} is the file to serve pieces from: the original for a public
 * share, the ciphertext for an encrypted one. {@link #toString()} leaves out the key.
 *
 * @param info the v2 info dictionary
 * @param tree the tree over {@link #dataFile()}'s bytes
 * @param link the share link (holds the key of an encrypted share: treat as a secret)
 * @param manifest the plaintext manifest; empty for a public share
 * @param dataFile the file whose bytes the network carries
 */
public record ShareMetadata(
    InfoDict info, MerkleTree tree, ShareLink link, Optional<Manifest> manifest, Path dataFile) {

  public byte[] infoHash() {
    return info.infoHash();
  }

  public String infoHashHex() {
    return HexFormat.of().formatHex(info.infoHash());
  }

  /** Pieces root over the carried bytes; empty for an empty file. */
  public Optional<byte[]> piecesRoot() {
    return info.piecesRoot();
  }

  public List<byte[]> pieceLayer() {
    return tree.pieceLayer();
  }

  public int pieceLength() {
    return info.geometry().pieceLength();
  }

  /** Length of the carried bytes (equal to the plaintext length: CTR adds nothing). */
  public long length() {
    return info.geometry().length();
  }

  public boolean encrypted() {
    return link.encrypted();
  }

  /**
   * The .torrent file: {@code {"info": …, "piece layers": {root: layer}}}, with a piece-layers
   * entry only when the file is longer than one piece (BEP 52).
   */
  public byte[] torrentFile() {
    TreeMap<BBytes, BValue> layers = new TreeMap<>();
    if (length() > pieceLength()) {
      layers.put(BBytes.of(tree.root()), BBytes.of(tree.pieceLayerBytes()));
    }
    return Bencode.encode(BDict.of(Map.of("info", info.toBValue(), "piece layers",
        new BDict(layers))));
  }

  @Override
  public String toString() {
    return "ShareMetadata[" + infoHashHex() + (encrypted() ? ", encrypted" : ", public")
        + ", length=" + length() + ", pieceLength=" + pieceLength() + "]";
  }
}
