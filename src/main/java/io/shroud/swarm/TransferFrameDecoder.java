package io.shroud.swarm;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an ordered byte stream (a {@code transfer} stream, delivered in chunks of any size) into
 * {@link TransferMessage}s. A state machine in the manner of Netty's decoders:
 * {@code READ_LENGTH → READ_BODY → READ_LENGTH …}, and {@code BAD} after a violation, from which
 * it never recovers (the stream must be closed). A length prefix is checked before any of its
 * body is buffered, so a peer cannot make it hold more than {@link TransferCodec#MAX_MESSAGE_BYTES}
 * plus two bytes. A body that lies whole in one chunk is decoded from the chunk itself; only a
 * body split across chunks is gathered into a buffer first. Not thread-safe; one per stream.
 */
public final class TransferFrameDecoder {
  private enum State { READ_LENGTH, READ_BODY, BAD }

  private State state = State.READ_LENGTH;
  private final byte[] prefix = new byte[TransferCodec.LENGTH_PREFIX_BYTES];
  private int prefixFill;
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
    if (state == State.BAD) {
      throw new TransferProtocolException("stream already failed a protocol check");
    }
    List<TransferMessage> out = new ArrayList<>();
    int end = off + len;
    int i = off;
    try {
      while (i < end) {
        if (state == State.READ_LENGTH) {
          prefix[prefixFill++] = chunk[i++];
          if (prefixFill == prefix.length) {
            int length = ((prefix[0] & 0xff) << 8) | (prefix[1] & 0xff);
            TransferCodec.checkLength(length);
            prefixFill = 0;
            if (end - i >= length) {
              // the whole body is in this chunk: decode it in place (the codec copies out
              // what it keeps), without buffering it first
              out.add(TransferCodec.decodeBody(chunk, i, length));
              i += length;
            } else {
              body = new byte[length];
              bodyFill = 0;
              state = State.READ_BODY;
            }
          }
        } else {
          int n = Math.min(end - i, body.length - bodyFill);
          System.arraycopy(chunk, i, body, bodyFill, n);
          bodyFill += n;
          i += n;
          if (bodyFill == body.length) {
            out.add(TransferCodec.decodeBody(body, 0, body.length));
            body = null;
            state = State.READ_LENGTH;
          }
        }
      }
    } catch (TransferProtocolException e) {
      state = State.BAD;
      body = null;
      throw e;
    }
    return out;
  }

  /** Same as {@link #feed(byte[], int, int)} for a whole array. */
  public List<TransferMessage> feed(byte[] chunk) throws TransferProtocolException {
    return feed(chunk, 0, chunk.length);
  }

  /** True if no partial frame is buffered (a clean place for the stream to end). */
  public boolean idle() {
    return state == State.READ_LENGTH && prefixFill == 0;
  }
}
