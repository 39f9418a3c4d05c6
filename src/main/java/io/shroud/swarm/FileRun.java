package io.shroud.swarm;

import io.shroud.content.PieceGeometry;
import io.shroud.swarm.TransferMessage.BlockRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.List;

/**
 * The share-file bytes of a run of block requests that follow each other in the file, read
 * with one positional read. A provider's read task of {@link TransferServiceActor#BLOCKS_PER_READ}
 * requests for consecutive blocks so makes one system call instead of one per 16 KiB block (on
 * a virtual machine a system call costs several microseconds).
 *
 * @param start the file offset of {@code bytes}
 * @param bytes the run's bytes
 */
record FileRun(long start, byte[] bytes) {

  /** Reads the run that starts with {@code batch.get(first)} and takes every adjacent request after it. */
  static FileRun read(FileChannel ch, PieceGeometry g, List<BlockRequest> batch, int first) throws IOException {
    long start = g.pieceOffset(batch.get(first).piece()) + batch.get(first).offset();
    long end = start + batch.get(first).length();
    for (int j = first + 1; j < batch.size(); j++) {
      BlockRequest next = batch.get(j);
      if (g.pieceOffset(next.piece()) + next.offset() != end) {
        break;
      }
      end += next.length();
    }
    return new FileRun(start, readFully(ch, start, Math.toIntExact(end - start)));
  }

  /** Whether the {@code length} bytes at file offset {@code at} are in this run. */
  boolean covers(long at, int length) {
    return at >= start && at + length <= start + bytes.length;
  }

  /** A copy of the {@code length} bytes at file offset {@code at} (which this run covers). */
  byte[] cut(long at, int length) {
    int from = Math.toIntExact(at - start);
    return Arrays.copyOfRange(bytes, from, from + length);
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
