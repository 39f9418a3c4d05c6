package io.shroud.circuit;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The messages through which the rest of the node uses circuit streams, as {@code Links} is
 * for peer links. A stream is an ordered, reliable byte stream between the origin of a
 * circuit and a named service at its last hop (protocol §6.10, §6.11); the circuit's
 * {@code StreamMuxActor} implements it. Where a stream starts:
 *
 * <ul>
 *   <li>the origin opens one with {@link CircuitActor.OpenStream}{@code (service, user)} on a
 *       built circuit; {@code user} then receives {@link StreamEvent}s;
 *   <li>a service binds its name at a node with {@link CircuitsActor.RegisterService}; it gets
 *       an {@link OpenServiceStream} for every stream opened to it there and answers
 *       {@link Accept} (with the ref that receives the stream's events) or {@link Reject}.
 * </ul>
 *
 * <p>What a user may rely on. The first event is {@link StreamOpened} (with the handle to send
 * {@link StreamCommand}s to), or {@link StreamEnded} if the stream never opened (then with
 * stream id 0 when the circuit refused to open it). {@link StreamEnded} is always the last
 * event, also when the circuit closes. Bytes arrive in the order the far end wrote them, and
 * the arrays in a {@link StreamData} are handed over: nobody changes them again. A
 * {@link Write} beyond the credit ({@link StreamOpened#credit()} plus every
 * {@link StreamCredit} since, minus the chunks written) or longer than {@link #MAX_CHUNK} is
 * not sent and answered with {@link StreamRefused}; nothing else is lost while the circuit
 * lives. {@link EndStream} ends the stream after the data already written; commands after it,
 * or after the stream ended, are ignored.
 *
 * <p>What a user may not rely on. Chunk and part boundaries carry no meaning: the far end may
 * read what was written as one chunk in several parts or several chunks in one
 * {@link StreamData}. The SENDME window is the circuit's, not the stream's: a user that does
 * not answer its data with {@link Consumed} stalls every stream of its circuit. Nothing
 * survives the circuit: when it closes every stream ends, whatever was still queued. Stream
 * ids are unique among the open streams of one circuit only, and are reused. A service that
 * does not answer within a few seconds is taken as a {@link Reject}. There is no ordering
 * between the streams of one circuit.
 */
public final class Streams {
  private Streams() {}

  /** Most bytes one {@link Write} (one DATA cell) carries: {@link RelayCellFormat#MAX_DATA}. */
  public static final int MAX_CHUNK = RelayCellFormat.MAX_DATA;
  /** Longest service name, in UTF-8 bytes; a BEGIN with a longer (or empty) one is refused. */
  public static final int MAX_SERVICE_NAME = 64;

  /** What a stream user (or a service) receives. */
  public sealed interface StreamEvent {}

  /** The stream is open: send {@link StreamCommand}s to {@code stream}; {@code credit} chunks may be queued. */
  public record StreamOpened(int streamId, ActorRef<StreamCommand> stream, int credit) implements StreamEvent {}

  /**
   * Bytes from the far end: the data of consecutive DATA cells that arrived together, one
   * array per cell ({@code parts}, handed over: never changed again). A stream is a byte
   * stream: part boundaries carry no meaning. Answer with {@link Consumed}{@code (chunks())}
   * once processed (drives SENDMEs).
   *
   * <p>The parts are not joined here: a reader that parses the stream as it comes (the
   * transfer protocol's decoder) takes them one by one and copies each byte once, straight into
   * what it keeps; {@link #data()} joins them for readers that want one array.
   */
  public record StreamData(int streamId, List<byte[]> parts) implements StreamEvent {
    public StreamData {
      parts = List.copyOf(parts);
      if (parts.isEmpty()) {
        throw new IllegalArgumentException("stream data has at least one part");
      }
    }

    /** The data of one DATA cell. */
    public StreamData(int streamId, byte[] data) {
      this(streamId, List.of(data));
    }

    /** How many DATA cells brought this data: what {@link Consumed} acknowledges. */
    public int chunks() {
      return parts.size();
    }

    /** The parts back to back in a new array (a single part as it is). */
    public byte[] data() {
      if (parts.size() == 1) {
        return parts.get(0);
      }
      int length = 0;
      for (byte[] part : parts) {
        length += part.length;
      }
      byte[] out = new byte[length];
      int off = 0;
      for (byte[] part : parts) {
        System.arraycopy(part, 0, out, off, part.length);
        off += part.length;
      }
      return out;
    }
  }

  /** {@code chunks} queued chunks left for the wire: that much more may be written. */
  public record StreamCredit(int streamId, int chunks) implements StreamEvent {}

  /** A write was refused (beyond the credit or larger than {@link #MAX_CHUNK}); it was not sent. */
  public record StreamRefused(int streamId, int bytes, String reason) implements StreamEvent {}

  /** The stream is closed; nothing more follows. */
  public record StreamEnded(int streamId, String reason) implements StreamEvent {}

  /** What a stream user sends to its stream handle. */
  public sealed interface StreamCommand {}

  /**
   * Sends up to {@link #MAX_CHUNK} bytes; takes one credit. The array is handed over, as
   * message contents are: the mux only reads it, and the sender never changes it again.
   */
  public record Write(byte[] data) implements StreamCommand {}

  /**
   * Sends several chunks, in order, in one message: the same as one {@link Write} per chunk
   * (each up to {@link #MAX_CHUNK} bytes and one credit, each array handed over), but the
   * cells leave as one batch.
   */
  public record WriteAll(List<byte[]> chunks) implements StreamCommand {
    public WriteAll {
      chunks = List.copyOf(chunks);
    }
  }

  /** The user processed {@code chunks} DATA chunks (the sum of {@link StreamData#chunks()}). */
  public record Consumed(int chunks) implements StreamCommand {}

  /** Closes the stream after the data already written. */
  public enum EndStream implements StreamCommand { INSTANCE }

  /** What a service handler receives: a stream was opened to {@code service} at this node. */
  public sealed interface ServiceRequest {}

  /** Answer {@link Accept} with the ref that receives the stream's events, or {@link Reject}. */
  public record OpenServiceStream(String service, ActorRef<StreamCommand> stream, ActorRef<ServiceAnswer> replyTo)
      implements ServiceRequest {}

  /** A service's answer to {@link OpenServiceStream}. */
  public sealed interface ServiceAnswer {}

  /** The service takes the stream: {@code events} receives its {@link StreamEvent}s. */
  public record Accept(ActorRef<StreamEvent> events) implements ServiceAnswer {}

  /** The service refuses the stream; the origin sees it end ("service refused or unknown"). */
  public record Reject(String reason) implements ServiceAnswer {}
}
