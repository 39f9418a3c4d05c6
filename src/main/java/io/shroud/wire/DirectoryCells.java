package io.shroud.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The payloads of DIR_REQUEST and DIR_DATA cells (docs/protocol.md §4.10.4), circuit id 0. A
 * directory answer is one byte string, the <em>bundle</em> (its format is
 * {@code io.shroud.admission.DirectoryBundle}'s), cut into chunks sent in order; the requester
 * puts them back together with {@link DirectoryReassembly}. Bytes after a payload's fields must
 * be zero. Decoding is strict: every peer-caused failure is a {@link ProtocolViolationException}.
 *
 * <pre>
 * DIR_REQUEST: version (u8, 1) | request id (u64) | zeros
 * DIR_DATA:    request id (u64) | status (u8) | total (u32) | offset (u32) | length (u16) | data | zeros
 * </pre>
 */
public final class DirectoryCells {
  /** The version byte of a DIR_REQUEST. */
  public static final int REQUEST_VERSION = 1;
  /** Bytes of a DIR_DATA payload before its data. */
  public static final int DATA_HEADER_BYTES = 8 + 1 + 4 + 4 + 2;
  /** Most data bytes one DIR_DATA cell carries. */
  public static final int MAX_CHUNK_BYTES = CellFormat.PAYLOAD_BYTES - DATA_HEADER_BYTES;
  /** Largest bundle on the wire: 32 MiB (the bundle format's own bound is below it). */
  public static final int MAX_BUNDLE_BYTES = 32 * 1024 * 1024;

  private DirectoryCells() {}

  /** What a DIR_DATA cell says about the request. */
  public enum Status {
    /** A chunk of the bundle follows. */
    OK(0),
    /** The relay holds no valid consensus; nothing follows. */
    NONE(1),
    /** The relay refuses to answer now (rate limit); nothing follows. Ask again later. */
    BUSY(2);

    private final int code;

    Status(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    static Status of(int code) throws ProtocolViolationException {
      for (Status s : values()) {
        if (s.code == code) {
          return s;
        }
      }
      throw new ProtocolViolationException("DIR_DATA status " + code + " is unknown");
    }
  }

  /** One DIR_DATA cell: for {@link Status#OK}, {@code data} is bundle bytes [offset, offset + length). */
  public record Chunk(long requestId, Status status, int total, int offset, byte[] data) {
    public Chunk {
      Objects.requireNonNull(status, "status");
      data = data.clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    int length() {
      return data.length;
    }
  }

  /** The payload of a DIR_REQUEST with {@code requestId}. */
  public static byte[] encodeRequest(long requestId) {
    return ByteBuffer.allocate(CellFormat.PAYLOAD_BYTES).put((byte) REQUEST_VERSION).putLong(requestId).array();
  }

  /** The request id of a DIR_REQUEST payload. */
  public static long decodeRequest(byte[] payload) throws ProtocolViolationException {
    checkSize(payload, "DIR_REQUEST");
    ByteBuffer b = ByteBuffer.wrap(payload);
    int version = b.get() & 0xff;
    if (version != REQUEST_VERSION) {
      throw new ProtocolViolationException("DIR_REQUEST version " + version + " is unsupported");
    }
    long id = b.getLong();
    checkZeros(payload, b.position(), "DIR_REQUEST");
    return id;
  }

  /** The DIR_DATA payloads that carry {@code bundle} (1..{@link #MAX_BUNDLE_BYTES} bytes), in order. */
  public static List<byte[]> encodeBundle(long requestId, byte[] bundle) {
    if (bundle.length == 0 || bundle.length > MAX_BUNDLE_BYTES) {
      throw new IllegalArgumentException("a bundle is 1.." + MAX_BUNDLE_BYTES + " bytes, got " + bundle.length);
    }
    List<byte[]> payloads = new ArrayList<>((bundle.length + MAX_CHUNK_BYTES - 1) / MAX_CHUNK_BYTES);
    for (int offset = 0; offset < bundle.length; offset += MAX_CHUNK_BYTES) {
      int n = Math.min(MAX_CHUNK_BYTES, bundle.length - offset);
      payloads.add(header(requestId, Status.OK, bundle.length, offset, n).put(bundle, offset, n).array());
    }
    return payloads;
  }

  /** The single DIR_DATA payload of an answer without data ({@link Status#NONE} or {@link Status#BUSY}). */
  public static byte[] encodeEmpty(long requestId, Status status) {
    if (status == Status.OK) {
      throw new IllegalArgumentException("an OK answer carries a bundle");
    }
    return header(requestId, status, 0, 0, 0).array();
  }

  /** The payload of one chunk, as {@link #decodeData} reads it (no checks: the caller's bytes). */
  static byte[] encode(Chunk chunk) {
    return header(chunk.requestId(), chunk.status(), chunk.total(), chunk.offset(), chunk.length())
        .put(chunk.data).array();
  }

  private static ByteBuffer header(long requestId, Status status, int total, int offset, int length) {
    return ByteBuffer.allocate(CellFormat.PAYLOAD_BYTES).putLong(requestId).put((byte) status.code)
        .putInt(total).putInt(offset).putShort((short) length);
  }

  /**
   * Decodes one DIR_DATA payload on its own: a known status; for OK a total of
   * 1..{@link #MAX_BUNDLE_BYTES}, an offset below it and a length of 1..{@link #MAX_CHUNK_BYTES}
   * that ends within the total; otherwise total, offset and length 0; zeros after the data.
   * Whether it continues the answer is {@link DirectoryReassembly}'s check.
   */
  public static Chunk decodeData(byte[] payload) throws ProtocolViolationException {
    checkSize(payload, "DIR_DATA");
    ByteBuffer b = ByteBuffer.wrap(payload);
    long id = b.getLong();
    Status status = Status.of(b.get() & 0xff);
    long total = b.getInt() & 0xffffffffL;
    long offset = b.getInt() & 0xffffffffL;
    int length = b.getShort() & 0xffff;
    if (status != Status.OK) {
      if (total != 0 || offset != 0 || length != 0) {
        throw new ProtocolViolationException("DIR_DATA " + status + " carries data fields");
      }
    } else {
      if (total == 0 || total > MAX_BUNDLE_BYTES) {
        throw new ProtocolViolationException("DIR_DATA total " + total + " is not 1.." + MAX_BUNDLE_BYTES);
      }
      if (length == 0 || length > MAX_CHUNK_BYTES) {
        throw new ProtocolViolationException("DIR_DATA length " + length + " is not 1.." + MAX_CHUNK_BYTES);
      }
      if (offset >= total || offset + length > total) {
        throw new ProtocolViolationException("DIR_DATA chunk [" + offset + ", " + (offset + length)
            + ") does not fit the total " + total);
      }
    }
    byte[] data = new byte[length];
    b.get(data);
    checkZeros(payload, b.position(), "DIR_DATA");
    return new Chunk(id, status, (int) total, (int) offset, data);
  }

  private static void checkSize(byte[] payload, String what) throws ProtocolViolationException {
    Objects.requireNonNull(payload, "payload");
    if (payload.length != CellFormat.PAYLOAD_BYTES) {
      throw new ProtocolViolationException(what + " payload must be " + CellFormat.PAYLOAD_BYTES
          + " bytes, got " + payload.length);
    }
  }

  private static void checkZeros(byte[] payload, int from, String what) throws ProtocolViolationException {
    for (int i = from; i < payload.length; i++) {
      if (payload[i] != 0) {
        throw new ProtocolViolationException(what + " has a non-zero byte after its fields, at " + i);
      }
    }
  }
}
