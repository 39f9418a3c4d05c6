package io.shroud.swarm.fetch;

import com.sun.nio.file.ExtendedOpenOption;
import io.shroud.content.DurableFiles;
import io.shroud.content.Merkle;
import io.shroud.content.PieceGeometry;
import io.shroud.swarm.serve.PieceLayerFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A download's files under {@code <data-dir>/downloads/} (owner-only): {@code <id>.link}, the
 * share link as given (it holds an encrypted share's key, so it stays out of the journal), and
 * {@code <id>.part}, the share's bytes (ciphertext of an encrypted share) written piece by piece
 * at their offsets and forced before a piece is recorded as verified, and {@code <id>.leaves},
 * the verified leaf hash of every block written (32 bytes per block at its block index, not
 * forced: a seed builds proofs from it, and a hash lost in a crash only makes it hash that piece
 * again), and {@code <id>.layer}, the verified piece layer (the journal keeps only its SHA-256,
 * {@link PieceLayerFile}). Every file here is opened without following links, and the part file
 * is created exclusively, its directory entry forced. {@code <id>.outpart} names the
 * {@code <output>.part} this download created, if any ({@link OutputPart}). Blocking I/O: call
 * from the blocking dispatcher.
 */
public final class DownloadStore {
  /** Size of each blocking thread's aligned buffer for direct writes (a group commit's adjacent pieces). */
  static final int DIRECT_BUFFER_BYTES = 1024 * 1024;
  private static final int MAX_DIRECT_ALIGN = 64 * 1024;
  /** Bytes of the leaves file read at a time when looking for written pieces. */
  private static final int LEAVES_CHUNK_BYTES = 1024 * 1024;
  private static final ThreadLocal<ByteBuffer> DIRECT_BUFFER = ThreadLocal.withInitial(
      () -> ByteBuffer.allocateDirect(DIRECT_BUFFER_BYTES + MAX_DIRECT_ALIGN).alignedSlice(MAX_DIRECT_ALIGN)
          .limit(DIRECT_BUFFER_BYTES).slice());

  private final Path dir;
  /** The block size direct writes must align to, or 0 where they are not used. */
  private volatile int directAlign;

  public DownloadStore(Path dataDir) {
    this(dataDir, !Boolean.getBoolean("shroud.download.buffered-writes"));
  }

  /** With {@code directWrites} false, every write goes through the page cache. */
  DownloadStore(Path dataDir, boolean directWrites) {
    this.dir = dataDir.resolve("downloads");
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create download directory " + dir, e);
    }
    this.directAlign = directWrites ? directAlignment(dir) : 0;
  }

  /** Whether block-aligned pieces are (still) written with O_DIRECT. */
  boolean directWrites() {
    return directAlign > 0;
  }

  /** The file system's block size if direct writes may be tried there (a power of two ≤ 64 KiB). */
  private static int directAlignment(Path dir) {
    try {
      long size = Files.getFileStore(dir).getBlockSize();
      return size > 0 && size <= MAX_DIRECT_ALIGN && Long.bitCount(size) == 1 ? (int) size : 0;
    } catch (IOException | UnsupportedOperationException e) {
      return 0;
    }
  }

  public Path partFile(String id) {
    return dir.resolve(id + ".part");
  }

  public Path leavesFile(String id) {
    return dir.resolve(id + ".leaves");
  }

  public Path layerFile(String id) {
    return dir.resolve(id + ".layer");
  }

  /** The {@code <output>.part} an encrypted download decrypts into, with this download's marker of it. */
  OutputPart outputPart(String id, Path output) {
    return new OutputPart(output, dir.resolve(id + ".outpart"));
  }

  /** Writes the verified piece layer atomically and returns its SHA-256, for the journal. */
  public byte[] writeLayer(String id, byte[] layer) throws IOException {
    return PieceLayerFile.write(layerFile(id), layer);
  }

  /** Writes the link file (owner-only) and forces it. */
  public void writeLink(String id, String link) throws IOException {
    Path tmp = dir.resolve(id + ".link.tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(link.getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(id + ".link"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  public Optional<String> readLink(String id) {
    Path file = dir.resolve(id + ".link");
    try {
      return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read download link " + file, e);
    }
  }

  /**
   * One verified piece to write: its index, its offset in the file, its bytes, and the leaf
   * hash each of its blocks was verified with (in order; null when not known).
   */
  public record PieceData(int piece, long offset, byte[] data, byte[][] leafHashes) {
    public PieceData(int piece, long offset, byte[] data) {
      this(piece, offset, data, null);
    }
  }

  /**
   * Writes every piece at its offset of the part file, then forces the file once. Pieces whose
   * offset and length are multiples of the file system's block size (all but a short last piece)
   * are written with {@code O_DIRECT} where the file system allows it, adjacent ones together
   * through a reused aligned buffer: the bytes go from that buffer to the device without a copy
   * into new page-cache pages, which on this project's 2-core VM cost more CPU than the rest of
   * the write (docs/benchmarks.md). The rest, or everything when direct I/O is refused, is
   * written through the page cache.
   */
  public void writePieces(String id, List<PieceData> pieces) throws IOException {
    writeLeaves(id, pieces);
    Path part = partFile(id);
    boolean created = preparePart(part);
    List<PieceData> buffered = pieces;
    if (directAlign > 0) {
      List<PieceData> aligned = new ArrayList<>();
      buffered = new ArrayList<>();
      for (PieceData p : pieces) {
        boolean fits = p.offset() % directAlign == 0 && p.data().length % directAlign == 0;
        (fits ? aligned : buffered).add(p);
      }
      if (!aligned.isEmpty() && !writeDirect(part, aligned)) {
        buffered = pieces;
      }
    }
    if (!buffered.isEmpty()) {
      try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        for (PieceData p : buffered) {
          ByteBuffer buf = ByteBuffer.wrap(p.data());
          while (buf.hasRemaining()) {
            ch.write(buf, p.offset() + buf.position());
          }
        }
        ch.force(false);
      }
    }
    if (created) {
      DurableFiles.syncDirectory(dir);
    }
  }

  /**
   * Makes sure the part file is there to be written: the first write creates it exclusively
   * (owner-only; a link or file planted at its name fails the write and is left alone), later
   * ones accept only a regular file, looked at without following a link. True if it was created.
   */
  private static boolean preparePart(Path part) throws IOException {
    if (Files.exists(part, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isRegularFile(part, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("part file " + part + " is not a regular file; left untouched");
      }
      return false;
    }
    DurableFiles.createExclusive(part,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))).close();
    return true;
  }

  /**
   * Writes and forces block-aligned pieces with O_DIRECT; false if the file system refuses
   * (at open, or at the first write on file systems that only check then), after which the
   * caller writes them through the page cache and this store stops trying.
   */
  private boolean writeDirect(Path part, List<PieceData> aligned) throws IOException {
    FileChannel ch;
    try {
      ch = FileChannel.open(part, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS, ExtendedOpenOption.DIRECT);
    } catch (UnsupportedOperationException | IOException e) {
      directAlign = 0; // e.g. tmpfs: EINVAL; do not try again
      return false;
    }
    try (ch) {
      List<PieceData> sorted = new ArrayList<>(aligned);
      sorted.sort(Comparator.comparingLong(PieceData::offset));
      ByteBuffer staging = DIRECT_BUFFER.get();
      staging.clear();
      long at = -1; // file offset of staging's first byte
      for (PieceData p : sorted) {
        if (at >= 0 && at + staging.position() != p.offset()) {
          at = writeFully(ch, staging, at);
        }
        if (staging.position() == 0) {
          at = p.offset();
        }
        for (int done = 0; done < p.data().length; ) {
          int n = Math.min(staging.remaining(), p.data().length - done);
          staging.put(p.data(), done, n);
          done += n;
          if (!staging.hasRemaining()) {
            at = writeFully(ch, staging, at);
          }
        }
      }
      writeFully(ch, staging, at);
      ch.force(false);
    } catch (IOException e) {
      if (!"Invalid argument".equals(e.getMessage())) {
        throw e;
      }
      directAlign = 0; // EINVAL: direct I/O not supported here after all
      return false;
    }
    return true;
  }

  /** Writes staging's bytes at {@code offset}, empties it, and returns the offset after them. */
  private static long writeFully(FileChannel ch, ByteBuffer staging, long offset) throws IOException {
    staging.flip();
    while (staging.hasRemaining()) {
      ch.write(staging, offset + staging.position());
    }
    long end = offset + staging.limit();
    staging.clear();
    return end;
  }

  /** Writes the pieces' leaf hashes at their blocks' places in the leaves file (not forced). */
  private void writeLeaves(String id, List<PieceData> pieces) throws IOException {
    if (pieces.stream().allMatch(p -> p.leafHashes() == null || p.leafHashes().length == 0)) {
      return;
    }
    try (FileChannel ch = FileChannel.open(leavesFile(id), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS)) {
      for (PieceData p : pieces) {
        if (p.leafHashes() != null && p.leafHashes().length > 0) {
          ByteBuffer[] hashes = new ByteBuffer[p.leafHashes().length];
          for (int i = 0; i < hashes.length; i++) {
            hashes[i] = ByteBuffer.wrap(p.leafHashes()[i]);
          }
          ch.position(p.offset() / PieceGeometry.BLOCK_SIZE * Merkle.HASH_LENGTH);
          while (hashes[hashes.length - 1].hasRemaining()) {
            ch.write(hashes); // one gathering write per piece
          }
        }
      }
    }
  }

  /**
   * The pieces whose every block has a leaf hash in the leaves file (an entry that is not all
   * zero): the pieces that were written, whether or not the journal recorded them yet. A hint to
   * check, never a proof: a crash may have kept the hashes and lost the part file's bytes, and
   * only {@link DownloadFinisher#recover} (which hashes the bytes again) turns it into verified
   * pieces. Reads the file in chunks, so that a large share's leaves are never all in memory.
   */
  public BitSet piecesWithLeaves(String id, PieceGeometry geometry) throws IOException {
    BitSet pieces = new BitSet();
    Path file = leavesFile(id);
    if (!Files.exists(file)) {
      return pieces;
    }
    int perPiece = geometry.blocksPerPiece();
    int piecesPerChunk = Math.max(1, LEAVES_CHUNK_BYTES / (perPiece * Merkle.HASH_LENGTH));
    ByteBuffer chunk = ByteBuffer.allocate(piecesPerChunk * perPiece * Merkle.HASH_LENGTH);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      for (int first = 0; first < geometry.pieceCount(); first += piecesPerChunk) {
        chunk.clear();
        long at = (long) first * perPiece * Merkle.HASH_LENGTH;
        while (chunk.hasRemaining()) {
          if (ch.read(chunk, at + chunk.position()) < 0) {
            break;
          }
        }
        int last = Math.min(geometry.pieceCount(), first + piecesPerChunk);
        for (int piece = first; piece < last; piece++) {
          int blocks = geometry.blocksIn(piece);
          int base = (piece - first) * perPiece * Merkle.HASH_LENGTH;
          if (base + blocks * Merkle.HASH_LENGTH <= chunk.position() && allHashesSet(chunk, base, blocks)) {
            pieces.set(piece);
          }
        }
        if (chunk.hasRemaining()) {
          break; // the file ends here: no later piece has leaves
        }
      }
    }
    return pieces;
  }

  private static boolean allHashesSet(ByteBuffer chunk, int base, int blocks) {
    for (int b = 0; b < blocks; b++) {
      boolean set = false;
      for (int i = base + b * Merkle.HASH_LENGTH, end = i + Merkle.HASH_LENGTH; i < end && !set; i += Long.BYTES) {
        set = chunk.getLong(i) != 0;
      }
      if (!set) {
        return false;
      }
    }
    return true;
  }

  /** Reads {@code length} bytes at {@code offset} of the part file (fewer if it is shorter). */
  public byte[] readPiece(String id, long offset, int length) throws IOException {
    Path part = partFile(id);
    if (!Files.exists(part, LinkOption.NOFOLLOW_LINKS)) {
      return new byte[0];
    }
    try (FileChannel ch = FileChannel.open(part, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buf = ByteBuffer.allocate(length);
      while (buf.hasRemaining()) {
        if (ch.read(buf, offset + buf.position()) < 0) {
          break;
        }
      }
      return java.util.Arrays.copyOf(buf.array(), buf.position());
    }
  }

  /**
   * Deletes the download's files (part, leaves, link, layer) and the {@code <output>.part} beside
   * {@code output} if, and only if, this download created it ({@link OutputPart#deleteIfOurs}):
   * a file of that name someone else made is never deleted.
   */
  public void delete(String id, Path output) {
    try {
      Files.deleteIfExists(partFile(id));
      Files.deleteIfExists(leavesFile(id));
      Files.deleteIfExists(dir.resolve(id + ".link"));
      Files.deleteIfExists(dir.resolve(id + ".noseed"));
      Files.deleteIfExists(layerFile(id));
      if (output != null) {
        outputPart(id, output).deleteIfOurs();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the layer file only (the download finished: a seed keeps its own copy). */
  public void forgetLayer(String id) {
    try {
      Files.deleteIfExists(layerFile(id));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the leaves file only (the download finished and is not seeded). */
  public void forgetLeaves(String id) {
    try {
      Files.deleteIfExists(leavesFile(id));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Marks download {@code id} as one not to seed once complete (asked for when it was started:
   * {@code "seed": false}); the mark is a file beside its link, so it survives restarts without
   * an event. A folder's mark covers its files' downloads ({@code <folder id>-<number>}).
   */
  public void markNoSeed(String id) throws IOException {
    Path mark = dir.resolve(id + ".noseed");
    if (!Files.exists(mark)) {
      Files.createFile(mark);
    }
  }

  /** Whether download {@code id} (or the folder download it is a file of) may be seeded when complete. */
  public boolean seeds(String id) {
    int dash = id.indexOf('-');
    return !Files.exists(dir.resolve(id + ".noseed"))
        && (dash < 0 || !Files.exists(dir.resolve(id.substring(0, dash) + ".noseed")));
  }

  /** Deletes the link file only (the download finished; the key must not linger). */
  public void forgetLink(String id) {
    try {
      Files.deleteIfExists(dir.resolve(id + ".link"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
