package io.shroud.circuit;

import io.shroud.circuit.Streams.Accept;
import io.shroud.circuit.Streams.Consumed;
import io.shroud.circuit.Streams.OpenServiceStream;
import io.shroud.circuit.Streams.Reject;
import io.shroud.circuit.Streams.ServiceAnswer;
import io.shroud.circuit.Streams.ServiceRequest;
import io.shroud.circuit.Streams.StreamCommand;
import io.shroud.circuit.Streams.StreamCredit;
import io.shroud.circuit.Streams.StreamData;
import io.shroud.circuit.Streams.StreamEnded;
import io.shroud.circuit.Streams.StreamEvent;
import io.shroud.circuit.Streams.StreamOpened;
import io.shroud.circuit.Streams.StreamRefused;
import io.shroud.circuit.Streams.Write;
import io.shroud.circuit.Streams.WriteAll;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The streams of one circuit end, behind the {@link Streams} contract (the origin's {@link CircuitActor} or the last hop's
 * {@link RelayActor}), with the circuit-level flow control ({@link FlowControl}). It turns
 * stream users' commands into relay cells for its owner to encrypt ({@link SendCells}) and
 * recognized stream cells from its owner into stream events. A flow-control violation is
 * reported as {@link Violation}; the owner destroys the circuit. Protocol draft §10, §11.
 */
public final class StreamMuxActor extends AbstractBehavior<StreamMuxActor.Command> {

  /** What the mux accepts. */
  public sealed interface Command {}

  /** Origin only: open a stream to {@code service} at the last hop. */
  public record Open(String service, ActorRef<StreamEvent> user) implements Command {}

  /** Recognized stream-level cells (BEGIN, CONNECTED, DATA, END, SENDME) from the owner, in order. */
  record CellsIn(List<RelayCell> cells) implements Command {}

  /** The circuit is closing: end every stream with {@code reason} and stop. */
  record Shutdown(String reason) implements Command {}

  private record FromStream(int streamId, StreamCommand command) implements Command {}

  private record Answered(int streamId, ServiceAnswer answer) implements Command {}

  /** What the mux tells its owner. */
  public sealed interface Output {}

  /** Encrypt and send these cells, in order, to the far end. */
  record SendCells(List<RelayCell> cells) implements Output {}

  /** The far end broke the stream protocol: destroy the circuit. */
  record Violation(String reason) implements Output {}

  private static final Duration SERVICE_TIMEOUT = Duration.ofSeconds(5);

  private static final class Stream {
    final int id;
    ActorRef<StreamEvent> user;
    ActorRef<StreamCommand> handle;
    boolean open;

    Stream(int id, ActorRef<StreamEvent> user) {
      this.id = id;
      this.user = user;
    }
  }

  private final boolean origin;
  private final CircuitSettings settings;
  private final ActorRef<Output> owner;
  private final ActorRef<ServiceRequest> services;
  private final FlowControl flow;
  private final Map<Integer, Stream> streams = new HashMap<>();
  private int nextStreamId = 1;
  private boolean shutDown;
  /** Cells produced while handling one message; the owner gets them as one {@link SendCells}. */
  private final List<RelayCell> outbox = new ArrayList<>();
  /** Consecutive DATA cells of one stream from the batch being handled, delivered as one {@link StreamData}. */
  private Stream inboxStream;
  private final List<byte[]> inbox = new ArrayList<>();

  /** The origin's mux: opens streams. */
  public static Behavior<Command> origin(CircuitSettings settings, ActorRef<Output> owner) {
    return Behaviors.setup(ctx -> new StreamMuxActor(ctx, true, settings, owner, null));
  }

  /** The last hop's mux: accepts BEGINs for the services behind {@code services}. */
  public static Behavior<Command> destination(CircuitSettings settings, ActorRef<Output> owner,
      ActorRef<ServiceRequest> services) {
    return Behaviors.setup(ctx -> new StreamMuxActor(ctx, false, settings, owner, services));
  }

  private StreamMuxActor(ActorContext<Command> ctx, boolean origin, CircuitSettings settings, ActorRef<Output> owner,
      ActorRef<ServiceRequest> services) {
    super(ctx);
    this.origin = origin;
    this.settings = settings;
    this.owner = owner;
    this.services = services;
    this.flow = new FlowControl(settings.window(), settings.sendmeIncrement(), settings.streamCredit());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Open.class, open -> flushed(onOpen(open)))
        .onMessage(CellsIn.class, in -> flushed(onCells(in)))
        .onMessage(FromStream.class, from -> flushed(onFromStream(from)))
        .onMessage(Answered.class, answered -> flushed(onAnswered(answered)))
        .onMessage(Shutdown.class, this::onShutdown)
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private Behavior<Command> onOpen(Open open) {
    if (!origin || streams.size() >= settings.maxStreamsPerCircuit()) {
      open.user().tell(new StreamEnded(0, "too many streams on this circuit"));
      return this;
    }
    while (streams.containsKey(nextStreamId)) {
      nextStreamId = nextStreamId % 0xFFFF + 1;
    }
    int id = nextStreamId;
    nextStreamId = nextStreamId % 0xFFFF + 1;
    streams.put(id, new Stream(id, open.user()));
    send(RelayCommand.BEGIN, id, open.service().getBytes(StandardCharsets.UTF_8));
    return this;
  }

  private Behavior<Command> flushed(Behavior<Command> next) {
    if (!outbox.isEmpty()) {
      owner.tell(new SendCells(List.copyOf(outbox)));
      outbox.clear();
    }
    return next;
  }

  private Behavior<Command> onCells(CellsIn in) {
    for (RelayCell cell : in.cells()) {
      if (cell.command() != RelayCommand.DATA || inboxStream == null || cell.streamId() != inboxStream.id) {
        deliverInbox();
      }
      if (!onCell(cell)) {
        break; // the circuit is being destroyed: ignore the rest
      }
    }
    deliverInbox();
    return this;
  }

  private void deliverInbox() {
    if (!inbox.isEmpty()) {
      inboxStream.user.tell(new StreamData(inboxStream.id, inbox));
    }
    inbox.clear();
    inboxStream = null;
  }

  /** Handles one cell; false after a protocol violation (reported to the owner). */
  private boolean onCell(RelayCell cell) {
    Stream stream = streams.get(cell.streamId());
    try {
      switch (cell.command()) {
        case BEGIN -> onBegin(cell);
        case CONNECTED -> onConnected(cell, stream);
        case DATA -> onData(cell, stream);
        case END -> onEnd(stream, cell.data());
        case SENDME -> {
          if (cell.streamId() == 0) {
            flow.onSendme();
            pump();
          }
        }
        default -> throw new CircuitProtocolException("not a stream command: " + cell.command());
      }
    } catch (CircuitProtocolException e) {
      deliverInbox();
      flushed(this);
      owner.tell(new Violation(e.getMessage()));
      return false;
    }
    return true;
  }

  private void onBegin(RelayCell cell) throws CircuitProtocolException {
    int id = cell.streamId();
    if (origin || streams.containsKey(id)) {
      throw new CircuitProtocolException("unexpected BEGIN for stream " + id);
    }
    if (streams.size() >= settings.maxStreamsPerCircuit()) {
      send(RelayCommand.END, id, new byte[] {2});
      return;
    }
    if (cell.length() < 1 || cell.length() > Streams.MAX_SERVICE_NAME) {
      send(RelayCommand.END, id, new byte[] {1});
      return;
    }
    Stream stream = new Stream(id, null);
    streams.put(id, stream);
    stream.handle = spawnHandle(id);
    String service = new String(cell.data(), StandardCharsets.UTF_8);
    getContext().ask(ServiceAnswer.class, services, SERVICE_TIMEOUT,
        replyTo -> new OpenServiceStream(service, stream.handle, replyTo),
        (answer, failure) -> new Answered(id, answer != null ? answer : new Reject("service did not answer")));
  }

  private Behavior<Command> onAnswered(Answered answered) {
    Stream stream = streams.get(answered.streamId());
    if (stream == null) {
      return this;
    }
    if (answered.answer() instanceof Accept accept) {
      stream.user = accept.events();
      stream.open = true;
      send(RelayCommand.CONNECTED, stream.id, new byte[0]);
      stream.user.tell(new StreamOpened(stream.id, stream.handle, settings.streamCredit()));
    } else {
      send(RelayCommand.END, stream.id, new byte[] {1});
      forget(stream);
    }
    return this;
  }

  private void onConnected(RelayCell cell, Stream stream) throws CircuitProtocolException {
    if (!origin || stream == null || stream.open) {
      throw new CircuitProtocolException("unexpected CONNECTED for stream " + cell.streamId());
    }
    stream.open = true;
    stream.handle = spawnHandle(stream.id);
    stream.user.tell(new StreamOpened(stream.id, stream.handle, settings.streamCredit()));
  }

  private void onData(RelayCell cell, Stream stream) throws CircuitProtocolException {
    flow.onData(cell.streamId());
    if (stream == null || !stream.open) {
      sendmes(flow.onConsumed(cell.streamId(), 1)); // late data for a closed stream: discard
      return;
    }
    inboxStream = stream;
    inbox.add(cell.sharedData()); // the cell is dropped after this batch: its array moves on
  }

  private void onEnd(Stream stream, byte[] data) {
    if (stream == null) {
      return;
    }
    int code = data.length > 0 ? data[0] & 0xFF : 0;
    String reason = switch (code) {
      case 0 -> "closed by the far end";
      case 1 -> "service refused or unknown";
      case 2 -> "too many streams";
      default -> "closed by the far end (reason " + code + ")";
    };
    if (stream.user != null) {
      stream.user.tell(new StreamEnded(stream.id, reason));
    }
    forget(stream);
  }

  private Behavior<Command> onFromStream(FromStream from) {
    Stream stream = streams.get(from.streamId());
    if (stream == null || !stream.open) {
      return this;
    }
    StreamCommand command = from.command();
    if (command instanceof Write write) {
      offer(stream, write.data());
      pump();
    } else if (command instanceof WriteAll writeAll) {
      writeAll.chunks().forEach(chunk -> offer(stream, chunk));
      pump();
    } else if (command instanceof Consumed consumed) {
      sendmes(flow.onConsumed(stream.id, consumed.chunks()));
    } else {
      stream.open = false;
      flow.offerEnd(stream.id);
      pump();
    }
    return this;
  }

  /** Queues one chunk for the wire, or tells the user why not. */
  private void offer(Stream stream, byte[] data) {
    if (data.length > Streams.MAX_CHUNK || !flow.offer(stream.id, data)) {
      stream.user.tell(new StreamRefused(stream.id, data.length,
          data.length > Streams.MAX_CHUNK ? "chunk larger than " + Streams.MAX_CHUNK : "no credit: queue full"));
    }
  }

  private void pump() {
    Map<Integer, Integer> credits = new HashMap<>();
    FlowControl.Chunk chunk;
    while ((chunk = flow.poll()) != null) {
      Stream stream = streams.get(chunk.streamId());
      if (chunk.isEnd()) {
        send(RelayCommand.END, chunk.streamId(), new byte[] {0});
        if (stream != null) {
          stream.user.tell(new StreamEnded(stream.id, "closed"));
          forget(stream);
        }
      } else {
        send(RelayCommand.DATA, chunk.streamId(), chunk.data());
        credits.merge(chunk.streamId(), 1, Integer::sum);
      }
    }
    credits.forEach((id, n) -> {
      Stream stream = streams.get(id);
      if (stream != null) {
        stream.user.tell(new StreamCredit(id, n));
      }
    });
  }

  private void forget(Stream stream) {
    streams.remove(stream.id);
    if (stream.handle != null) {
      getContext().stop(stream.handle);
    }
    sendmes(flow.onStreamClosed(stream.id));
  }

  private void sendmes(int count) {
    for (int i = 0; i < count; i++) {
      send(RelayCommand.SENDME, 0, new byte[0]);
    }
  }

  private void send(RelayCommand command, int streamId, byte[] data) {
    outbox.add(RelayCell.adopt(command, streamId, data)); // fresh or handed-over arrays only
  }

  private ActorRef<StreamCommand> spawnHandle(int id) {
    ActorRef<Command> self = getContext().getSelf();
    return getContext().spawnAnonymous(Behaviors.receiveMessage(command -> {
      self.tell(new FromStream(id, command));
      return Behaviors.same();
    }));
  }

  private Behavior<Command> onShutdown(Shutdown shutdown) {
    endAll(shutdown.reason());
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    endAll("circuit closed");
    return this;
  }

  private void endAll(String reason) {
    if (shutDown) {
      return;
    }
    shutDown = true;
    streams.values().forEach(s -> {
      if (s.user != null) {
        s.user.tell(new StreamEnded(s.id, reason));
      }
    });
  }
}
