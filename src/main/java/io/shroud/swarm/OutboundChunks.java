package io.shroud.swarm;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Outgoing side of a transfer stream: encodes messages, cuts the frames into stream chunks of
 * at most {@code maxChunk} bytes (a relay cell's data) and releases chunks only against the
 * stream's credit (one credit per chunk, returned as chunks reach the wire). Frames are packed
 * back to back, so a chunk may end one message and start the next. Not thread-safe.
 */
public final class OutboundChunks {
  private final int maxChunk;
  private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
  private byte[] tail = new byte[0];
  private int credit;

  public OutboundChunks(int maxChunk) {
    if (maxChunk < 1) {
      throw new IllegalArgumentException("chunk size must be positive");
    }
    this.maxChunk = maxChunk;
  }

  /** Queues {@code m}. */
  public void add(TransferMessage m) {
    byte[] frame = TransferCodec.encode(m);
    int off = 0;
    if (tail.length > 0 && tail.length < maxChunk) {
      int n = Math.min(maxChunk - tail.length, frame.length);
      byte[] joined = Arrays.copyOf(tail, tail.length + n);
      System.arraycopy(frame, 0, joined, tail.length, n);
      tail = joined;
      off = n;
    }
    while (off < frame.length) {
      if (tail.length > 0) {
        pending.add(tail);
      }
      int n = Math.min(maxChunk, frame.length - off);
      tail = Arrays.copyOfRange(frame, off, off + n);
      off += n;
    }
  }

  /** Adds {@code n} credits (the stream opened, or chunks reached the wire). */
  public void credit(int n) {
    credit += n;
  }

  /** The chunks that may be written now (each takes one credit). */
  public List<byte[]> drain() {
    List<byte[]> out = new ArrayList<>();
    while (credit > 0 && (!pending.isEmpty() || tail.length > 0)) {
      if (pending.isEmpty()) {
        pending.add(tail);
        tail = new byte[0];
      }
      out.add(pending.poll());
      credit--;
    }
    return out;
  }

  /** Chunks waiting for credit. */
  public int backlog() {
    return pending.size() + (tail.length > 0 ? 1 : 0);
  }
}
