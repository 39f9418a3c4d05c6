package io.shroud.swarm.transfer;

import io.shroud.content.Merkle;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an ordered byte stream (a {@code transfer} stream, delivered in chunks of any size) into
 * {@link TransferMessage}s. A state machine in the manner of Netty's decoders:
 * {@code READ_LENGTH → (READ_HEAD →) READ_BODY or READ_BLOCK_DATA → READ_LENGTH …}, and
 * {@code BAD} after a violation, from which it never recovers (the stream must be closed). A
 * length prefix is checked before any of its body is buffered, so a peer cannot make it hold
 * more than {@link TransferCodec#MAX_MESSAGE_BYTES} plus its fixed buffers.
 *
 * <p>A body that lies whole in one chunk is decoded from the chunk itself. A body split across
 * chunks (every 16 KiB block: a relay cell carries 4 KiB) is gathered: a BLOCK's head (fields
 * and proof, checked as soon as its proof count arrives) into a small buffer and its data
 * straight into the array the block keeps, so each data byte is copied once; any other message
 * into a buffer of its length, decoded when complete. Not thread-safe; one per stream.
 */
public final class TransferFrameDecoder {
  private enum State { READ_LENGTH, READ_HEAD, READ_BODY, READ_BLOCK_DATA, BAD }

  private static final int BLOCK_CODE = TransferMessageType.BLOCK.code();

  private State state = State.READ_LENGTH;
  private final byte[] prefix = new byte[TransferCodec.LENGTH_PREFIX_BYTES];
  private int prefixFill;
  /** The body length of the frame being read. */
  private int length;
  /** A split BLOCK's head: fixed fields, then proof. */
  private final byte[] head = new byte[TransferCodec.BLOCK_FIXED_HEAD
      + TransferCodec.MAX_PROOF_HASHES * Merkle.HASH_LENGTH];
  private int headFill;
  private int headLength;
  /** A split message's body (READ_BODY) or a split BLOCK's data (READ_BLOCK_DATA). */
  private byte[] body;
  private int bodyFill;

  /**
   * Consumes {@code len} bytes of {@code chunk} from {@code off} and returns the messages they
   * complete, in order.
   *
   * @throws TransferProtocolException on the first violation; the decoder is then unusable
   */
  public List<TransferMessage> feed(byte[] chunk, int off, int len)
      throws TransferProtocolException {
    List<TransferMessage> out = new ArrayList<>();
    feed(chunk, off, len, out);
    return out;
  }

  /** Same as {@link #feed(byte[], int, int)} for a whole array. */
  public List<TransferMessage> feed(byte[] chunk) throws TransferProtocolException {
    return feed(chunk, 0, chunk.length);
  }

  /** Consumes {@code chunks} in order (a stream's data as its cells brought it). */
  public List<TransferMessage> feed(List<byte[]> chunks) throws TransferProtocolException {
    List<TransferMessage> out = new ArrayList<>();
    for (byte[] chunk : chunks) {
      feed(chunk, 0, chunk.length, out);
    }
    return out;
  }

  private void feed(byte[] chunk, int off, int len, List<TransferMessage> out)
      throws TransferProtocolException {
    if (state == State.BAD) {
      throw new TransferProtocolException("stream already failed a protocol check");
    }
    int end = off + len;
    int i = off;
    try {
      while (i < end) {
        switch (state) {
          case READ_LENGTH -> {
            prefix[prefixFill++] = chunk[i++];
            if (prefixFill == prefix.length) {
              length = ((prefix[0] & 0xff) << 8) | (prefix[1] & 0xff);
              TransferCodec.checkLength(length);
              prefixFill = 0;
              if (end - i >= length) {
                // the whole body is in this chunk: decode it in place (the codec copies out
                // what it keeps), without buffering it first
                out.add(TransferCodec.decodeBody(chunk, i, length));
                i += length;
              } else {
                headFill = 0;
                state = State.READ_HEAD;
              }
            }
          }
          case READ_HEAD -> {
            if (headFill == 0) {
              if ((chunk[i] & 0xff) != BLOCK_CODE || length <= TransferCodec.BLOCK_FIXED_HEAD) {
                gatherBody();
                continue;
              }
              headLength = TransferCodec.BLOCK_FIXED_HEAD;
            }
            int n = Math.min(end - i, headLength - headFill);
            System.arraycopy(chunk, i, head, headFill, n);
            headFill += n;
            i += n;
            // true once per block: the fixed fields are in, so the proof count is known
            if (headFill == TransferCodec.BLOCK_FIXED_HEAD) {
              headLength = TransferCodec.blockHeadLength(head[TransferCodec.BLOCK_FIXED_HEAD - 1] & 0xff, length);
            }
            if (headFill == headLength) {
              body = new byte[length - headLength];
              bodyFill = 0;
              state = State.READ_BLOCK_DATA;
            }
          }
          case READ_BODY, READ_BLOCK_DATA -> {
            int n = Math.min(end - i, body.length - bodyFill);
            System.arraycopy(chunk, i, body, bodyFill, n);
            bodyFill += n;
            i += n;
            if (bodyFill == body.length) {
              out.add(state == State.READ_BODY ? TransferCodec.decodeBody(body, 0, body.length)
                  : TransferCodec.decodeBlock(head, headLength, body));
              body = null;
              state = State.READ_LENGTH;
            }
          }
          default -> throw new IllegalStateException("decoder in state " + state);
        }
      }
    } catch (TransferProtocolException e) {
      state = State.BAD;
      body = null;
      throw e;
    }
  }

  /** Gathers the rest of a split message that is not a BLOCK into a buffer of its length. */
  private void gatherBody() {
    body = new byte[length];
    bodyFill = 0;
    state = State.READ_BODY;
  }

  /** True if no partial frame is buffered (a clean place for the stream to end). */
  public boolean idle() {
    return state == State.READ_LENGTH && prefixFill == 0;
  }
}
