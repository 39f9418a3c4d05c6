package io.shroud.content;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Computes a file's BEP 52 tree in one pass over its bytes, in bounded memory: it folds each
 * piece's block hashes into the piece hash as soon as the piece is complete, so it holds one
 * piece's leaf hashes (at most 32 KiB) plus the piece layer (32 bytes per piece). Feed it with
 * {@link #update} in any chunking and call {@link #finish()} once. Not thread-safe.
 */
public final class Bep52Hasher {
  /** Read size for {@link #hash(Path, int)}: 1 MiB. */
  public static final int READ_SIZE = 1 << 20;

  private final int pieceLength;
  private final MessageDigest md = Merkle.sha256();
  private final byte[] leaves;
  private final List<byte[]> pieceLayer = new ArrayList<>();
  private int leafCount;
  private int blockFill;
  private long total;
  private boolean finished;
  private final OutputStream leavesOut;

  public Bep52Hasher(int pieceLength) {
    this(pieceLength, null);
  }

  /**
   * A hasher that also writes every block's leaf hash (32 bytes per 16 KiB block, in file order,
   * no padding leaves) to {@code leavesOut} (null: none); the caller closes it.
   */
  public Bep52Hasher(int pieceLength, OutputStream leavesOut) {
    new PieceGeometry(0, pieceLength); // validates
    this.pieceLength = pieceLength;
    this.leaves = new byte[(pieceLength / PieceGeometry.BLOCK_SIZE) * Merkle.HASH_LENGTH];
    this.leavesOut = leavesOut;
  }

  /** Hashes a file with a FileChannel, reading {@link #READ_SIZE} bytes at a time. */
  public static MerkleTree hash(Path file, int pieceLength) throws IOException {
    return hash(file, pieceLength, null);
  }

  /** {@link #hash(Path, int)}, writing the leaf hashes to {@code leavesOut} (null: none). */
  public static MerkleTree hash(Path file, int pieceLength, OutputStream leavesOut) throws IOException {
    Bep52Hasher h = new Bep52Hasher(pieceLength, leavesOut);
    ByteBuffer buf = ByteBuffer.allocate(READ_SIZE);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (ch.read(buf.clear()) >= 0) {
        h.update(buf.array(), 0, buf.position());
      }
    }
    return h.finish();
  }

  /** Hashes everything {@code in} yields, until end of stream. */
  public static MerkleTree hash(InputStream in, int pieceLength) throws IOException {
    Bep52Hasher h = new Bep52Hasher(pieceLength);
    byte[] buf = new byte[64 * 1024];
    for (int n; (n = in.read(buf)) >= 0; ) {
      h.update(buf, 0, n);
    }
    return h.finish();
  }

  public void update(byte[] b, int off, int len) {
    if (finished) {
      throw new IllegalStateException("hasher already finished");
    }
    while (len > 0) {
      int n = Math.min(len, PieceGeometry.BLOCK_SIZE - blockFill);
      md.update(b, off, n);
      off += n;
      len -= n;
      blockFill += n;
      total += n;
      if (blockFill == PieceGeometry.BLOCK_SIZE) {
        endBlock();
      }
    }
  }

  public void update(ByteBuffer buf) {
    if (buf.hasArray()) {
      update(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
      buf.position(buf.limit());
    } else {
      byte[] tmp = new byte[Math.min(buf.remaining(), 64 * 1024)];
      while (buf.hasRemaining()) {
        int n = Math.min(tmp.length, buf.remaining());
        buf.get(tmp, 0, n);
        update(tmp, 0, n);
      }
    }
  }

  /** Bytes consumed so far. */
  public long length() {
    return total;
  }

  private void endBlock() {
    try {
      md.digest(leaves, leafCount * Merkle.HASH_LENGTH, Merkle.HASH_LENGTH);
    } catch (DigestException e) {
      throw new IllegalStateException(e);
    }
    leafCount++;
    blockFill = 0;
    if (leafCount * Merkle.HASH_LENGTH == leaves.length) {
      endPiece(leafCount);
    }
  }

  /** Folds the buffered leaves, padded with zero hashes to {@code width}, into one piece hash. */
  private void endPiece(int width) {
    if (leavesOut != null) {
      try {
        leavesOut.write(leaves, 0, leafCount * Merkle.HASH_LENGTH);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write leaf hashes", e);
      }
    }
    byte[][] layer = new byte[width][];
    for (int i = 0; i < width; i++) {
      layer[i] = new byte[Merkle.HASH_LENGTH];
      if (i < leafCount) {
        System.arraycopy(leaves, i * Merkle.HASH_LENGTH, layer[i], 0, Merkle.HASH_LENGTH);
      }
    }
    for (int n = width; n > 1; n /= 2) {
      for (int i = 0; i < n / 2; i++) {
        layer[i] = Merkle.parent(md, layer[2 * i], layer[2 * i + 1]);
      }
    }
    pieceLayer.add(layer[0]);
    leafCount = 0;
  }

  /** Completes the tree; the hasher cannot be used afterwards. */
  public MerkleTree finish() {
    if (finished) {
      throw new IllegalStateException("hasher already finished");
    }
    finished = true;
    if (blockFill > 0) {
      endBlock();
    }
    PieceGeometry g = new PieceGeometry(total, pieceLength);
    if (leafCount > 0) {
      endPiece(g.pieceLeaves());
    }
    return new MerkleTree(g, pieceLayer);
  }
}
