package io.shroud.circuit;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The stream rules of one circuit end (protocol §6.11), beside {@link FlowControl}: which
 * stream id the origin gives a new stream, when a BEGIN is taken, refused or a protocol
 * violation, how a stream goes from opening to open to ending, and what an END says. The
 * {@code StreamMuxActor} keeps one, asks it what a cell or a user's command means, and then
 * sends. Pure.
 *
 * <p>A stream's life: the origin {@link #open opens} it ({@link State#OPENING}, BEGIN sent)
 * and the far end's CONNECTED makes it {@link State#OPEN}; at the last hop a BEGIN makes it
 * {@link State#ANSWERING} until its service answers ({@link #onAnswer}). An open stream whose
 * user ends it is {@link State#ENDING} until its END leaves behind its data
 * ({@link #onEndSent}); an END from the far end ends it in any state ({@link #onEnd}).
 *
 * @param <A> what the mux keeps with each stream (who receives its events, its handle)
 */
public final class StreamTable<A> {
  /** END reason byte: closed normally. */
  public static final int END_CLOSED = 0;
  /** END reason byte: the service refused the stream, is not bound, or its name is malformed. */
  public static final int END_REFUSED = 1;
  /** END reason byte: the circuit end already has its most streams open. */
  public static final int END_TOO_MANY = 2;
  /** Stream ids are u16; 0 is the circuit itself. */
  static final int MAX_STREAM_ID = 0xFFFF;

  /** Where a stream is in its life. */
  public enum State {
    /** Origin: BEGIN sent, CONNECTED not yet back. */
    OPENING,
    /** Last hop: BEGIN taken, the service has not answered yet; no local user yet. */
    ANSWERING,
    /** Data may flow both ways. */
    OPEN,
    /** This end ended it: its END waits behind the data already written. */
    ENDING
  }

  /** One stream: its id, its state and what the mux keeps with it. */
  public static final class Stream<A> {
    private final int id;
    private State state;
    private final A attachment;

    private Stream(int id, State state, A attachment) {
      this.id = id;
      this.state = state;
      this.attachment = attachment;
    }

    public int id() {
      return id;
    }

    public State state() {
      return state;
    }

    public A attachment() {
      return attachment;
    }

    public boolean isOpen() {
      return state == State.OPEN;
    }

    /** Whether a local user hears this stream's events: in every state but {@link State#ANSWERING}. */
    public boolean hasUser() {
      return state != State.ANSWERING;
    }
  }

  /** What to do with a BEGIN that is not a protocol violation. */
  public enum Begin {
    /** Taken ({@link State#ANSWERING}): ask the service. */
    ASK_SERVICE,
    /** Answer END {@link #END_TOO_MANY}; nothing is kept. */
    REFUSE_TOO_MANY,
    /** The service name is empty or too long: answer END {@link #END_REFUSED}; nothing is kept. */
    REFUSE_NAME
  }

  private final boolean origin;
  private final int maxStreams;
  private final Map<Integer, Stream<A>> streams = new HashMap<>();
  private int nextId = 1;

  /**
   * @param origin the origin's end opens streams; the last hop's takes BEGINs
   * @param maxStreams streams open at once on this end (at most 65535, the ids there are)
   */
  public StreamTable(boolean origin, int maxStreams) {
    this.origin = origin;
    this.maxStreams = Math.min(maxStreams, MAX_STREAM_ID);
  }

  /**
   * Origin: a new {@link State#OPENING} stream (send its BEGIN) under the next id in 1..65535,
   * counting on from the last one given and skipping ids in use; null when this end may not
   * open one (it is the last hop, or it has its most streams open).
   */
  public Stream<A> open(A attachment) {
    if (!origin || streams.size() >= maxStreams) {
      return null;
    }
    while (streams.containsKey(nextId)) {
      nextId = nextId % MAX_STREAM_ID + 1;
    }
    Stream<A> stream = new Stream<>(nextId, State.OPENING, attachment);
    nextId = nextId % MAX_STREAM_ID + 1;
    streams.put(stream.id, stream);
    return stream;
  }

  /**
   * A BEGIN for {@code id} naming a service of {@code nameBytes} UTF-8 bytes. A BEGIN at the
   * origin or for an id in use is a violation; past the stream limit or with an empty or
   * longer than {@link Streams#MAX_SERVICE_NAME} name it is refused; otherwise the stream is
   * kept, {@link State#ANSWERING}, with {@code attachment}.
   */
  public Begin onBegin(int id, int nameBytes, A attachment) throws CircuitProtocolException {
    if (origin || streams.containsKey(id)) {
      throw new CircuitProtocolException("unexpected BEGIN for stream " + id);
    }
    if (streams.size() >= maxStreams) {
      return Begin.REFUSE_TOO_MANY;
    }
    if (nameBytes < 1 || nameBytes > Streams.MAX_SERVICE_NAME) {
      return Begin.REFUSE_NAME;
    }
    streams.put(id, new Stream<>(id, State.ANSWERING, attachment));
    return Begin.ASK_SERVICE;
  }

  /**
   * The service answered for {@code id}: accepted, the stream is {@link State#OPEN} (send
   * CONNECTED); refused, it is removed (send END {@link #END_REFUSED}). Null, and nothing
   * changes, when the stream is gone (ended while its service was asked) or not answering.
   */
  public Stream<A> onAnswer(int id, boolean accepted) {
    Stream<A> stream = streams.get(id);
    if (stream == null || stream.state != State.ANSWERING) {
      return null;
    }
    if (accepted) {
      stream.state = State.OPEN;
    } else {
      streams.remove(id);
    }
    return stream;
  }

  /** A CONNECTED for {@code id}: the origin's {@link State#OPENING} stream opens; anything else is a violation. */
  public Stream<A> onConnected(int id) throws CircuitProtocolException {
    Stream<A> stream = streams.get(id);
    if (!origin || stream == null || stream.state != State.OPENING) {
      throw new CircuitProtocolException("unexpected CONNECTED for stream " + id);
    }
    stream.state = State.OPEN;
    return stream;
  }

  /**
   * The stream a DATA cell for {@code id} goes to, or null when it is not open (late data for
   * an ended stream, or data before CONNECTED or the service's answer): discard it.
   */
  public Stream<A> onData(int id) {
    Stream<A> stream = streams.get(id);
    return stream != null && stream.state == State.OPEN ? stream : null;
  }

  /** An END from the far end for {@code id}: the stream, now removed, or null if there was none. */
  public Stream<A> onEnd(int id) {
    return streams.remove(id);
  }

  /** The reason an END cell's data gives (its first byte; none is {@link #END_CLOSED}). */
  public static String endReason(byte[] data) {
    int code = data.length > 0 ? data[0] & 0xFF : END_CLOSED;
    return switch (code) {
      case END_CLOSED -> "closed by the far end";
      case END_REFUSED -> "service refused or unknown";
      case END_TOO_MANY -> "too many streams";
      default -> "closed by the far end (reason " + code + ")";
    };
  }

  /** The stream a user's write or acknowledgement for {@code id} applies to, or null (not open: ignore it). */
  public Stream<A> forUser(int id) {
    return onData(id);
  }

  /**
   * The user ends {@code id}: an open stream becomes {@link State#ENDING} (queue its END behind
   * its data) and is returned; null, and nothing changes, for any other.
   */
  public Stream<A> end(int id) {
    Stream<A> stream = onData(id);
    if (stream != null) {
      stream.state = State.ENDING;
    }
    return stream;
  }

  /** This end's END for {@code id} left: the stream, now removed, or null if it was gone already. */
  public Stream<A> onEndSent(int id) {
    return streams.remove(id);
  }

  /** The stream {@code id}, or null. */
  public Stream<A> get(int id) {
    return streams.get(id);
  }

  /** The streams kept now, in no order (a view). */
  public Collection<Stream<A>> streams() {
    return streams.values();
  }

  public int size() {
    return streams.size();
  }
}
