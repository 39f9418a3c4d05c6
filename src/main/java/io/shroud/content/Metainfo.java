package io.shroud.content;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code .torrent} file (BEP 3 + BEP 52) that passed {@link #parse}: a v2 or hybrid (v1+v2)
 * torrent of one file or of a tree of files, with its info-hashes, every file's path (each
 * component checked by {@link TorrentPaths}), length and {@code pieces root}, and the piece layers
 * checked against those roots.
 *
 * <p>The info-hash is SHA-256 over the {@code info} dictionary exactly as the file encodes it (the
 * decoder accepts only canonical bencoding, so the bytes it re-encodes are the file's). A hybrid
 * torrent also has a v1 info-hash: SHA-1 over the same bytes.
 *
 * @param infoBytes the {@code info} dictionary as the file encodes it
 * @param name the torrent's name: the file's name for a single file, else the top directory
 * @param pieceLength a power of two from 16 KiB to 16 MiB
 * @param files the files in file-tree order; for a single file one entry whose path is the name
 * @param singleFile true for a single-file torrent (one file directly at the top of the tree)
 * @param hybrid true when the torrent also carries the v1 fields ({@code pieces} …)
 * @param pieceLayers verified piece layers by pieces root (hex), for the files that need one;
 *     empty when the torrent carries no {@code piece layers} (a downloader fetches them)
 */
public record Metainfo(byte[] infoBytes, String name, int pieceLength, List<FileEntry> files,
    boolean singleFile, boolean hybrid, Map<String, byte[]> pieceLayers) {
  /** Most files a torrent may list. */
  public static final int MAX_FILES = 10_000;

  /**
   * One file of the tree.
   *
   * @param path components under the torrent's directory (for a single file: just its name)
   * @param length bytes, 0 to {@link PieceGeometry#MAX_LENGTH}
   * @param piecesRoot 32 bytes, or null exactly when the length is 0
   * @param attr BEP 47 attributes ({@code x} executable, {@code h} hidden), "" when none
   */
  public record FileEntry(List<String> path, long length, byte[] piecesRoot, String attr) {
    public FileEntry {
      path = List.copyOf(path);
    }

    public PieceGeometry geometry(int pieceLength) {
      return new PieceGeometry(length, pieceLength);
    }

    public Optional<byte[]> root() {
      return Optional.ofNullable(piecesRoot).map(byte[]::clone);
    }

    /** The path joined with '/', for messages and listings. */
    public String pathText() {
      return String.join("/", path);
    }
  }

  public Metainfo {
    files = List.copyOf(files);
    pieceLayers = Map.copyOf(pieceLayers);
  }

  /** Parses and checks a {@code .torrent}; any breach is a {@link BencodeException} saying what. */
  public static Metainfo parse(byte[] torrent) {
    return MetainfoParser.parse(torrent);
  }

  /** The v2 info-hash: SHA-256 of {@link #infoBytes()}. */
  public byte[] infoHash() {
    return Merkle.sha256().digest(infoBytes);
  }

  public String infoHashHex() {
    return HexFormat.of().formatHex(infoHash());
  }

  /** The v1 info-hash (SHA-1 of the same bytes) of a hybrid torrent. */
  public Optional<byte[]> v1InfoHash() {
    if (!hybrid) {
      return Optional.empty();
    }
    try {
      return Optional.of(java.security.MessageDigest.getInstance("SHA-1").digest(infoBytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-1", e);
    }
  }

  public long totalLength() {
    return files.stream().mapToLong(FileEntry::length).sum();
  }

  @Override
  public String toString() {
    return "Metainfo[" + infoHashHex() + (hybrid ? ", hybrid" : ", v2") + ", " + files.size()
        + (files.size() == 1 ? " file" : " files") + ", pieceLength=" + pieceLength + "]";
  }
}
