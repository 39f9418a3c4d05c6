package io.shroud.swarm.serve;

import io.shroud.content.PieceGeometry;
import io.shroud.swarm.transfer.TransferCodec;
import io.shroud.swarm.transfer.TransferMessage.BlockRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;

/**
 * The share-file bytes of a run of block requests that follow each other in the file, read
 * with one positional read. A provider's read task of {@link #BLOCKS_PER_READ}
 * requests for consecutive blocks so makes one system call instead of one per 16 KiB block (on
 * a virtual machine a system call costs several microseconds).
 *
 * <p>The run is read into a direct buffer that belongs to the reading thread and is reused by
 * its next read: the file's bytes are copied once, into each block's own array by {@link #cut},
 * instead of into a heap run first (the JDK reads a file into a heap array through a direct
 * buffer of its own, so that was two copies and a 256 KiB allocation per read). A run is
 * therefore usable only on the thread that read it and only until that thread reads the next
 * one; using it after that is an {@link IllegalStateException}, never other bytes.
 */
final class FileRun {
  /** Block requests of one stream served by one disk-read task (16 x 16 KiB, a quarter MiB). */
  static final int BLOCKS_PER_READ = 16;
  /** Longest run one read takes: a read task's requests, each at most one block. */
  static final int MAX_BYTES = BLOCKS_PER_READ * TransferCodec.MAX_BLOCK_LENGTH;

  /** A reading thread's buffer and the run it holds. */
  private static final class Buffer {
    final ByteBuffer bytes = ByteBuffer.allocateDirect(MAX_BYTES);
    FileRun holder;
  }

  private static final ThreadLocal<Buffer> BUFFERS = ThreadLocal.withInitial(Buffer::new);

  private final long start;
  private final int length;
  private final Buffer buffer;
  private final Thread reader = Thread.currentThread();

  private FileRun(long start, int length, Buffer buffer) {
    this.start = start;
    this.length = length;
    this.buffer = buffer;
  }

  /**
   * Reads the run that starts with {@code batch.get(first)} and takes every adjacent request
   * after it, up to {@link #MAX_BYTES} in all; a request that would take the run beyond that
   * starts the next run.
   */
  static FileRun read(FileChannel ch, PieceGeometry g, List<BlockRequest> batch, int first) throws IOException {
    BlockRequest head = batch.get(first); // at most one block (BlockRequest's rule), so within MAX_BYTES
    long start = g.pieceOffset(head.piece()) + head.offset();
    long end = start + head.length();
    for (int j = first + 1; j < batch.size(); j++) {
      BlockRequest next = batch.get(j);
      if (g.pieceOffset(next.piece()) + next.offset() != end || end - start + next.length() > MAX_BYTES) {
        break;
      }
      end += next.length();
    }
    int length = Math.toIntExact(end - start);
    Buffer buffer = BUFFERS.get();
    buffer.holder = null; // whatever run it held is gone from here on, even if this read fails
    ByteBuffer bytes = buffer.bytes.clear().limit(length);
    while (bytes.hasRemaining()) {
      if (ch.read(bytes, start + bytes.position()) < 0) {
        throw new IOException("share data is shorter than its geometry");
      }
    }
    FileRun run = new FileRun(start, length, buffer);
    buffer.holder = run;
    return run;
  }

  /** The file offset of the run's first byte. */
  long start() {
    return start;
  }

  /** The run's length in bytes. */
  int length() {
    return length;
  }

  /** Whether the {@code length} bytes at file offset {@code at} are in this run. */
  boolean covers(long at, int length) {
    return at >= start && at + length <= start + this.length;
  }

  /**
   * A new array with the {@code length} bytes at file offset {@code at} (which this run covers).
   *
   * @throws IllegalStateException on another thread than the reader, or after the reader's next read
   */
  byte[] cut(long at, int length) {
    if (Thread.currentThread() != reader || buffer.holder != this) {
      throw new IllegalStateException("a file run is readable only by its reading thread, until that thread's next read");
    }
    if (!covers(at, length)) {
      throw new IndexOutOfBoundsException("bytes " + at + "+" + length + " are outside the run " + start + "+" + this.length);
    }
    byte[] out = new byte[length];
    buffer.bytes.get(Math.toIntExact(at - start), out);
    return out;
  }

  /** {@code length} bytes of {@code ch} at {@code position}; a file that ends before them is an error. */
  static byte[] readFully(FileChannel ch, long position, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    while (buf.hasRemaining()) {
      if (ch.read(buf, position + buf.position()) < 0) {
        throw new IOException("share data is shorter than its geometry");
      }
    }
    return buf.array();
  }
}
