package io.shroud.swarm.transfer;

import io.shroud.content.Merkle;
import io.shroud.content.PieceGeometry;
import io.shroud.swarm.transfer.TransferMessage.Block;
import io.shroud.swarm.transfer.TransferMessage.BlockRequest;
import io.shroud.swarm.transfer.TransferMessage.Cancel;
import io.shroud.swarm.transfer.TransferMessage.HashLayer;
import io.shroud.swarm.transfer.TransferMessage.HashRequest;
import io.shroud.swarm.transfer.TransferMessage.Hashes;
import io.shroud.swarm.transfer.TransferMessage.Have;
import io.shroud.swarm.transfer.TransferMessage.Hello;
import io.shroud.swarm.transfer.TransferMessage.Metadata;
import io.shroud.swarm.transfer.TransferMessage.MetadataRequest;
import io.shroud.swarm.transfer.TransferMessage.Refuse;
import io.shroud.swarm.transfer.TransferMessage.RefuseReason;
import io.shroud.swarm.transfer.TransferMessage.Reject;
import io.shroud.swarm.transfer.TransferMessage.RejectReason;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Turns {@link TransferMessage}s into frames and back; nothing else. A frame is
 * {@code u16 length ‖ u8 type ‖ fields}, where {@code length} counts the type byte and the
 * fields and lies in {@code 1..}{@link #MAX_MESSAGE_BYTES}; integers are big-endian. The layout
 * of each message is in {@code docs/protocol.md} §8.2–§8.3. Decoding is strict and canonical:
 * every accepted frame re-encodes to the same bytes, and every violation is a
 * {@link TransferProtocolException}.
 */
public final class TransferCodec {
  /** Protocol version carried in HELLO. */
  public static final int VERSION = 1;
  /** Bytes of the length prefix. */
  public static final int LENGTH_PREFIX_BYTES = 2;
  /** Largest block a request may ask for or a BLOCK may carry: one BEP 52 block. */
  /** The circuit service name a provider answers transfer streams under. */
  public static final String SERVICE = "transfer";
  public static final int MAX_BLOCK_LENGTH = PieceGeometry.BLOCK_SIZE;
  /** Block requests a provider queues per stream; a downloader that has more outstanding is cut off. */
  public static final int MAX_QUEUED_REQUESTS = 256;
  /** Most uncle hashes in a BLOCK's proof: log2(16 MiB / 16 KiB). */
  public static final int MAX_PROOF_HASHES = 10;
  /** Most hashes per HASH_REQUEST / HASHES (4 KiB of hashes). */
  public static final int MAX_HASHES_PER_MESSAGE = 128;
  /** Most pieces one HAVE bitfield covers (16 KiB of bits). */
  public static final int MAX_HAVE_PIECES = 16 * 1024 * 8;
  /** Piece indices lie below this: 1 TiB in 16 KiB pieces. */
  public static final int MAX_PIECE_COUNT = (int) (PieceGeometry.MAX_LENGTH / PieceGeometry.BLOCK_SIZE);
  /** Largest {@code length} field: a full block plus room for its header and proof. */
  public static final int MAX_MESSAGE_BYTES = MAX_BLOCK_LENGTH + 512;
  /** Info-hash length in HELLO (SHA-256, BEP 52 v2). */
  public static final int INFO_HASH_BYTES = 32;

  /** Largest info dictionary sent or accepted in METADATA (BEP 9 leaves it open; a single-file one is < 1 KiB). */
  public static final int MAX_METADATA_BYTES = 1024 * 1024;
  /** Bytes per METADATA piece (as in BEP 9); every piece but the last is this long. */
  public static final int METADATA_PIECE_BYTES = 16 * 1024;
  /** Pieces of the largest info dictionary. */
  public static final int MAX_METADATA_PIECES = MAX_METADATA_BYTES / METADATA_PIECE_BYTES;

  private static final int HAVE_ALL = 0;
  private static final int HAVE_BITFIELD = 1;

  private TransferCodec() {}

  /** The whole frame for {@code m}, length prefix included. */
  public static byte[] encode(TransferMessage m) {
    if (m instanceof Block k) {
      byte[] head = blockFrameHead(k);
      byte[] frame = Arrays.copyOf(head, head.length + k.length());
      System.arraycopy(k.sharedData(), 0, frame, head.length, k.length());
      return frame;
    }
    ByteBuffer b = ByteBuffer.allocate(LENGTH_PREFIX_BYTES + bodyLength(m));
    b.putShort((short) (b.capacity() - LENGTH_PREFIX_BYTES)).put((byte) m.type().code());
    if (m instanceof Hello h) {
      b.put((byte) VERSION).put(h.infoHash());
    } else if (m instanceof Have h) {
      if (h.all()) {
        b.put((byte) HAVE_ALL);
      } else {
        b.put((byte) HAVE_BITFIELD).putInt(h.first()).putInt(h.count());
        byte[] bits = new byte[(h.count() + 7) / 8];
        BitSet p = h.pieces();
        for (int i = p.nextSetBit(0); i >= 0; i = p.nextSetBit(i + 1)) {
          int rel = i - h.first();
          bits[rel >>> 3] |= (byte) (0x80 >>> (rel & 7));
        }
        b.put(bits);
      }
    } else if (m instanceof Refuse r) {
      b.put((byte) r.reason().code).putShort((short) r.retryAfterSeconds());
    } else if (m instanceof HashRequest r) {
      b.put((byte) r.layer().code).putInt(r.index()).putShort((short) r.count());
    } else if (m instanceof Hashes h) {
      b.put((byte) h.layer().code).putInt(h.index()).putShort((short) h.hashCount())
          .put(h.hashes());
    } else if (m instanceof BlockRequest r) {
      b.putInt(r.piece()).putInt(r.offset()).putShort((short) r.length());
    } else if (m instanceof Reject r) {
      b.putInt(r.piece()).putInt(r.offset()).put((byte) r.reason().code);
    } else if (m instanceof Cancel c) {
      b.putInt(c.piece()).putInt(c.offset());
    } else if (m instanceof MetadataRequest r) {
      b.putInt(r.piece());
    } else if (m instanceof Metadata d) {
      b.putInt(d.totalLength()).putInt(d.piece()).put(d.data());
    }
    return b.array();
  }

  /**
   * A BLOCK's frame up to its data (length prefix, type, piece, offset, proof count, proof):
   * the block's data follows it on the stream as it is, so a sender need not copy the data
   * into a frame before cutting the stream into chunks.
   */
  static byte[] blockFrameHead(Block k) {
    byte[] proof = k.sharedProof();
    ByteBuffer b = ByteBuffer.allocate(LENGTH_PREFIX_BYTES + 1 + 9 + proof.length);
    b.putShort((short) (bodyLength(k))).put((byte) k.type().code())
        .putInt(k.piece()).putInt(k.offset()).put((byte) (proof.length / Merkle.HASH_LENGTH)).put(proof);
    return b.array();
  }

  private static int bodyLength(TransferMessage m) {
    int fields;
    if (m instanceof Hello) {
      fields = 1 + INFO_HASH_BYTES;
    } else if (m instanceof Have h) {
      fields = h.all() ? 1 : 9 + (h.count() + 7) / 8;
    } else if (m instanceof Refuse) {
      fields = 3;
    } else if (m instanceof HashRequest) {
      fields = 7;
    } else if (m instanceof Hashes h) {
      fields = 7 + h.hashCount() * Merkle.HASH_LENGTH;
    } else if (m instanceof BlockRequest) {
      fields = 10;
    } else if (m instanceof Block k) {
      fields = 9 + k.sharedProof().length + k.length();
    } else if (m instanceof Reject) {
      fields = 9;
    } else if (m instanceof MetadataRequest) {
      fields = 4;
    } else if (m instanceof Metadata d) {
      fields = 8 + d.data().length;
    } else {
      fields = 8;
    }
    return 1 + fields;
  }

  /** Decodes exactly one whole frame (length prefix included). */
  public static TransferMessage decode(byte[] frame) throws TransferProtocolException {
    if (frame.length < LENGTH_PREFIX_BYTES) {
      throw new TransferProtocolException("frame shorter than its length prefix");
    }
    int length = ((frame[0] & 0xff) << 8) | (frame[1] & 0xff);
    checkLength(length);
    if (frame.length != LENGTH_PREFIX_BYTES + length) {
      throw new TransferProtocolException("frame length " + (frame.length - LENGTH_PREFIX_BYTES)
          + " does not match its prefix " + length);
    }
    return decodeBody(frame, LENGTH_PREFIX_BYTES, length);
  }

  /** Checks a length prefix against the limits. */
  static void checkLength(int length) throws TransferProtocolException {
    if (length < 1 || length > MAX_MESSAGE_BYTES) {
      throw new TransferProtocolException(
          "message length must be 1.." + MAX_MESSAGE_BYTES + ", got " + length);
    }
  }

  /** Decodes the type byte and fields at {@code buf[off .. off + len)}. */
  static TransferMessage decodeBody(byte[] buf, int off, int len) throws TransferProtocolException {
    ByteBuffer b = ByteBuffer.wrap(buf, off, len).slice();
    TransferMessageType type = TransferMessageType.of(b.get() & 0xff);
    if (type == null) {
      throw new TransferProtocolException("unknown message type " + (buf[off] & 0xff));
    }
    try {
      TransferMessage m = switch (type) {
        case HELLO -> {
          need(b, 1 + INFO_HASH_BYTES, type);
          int version = b.get() & 0xff;
          if (version != VERSION) {
            throw new TransferProtocolException("unsupported protocol version " + version);
          }
          yield new Hello(bytes(b, INFO_HASH_BYTES));
        }
        case HAVE -> decodeHave(b);
        case REFUSE -> {
          need(b, 3, type);
          int code = b.get() & 0xff;
          RefuseReason reason = RefuseReason.of(code);
          if (reason == null) {
            throw new TransferProtocolException("unknown refuse reason " + code);
          }
          yield new Refuse(reason, b.getShort() & 0xffff);
        }
        case HASH_REQUEST -> {
          need(b, 7, type);
          HashLayer layer = layer(b.get() & 0xff);
          yield new HashRequest(layer, b.getInt(), b.getShort() & 0xffff);
        }
        case HASHES -> {
          need(b, 7, type);
          HashLayer layer = layer(b.get() & 0xff);
          int index = b.getInt();
          int count = b.getShort() & 0xffff;
          if (count < 1 || count > MAX_HASHES_PER_MESSAGE) {
            throw new TransferProtocolException("hash count must be 1.." + MAX_HASHES_PER_MESSAGE);
          }
          need(b, count * Merkle.HASH_LENGTH, type);
          yield new Hashes(layer, index, bytes(b, count * Merkle.HASH_LENGTH));
        }
        case BLOCK_REQUEST -> {
          need(b, 10, type);
          yield new BlockRequest(b.getInt(), b.getInt(), b.getShort() & 0xffff);
        }
        case BLOCK -> {
          need(b, BLOCK_FIXED_HEAD - 1, type);
          int head = blockHeadLength(buf[off + BLOCK_FIXED_HEAD - 1] & 0xff, len);
          Block block = blockAround(b, head, Arrays.copyOfRange(buf, off + head, off + len));
          b.position(len); // past the data, copied above
          yield block;
        }
        case REJECT -> {
          need(b, 9, type);
          int piece = b.getInt();
          int offset = b.getInt();
          int code = b.get() & 0xff;
          RejectReason reason = RejectReason.of(code);
          if (reason == null) {
            throw new TransferProtocolException("unknown reject reason " + code);
          }
          yield new Reject(piece, offset, reason);
        }
        case CANCEL -> {
          need(b, 8, type);
          yield new Cancel(b.getInt(), b.getInt());
        }
        case METADATA_REQUEST -> {
          need(b, 4, type);
          yield new MetadataRequest(b.getInt());
        }
        case METADATA -> {
          need(b, 8, type);
          int total = b.getInt();
          int piece = b.getInt();
          if (total < 1 || total > MAX_METADATA_BYTES) {
            throw new TransferProtocolException("metadata length must be 1.." + MAX_METADATA_BYTES);
          }
          if (piece < 0 || piece >= Metadata.pieceCount(total)) {
            throw new TransferProtocolException("metadata piece " + piece + " past the last");
          }
          int size = Metadata.pieceSize(total, piece);
          need(b, size, type);
          yield new Metadata(total, piece, bytes(b, size));
        }
      };
      if (b.hasRemaining()) {
        throw new TransferProtocolException(
            b.remaining() + " trailing bytes after " + type + " message");
      }
      return m;
    } catch (IllegalArgumentException e) {
      throw new TransferProtocolException("bad " + type + " message: " + e.getMessage());
    }
  }

  /** Bytes of a BLOCK body before its proof: type u8, piece u32, offset u32, proof count u8. */
  static final int BLOCK_FIXED_HEAD = 10;

  /**
   * The length of a BLOCK body's head (its fixed fields and proof), the data being the rest of
   * the body's {@code length} bytes; checked before anything of the data is read or allocated.
   *
   * @param proofCount the body's proof count byte
   * @throws TransferProtocolException if the proof is too long or the data empty or too long
   */
  static int blockHeadLength(int proofCount, int length) throws TransferProtocolException {
    if (proofCount > MAX_PROOF_HASHES) {
      throw new TransferProtocolException("proof longer than " + MAX_PROOF_HASHES + " hashes");
    }
    int head = BLOCK_FIXED_HEAD + proofCount * Merkle.HASH_LENGTH;
    if (length < head + 1) {
      throw new TransferProtocolException(TransferMessageType.BLOCK + " message is truncated");
    }
    if (length - head > MAX_BLOCK_LENGTH) {
      throw new TransferProtocolException("bad " + TransferMessageType.BLOCK + " message: block data must be 1.."
          + MAX_BLOCK_LENGTH + " bytes");
    }
    return head;
  }

  /**
   * A BLOCK from a body gathered in two parts: its head ({@code head[0 .. headLength)}, as
   * {@link #blockHeadLength} measured it) and its data, which the block adopts. A stream
   * decoder gathers a block split across cells this way, copying its data once.
   */
  static Block decodeBlock(byte[] head, int headLength, byte[] data) throws TransferProtocolException {
    try {
      return blockAround(ByteBuffer.wrap(head, 1, headLength - 1), headLength, data);
    } catch (IllegalArgumentException e) {
      throw new TransferProtocolException("bad " + TransferMessageType.BLOCK + " message: " + e.getMessage());
    }
  }

  /** The block whose fields follow the type byte in {@code fields}, around {@code data}. */
  private static Block blockAround(ByteBuffer fields, int headLength, byte[] data) {
    int piece = fields.getInt();
    int offset = fields.getInt();
    fields.get(); // the proof count, which headLength accounts for
    byte[] proof = new byte[headLength - BLOCK_FIXED_HEAD];
    fields.get(proof);
    return Block.adopt(piece, offset, proof, data);
  }

  private static Have decodeHave(ByteBuffer b) throws TransferProtocolException {
    need(b, 1, TransferMessageType.HAVE);
    int kind = b.get() & 0xff;
    if (kind == HAVE_ALL) {
      return Have.allPieces();
    }
    if (kind != HAVE_BITFIELD) {
      throw new TransferProtocolException("unknown HAVE kind " + kind);
    }
    need(b, 8, TransferMessageType.HAVE);
    int first = b.getInt();
    int count = b.getInt();
    if (count < 1 || count > MAX_HAVE_PIECES) {
      throw new TransferProtocolException("HAVE must cover 1.." + MAX_HAVE_PIECES + " pieces");
    }
    int n = (count + 7) / 8;
    need(b, n, TransferMessageType.HAVE);
    byte[] bits = bytes(b, n);
    int spare = n * 8 - count;
    if (spare > 0 && (bits[n - 1] & ((1 << spare) - 1)) != 0) {
      throw new TransferProtocolException("HAVE spare bits must be zero");
    }
    if (first < 0 || (long) first + count > MAX_PIECE_COUNT) {
      // the BitSet below is sized by the highest index: an unchecked `first` let one 20-byte
      // message allocate 256 MiB (found by the fuzzer)
      throw new TransferProtocolException("HAVE first piece out of range");
    }
    BitSet pieces = new BitSet();
    for (int i = 0; i < count; i++) {
      if ((bits[i >>> 3] & (0x80 >>> (i & 7))) != 0) {
        pieces.set(first + i);
      }
    }
    return new Have(false, first, count, pieces);
  }

  private static HashLayer layer(int code) throws TransferProtocolException {
    HashLayer layer = HashLayer.of(code);
    if (layer == null) {
      throw new TransferProtocolException("unknown hash layer " + code);
    }
    return layer;
  }

  private static void need(ByteBuffer b, int n, TransferMessageType type)
      throws TransferProtocolException {
    if (b.remaining() < n) {
      throw new TransferProtocolException(type + " message is truncated");
    }
  }

  private static byte[] bytes(ByteBuffer b, int n) {
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }
}
