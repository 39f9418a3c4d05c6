package io.shroud.swarm.transfer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Outgoing side of a transfer stream: encodes messages, cuts the frames into stream chunks of
 * at most {@code maxChunk} bytes (a relay cell's data) and releases chunks only against the
 * stream's credit (one credit per chunk, returned as chunks reach the wire). Frames are packed
 * back to back, so a chunk may end one message and start the next. Each byte is copied once,
 * into its chunk: a BLOCK's data goes there straight from the block, not through a frame.
 * Not thread-safe.
 */
public final class OutboundChunks {
  private final int maxChunk;
  private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
  /** The chunk being filled (null when none), and how much of it is. */
  private byte[] tail;
  private int tailFill;
  private int credit;

  public OutboundChunks(int maxChunk) {
    if (maxChunk < 1) {
      throw new IllegalArgumentException("chunk size must be positive");
    }
    this.maxChunk = maxChunk;
  }

  /** Queues {@code m}. */
  public void add(TransferMessage m) {
    if (m instanceof TransferMessage.Block k) {
      append(TransferCodec.blockFrameHead(k));
      append(k.sharedData());
    } else {
      append(TransferCodec.encode(m));
    }
  }

  private void append(byte[] bytes) {
    for (int off = 0; off < bytes.length; ) {
      if (tail == null) {
        tail = new byte[maxChunk];
        tailFill = 0;
      }
      int n = Math.min(maxChunk - tailFill, bytes.length - off);
      System.arraycopy(bytes, off, tail, tailFill, n);
      tailFill += n;
      off += n;
      if (tailFill == maxChunk) {
        pending.add(tail);
        tail = null;
      }
    }
  }

  /** Adds {@code n} credits (the stream opened, or chunks reached the wire). */
  public void credit(int n) {
    credit += n;
  }

  /** The chunks that may be written now (each takes one credit). */
  public List<byte[]> drain() {
    List<byte[]> out = new ArrayList<>();
    while (credit > 0 && (!pending.isEmpty() || tail != null)) {
      if (pending.isEmpty()) {
        pending.add(Arrays.copyOf(tail, tailFill)); // a partly filled chunk leaves as it is
        tail = null;
      }
      out.add(pending.poll());
      credit--;
    }
    return out;
  }

  /** Chunks waiting for credit. */
  public int backlog() {
    return pending.size() + (tail != null ? 1 : 0);
  }
}
