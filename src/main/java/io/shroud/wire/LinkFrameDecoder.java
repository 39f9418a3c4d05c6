package io.shroud.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a link's TCP byte stream, in chunks of any size (fragmented or coalesced), into whole
 * frames: first length-prefixed handshake messages, then, after {@link #switchToRecords()},
 * fixed {@link CellFormat#RECORD_BYTES}-byte records. An explicit state machine
 * ({@code HANDSHAKE -> RECORDS}, or {@code FAILED} after a violation) with no crypto in it.
 *
 * <p>Usage from a link's reader: {@link #feed} each chunk, then call {@link #next()} until it
 * returns null; after the last handshake message call {@link #switchToRecords()} and keep
 * draining (bytes that arrived behind the last handshake message are kept). The buffer is
 * bounded: {@link #feed} refuses a chunk that would hold more than {@code maxBufferedBytes}
 * undrained bytes. Not thread-safe.
 */
public final class LinkFrameDecoder {
  private enum State { HANDSHAKE, RECORDS, FAILED }

  private final int maxBufferedBytes;
  private byte[] buf = new byte[8192];
  private int start;
  private int end;
  private State state = State.HANDSHAKE;

  /** A decoder in handshake mode with the default bound. */
  public LinkFrameDecoder() {
    this(CellFormat.DEFAULT_MAX_BUFFERED_BYTES);
  }

  /** A decoder in handshake mode holding at most {@code maxBufferedBytes} undrained bytes. */
  public LinkFrameDecoder(int maxBufferedBytes) {
    int floor = Math.max(CellFormat.RECORD_BYTES,
        CellFormat.HANDSHAKE_LENGTH_BYTES + CellFormat.HANDSHAKE_MESSAGE_MAX_BYTES);
    if (maxBufferedBytes < floor) {
      throw new IllegalArgumentException("maxBufferedBytes must hold one frame: " + floor);
    }
    this.maxBufferedBytes = maxBufferedBytes;
  }

  /** A decoder already in record mode (for tests and for links handed over mid-stream). */
  public static LinkFrameDecoder forRecords(int maxBufferedBytes) {
    LinkFrameDecoder d = new LinkFrameDecoder(maxBufferedBytes);
    d.state = State.RECORDS;
    return d;
  }

  public void feed(byte[] chunk) throws ProtocolViolationException {
    feed(chunk, 0, chunk.length);
  }

  /** Appends {@code len} bytes of {@code chunk}; drain with {@link #next()} between feeds. */
  public void feed(byte[] chunk, int off, int len) throws ProtocolViolationException {
    makeRoom(len);
    System.arraycopy(chunk, off, buf, end, len);
    end += len;
  }

  /**
   * Appends the remaining bytes of {@code chunk} (its position moves to its limit): a socket
   * read lands in the buffer with one copy, whatever backs it.
   */
  public void feed(ByteBuffer chunk) throws ProtocolViolationException {
    int len = chunk.remaining();
    makeRoom(len);
    chunk.get(buf, end, len);
    end += len;
  }

  /**
   * In record mode, consumes the next whole record and returns its offset in {@link #buffer()},
   * or -1 if none is complete. Unlike {@link #next()} it does not copy the record: the bytes stay
   * valid until the next {@code feed}.
   */
  public int nextRecord() throws ProtocolViolationException {
    checkNotFailed();
    if (state != State.RECORDS) {
      throw new IllegalStateException("decoder is not in record mode: " + state);
    }
    if (end - start < CellFormat.RECORD_BYTES) {
      return -1;
    }
    int at = start;
    start += CellFormat.RECORD_BYTES;
    if (start == end) {
      start = 0;
      end = 0;
    }
    return at;
  }

  /** The array {@link #nextRecord()} offsets point into; read only, valid until the next feed. */
  public byte[] buffer() {
    return buf;
  }

  /** Checks the bound and makes room for {@code len} more bytes at {@code end}. */
  private void makeRoom(int len) throws ProtocolViolationException {
    checkNotFailed();
    int held = end - start;
    if ((long) held + len > maxBufferedBytes) {
      state = State.FAILED;
      throw new ProtocolViolationException("link receive buffer is full: " + ((long) held + len)
          + " > " + maxBufferedBytes + " bytes");
    }
    if (end + len > buf.length) {
      if (held + len > buf.length) {
        byte[] bigger = new byte[Math.min(maxBufferedBytes, Math.max(held + len, 2 * buf.length))];
        System.arraycopy(buf, start, bigger, 0, held);
        buf = bigger;
      } else {
        System.arraycopy(buf, start, buf, 0, held);
      }
      start = 0;
      end = held;
    }
  }

  /**
   * The next whole frame (a handshake message without its prefix, or a 4096-byte record), or
   * null when more bytes are needed. Throws on a handshake length of 0 or above the limit.
   */
  public byte[] next() throws ProtocolViolationException {
    checkNotFailed();
    int held = end - start;
    if (state == State.RECORDS) {
      if (held < CellFormat.RECORD_BYTES) {
        return null;
      }
      return take(0, CellFormat.RECORD_BYTES);
    }
    if (held < CellFormat.HANDSHAKE_LENGTH_BYTES) {
      return null;
    }
    int length = ((buf[start] & 0xff) << 8) | (buf[start + 1] & 0xff);
    if (length == 0 || length > CellFormat.HANDSHAKE_MESSAGE_MAX_BYTES) {
      state = State.FAILED;
      throw new ProtocolViolationException(length == 0 ? "handshake message is empty"
          : "handshake message is too large: " + length + " > "
              + CellFormat.HANDSHAKE_MESSAGE_MAX_BYTES);
    }
    if (held < CellFormat.HANDSHAKE_LENGTH_BYTES + length) {
      return null;
    }
    return take(CellFormat.HANDSHAKE_LENGTH_BYTES, length);
  }

  /** Every whole frame available now (possibly none). */
  public List<byte[]> drain() throws ProtocolViolationException {
    List<byte[]> frames = new ArrayList<>();
    for (byte[] f = next(); f != null; f = next()) {
      frames.add(f);
    }
    return frames;
  }

  /** From now on frames are fixed-size records. Call once, after the last handshake message. */
  public void switchToRecords() {
    if (state != State.HANDSHAKE) {
      throw new IllegalStateException("decoder is not in handshake mode: " + state);
    }
    state = State.RECORDS;
  }

  /** True once the decoder yields records. */
  public boolean isRecordMode() {
    return state == State.RECORDS;
  }

  /** Bytes received but not yet returned as a frame. */
  public int buffered() {
    return end - start;
  }

  private byte[] take(int skip, int length) {
    byte[] frame = new byte[length];
    System.arraycopy(buf, start + skip, frame, 0, length);
    start += skip + length;
    if (start == end) {
      start = 0;
      end = 0;
    }
    return frame;
  }

  private void checkNotFailed() throws ProtocolViolationException {
    if (state == State.FAILED) {
      throw new ProtocolViolationException("link decoder already failed");
    }
  }
}
