package io.shroud.wire;

import java.io.ByteArrayOutputStream;

/**
 * The requester's side of one directory answer (docs/protocol.md §4.10.4): takes the DIR_DATA
 * chunks of the one outstanding request, in link order, and returns the bundle when its last
 * byte has arrived. Every chunk must carry the request's id; the first fixes the total (at most
 * the requester's own bound); each later one must carry the same total and start where the
 * previous ended. A NONE or BUSY answer is a single cell. Anything else, and any DIR_DATA after
 * the answer ended, is a {@link ProtocolViolationException}. Memory grows with the bytes that
 * actually arrived, never with a claimed total. Not thread-safe.
 */
public final class DirectoryReassembly {
  private final long requestId;
  private final int maxBytes;
  private ByteArrayOutputStream received;
  private int total;
  private boolean ended;

  /** Expects the answer to {@code requestId}, of at most {@code maxBytes} (≤ {@link DirectoryCells#MAX_BUNDLE_BYTES}). */
  public DirectoryReassembly(long requestId, int maxBytes) {
    if (maxBytes < 1 || maxBytes > DirectoryCells.MAX_BUNDLE_BYTES) {
      throw new IllegalArgumentException("maxBytes must be 1.." + DirectoryCells.MAX_BUNDLE_BYTES);
    }
    this.requestId = requestId;
    this.maxBytes = maxBytes;
  }

  /** Where the answer stands after a chunk. */
  public sealed interface Progress permits Partial, Complete, Declined {}

  /** More chunks are due: {@code received} of {@code total} bytes so far. */
  public record Partial(int received, int total) implements Progress {}

  /** The whole bundle, to be decoded and verified. */
  public record Complete(byte[] bundle) implements Progress {
    @Override
    public byte[] bundle() {
      return bundle.clone();
    }
  }

  /** The relay answered {@link DirectoryCells.Status#NONE} or {@link DirectoryCells.Status#BUSY}. */
  public record Declined(DirectoryCells.Status status) implements Progress {}

  public long requestId() {
    return requestId;
  }

  /** True once the answer is complete or declined; later DIR_DATA cells are violations. */
  public boolean ended() {
    return ended;
  }

  /** Decodes a DIR_DATA payload and takes it. */
  public Progress accept(byte[] payload) throws ProtocolViolationException {
    return accept(DirectoryCells.decodeData(payload));
  }

  /** Takes one decoded chunk. */
  public Progress accept(DirectoryCells.Chunk chunk) throws ProtocolViolationException {
    if (ended) {
      throw new ProtocolViolationException("DIR_DATA after the answer ended");
    }
    if (chunk.requestId() != requestId) {
      throw new ProtocolViolationException("DIR_DATA answers request " + Long.toUnsignedString(chunk.requestId())
          + ", not the one outstanding");
    }
    if (chunk.status() != DirectoryCells.Status.OK) {
      if (received != null) {
        throw new ProtocolViolationException("DIR_DATA " + chunk.status() + " in the middle of an answer");
      }
      ended = true;
      return new Declined(chunk.status());
    }
    if (received == null) {
      if (chunk.total() > maxBytes) {
        throw new ProtocolViolationException("directory answer of " + chunk.total() + " bytes is above the "
            + maxBytes + " this node takes");
      }
      total = chunk.total();
      received = new ByteArrayOutputStream(Math.min(total, 1 << 16));
    } else if (chunk.total() != total) {
      throw new ProtocolViolationException("DIR_DATA total changed from " + total + " to " + chunk.total());
    }
    if (chunk.offset() != received.size()) {
      throw new ProtocolViolationException("DIR_DATA chunk starts at " + chunk.offset() + ", expected "
          + received.size());
    }
    received.writeBytes(chunk.data());
    if (received.size() < total) {
      return new Partial(received.size(), total);
    }
    ended = true;
    byte[] bundle = received.toByteArray();
    received = null;
    return new Complete(bundle);
  }
}
