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
import java.time.Clock;
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
 * The streams of one circuit end (the origin's {@link CircuitActor} or the last hop's
 * {@link RelayActor}): implements the {@link Streams} contract. It turns stream users'
 * commands into relay cells for its owner to encrypt ({@link SendCells}) and recognized
 * stream cells from its owner into stream events. The rules are pure and kept beside it: the
 * streams' ids and states in a {@link StreamTable}, the circuit's SENDME window and queues in a
 * {@link FlowControl}; this actor asks them, then sends. A stream or flow-control violation
 * is reported as {@link Violation}; the owner destroys the circuit. Protocol §6.10, §6.11.
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

  /** What the mux keeps with each stream: who hears its events, and the handle its user sends to. */
  private static final class Refs {
    ActorRef<StreamEvent> user;
    ActorRef<StreamCommand> handle;

    Refs(ActorRef<StreamEvent> user) {
      this.user = user;
    }
  }

  private final CircuitSettings settings;
  private final ActorRef<Output> owner;
  private final ActorRef<ServiceRequest> services;
  private final FlowControl flow;
  private final QueuedCells.Gauge queued;
  /** What was last reported to {@link #queued}. */
  private int reportedCells;
  private long reportedOldest = Long.MAX_VALUE;
  private final StreamTable<Refs> streams;
  private boolean shutDown;
  /** Cells produced while handling one message; the owner gets them as one {@link SendCells}. */
  private final List<RelayCell> outbox = new ArrayList<>();
  /** Consecutive DATA cells of one stream from the batch being handled, delivered as one {@link StreamData}. */
  private StreamTable.Stream<Refs> inboxStream;
  private final List<byte[]> inbox = new ArrayList<>();

  /** The origin's mux: opens streams. */
  public static Behavior<Command> origin(CircuitSettings settings, ActorRef<Output> owner) {
    return Behaviors.setup(ctx -> new StreamMuxActor(ctx, true, settings, owner, null, Clock.systemUTC(),
        QueuedCells.Gauge.NONE));
  }

  /**
   * The last hop's mux: accepts BEGINs for the services behind {@code services}, and reports the
   * cells it holds (waiting for the window, or received and not consumed) to {@code queued}.
   */
  static Behavior<Command> destination(CircuitSettings settings, ActorRef<Output> owner,
      ActorRef<ServiceRequest> services, Clock clock, QueuedCells.Gauge queued) {
    return Behaviors.setup(ctx -> new StreamMuxActor(ctx, false, settings, owner, services, clock, queued));
  }

  private StreamMuxActor(ActorContext<Command> ctx, boolean origin, CircuitSettings settings, ActorRef<Output> owner,
      ActorRef<ServiceRequest> services, Clock clock, QueuedCells.Gauge queued) {
    super(ctx);
    this.settings = settings;
    this.owner = owner;
    this.services = services;
    this.queued = queued;
    this.flow = new FlowControl(settings.window(), settings.sendmeIncrement(), settings.streamCredit(), clock::millis);
    this.streams = new StreamTable<>(origin, settings.maxStreamsPerCircuit());
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
    StreamTable.Stream<Refs> stream = streams.open(new Refs(open.user()));
    if (stream == null) {
      open.user().tell(new StreamEnded(0, "too many streams on this circuit"));
      return this;
    }
    send(RelayCommand.BEGIN, stream.id(), open.service().getBytes(StandardCharsets.UTF_8));
    return this;
  }

  private Behavior<Command> flushed(Behavior<Command> next) {
    if (!outbox.isEmpty()) {
      owner.tell(new SendCells(List.copyOf(outbox)));
      outbox.clear();
    }
    report(flow.queuedCells());
    return next;
  }

  /** Tells the node-wide ledger what this end holds, when it changed (a last hop only). */
  private void report(int cells) {
    if (queued == QueuedCells.Gauge.NONE) {
      return;
    }
    long oldest = cells == 0 ? Long.MAX_VALUE : flow.oldestQueuedMillis();
    if (cells != reportedCells || oldest != reportedOldest) {
      reportedCells = cells;
      reportedOldest = oldest;
      queued.set(cells, oldest);
    }
  }

  private Behavior<Command> onCells(CellsIn in) {
    for (RelayCell cell : in.cells()) {
      if (cell.command() != RelayCommand.DATA || inboxStream == null || cell.streamId() != inboxStream.id()) {
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
      inboxStream.attachment().user.tell(new StreamData(inboxStream.id(), inbox));
    }
    inbox.clear();
    inboxStream = null;
  }

  /** Handles one cell; false after a protocol violation (reported to the owner). */
  private boolean onCell(RelayCell cell) {
    int id = cell.streamId();
    try {
      switch (cell.command()) {
        case BEGIN -> onBegin(cell);
        case CONNECTED -> opened(streams.onConnected(id));
        case DATA -> onData(cell);
        case END -> {
          StreamTable.Stream<Refs> ended = streams.onEnd(id);
          if (ended != null) {
            ended(ended, StreamTable.endReason(cell.data()));
          }
        }
        case SENDME -> {
          if (id == 0) {
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
    Refs refs = new Refs(null);
    switch (streams.onBegin(id, cell.length(), refs)) {
      case REFUSE_TOO_MANY -> send(RelayCommand.END, id, new byte[] {StreamTable.END_TOO_MANY});
      case REFUSE_NAME -> send(RelayCommand.END, id, new byte[] {StreamTable.END_REFUSED});
      case ASK_SERVICE -> {
        refs.handle = spawnHandle(id);
        String service = new String(cell.data(), StandardCharsets.UTF_8);
        getContext().ask(ServiceAnswer.class, services, SERVICE_TIMEOUT,
            replyTo -> new OpenServiceStream(service, refs.handle, replyTo),
            (answer, failure) -> new Answered(id, answer != null ? answer : new Reject("service did not answer")));
      }
    }
  }

  private Behavior<Command> onAnswered(Answered answered) {
    Accept accept = answered.answer() instanceof Accept a ? a : null;
    StreamTable.Stream<Refs> stream = streams.onAnswer(answered.streamId(), accept != null);
    if (stream == null) {
      return this;
    }
    if (accept != null) {
      stream.attachment().user = accept.events();
      send(RelayCommand.CONNECTED, stream.id(), new byte[0]);
      opened(stream);
    } else {
      send(RelayCommand.END, stream.id(), new byte[] {StreamTable.END_REFUSED});
      released(stream);
    }
    return this;
  }

  /** Tells the user its stream is open, giving it the handle (the origin's is made now). */
  private void opened(StreamTable.Stream<Refs> stream) {
    Refs refs = stream.attachment();
    if (refs.handle == null) {
      refs.handle = spawnHandle(stream.id());
    }
    refs.user.tell(new StreamOpened(stream.id(), refs.handle, settings.streamCredit()));
  }

  private void onData(RelayCell cell) throws CircuitProtocolException {
    flow.onData(cell.streamId());
    StreamTable.Stream<Refs> stream = streams.onData(cell.streamId());
    if (stream == null) {
      sendmes(flow.onConsumed(cell.streamId(), 1)); // late data for a closed stream: discard
      return;
    }
    inboxStream = stream;
    inbox.add(cell.sharedData()); // the cell is dropped after this batch: its array moves on
  }

  private Behavior<Command> onFromStream(FromStream from) {
    StreamCommand command = from.command();
    if (command == Streams.EndStream.INSTANCE) {
      if (streams.end(from.streamId()) != null) {
        flow.offerEnd(from.streamId());
        pump();
      }
      return this;
    }
    StreamTable.Stream<Refs> stream = streams.forUser(from.streamId());
    if (stream == null) {
      return this;
    }
    if (command instanceof Write write) {
      offer(stream, write.data());
      pump();
    } else if (command instanceof WriteAll writeAll) {
      writeAll.chunks().forEach(chunk -> offer(stream, chunk));
      pump();
    } else if (command instanceof Consumed consumed) {
      sendmes(flow.onConsumed(stream.id(), consumed.chunks()));
    }
    return this;
  }

  /** Queues one chunk for the wire, or tells the user why not. */
  private void offer(StreamTable.Stream<Refs> stream, byte[] data) {
    if (data.length > Streams.MAX_CHUNK || !flow.offer(stream.id(), data)) {
      stream.attachment().user.tell(new StreamRefused(stream.id(), data.length,
          data.length > Streams.MAX_CHUNK ? "chunk larger than " + Streams.MAX_CHUNK : "no credit: queue full"));
    }
  }

  private void pump() {
    Map<Integer, Integer> credits = new HashMap<>();
    FlowControl.Chunk chunk;
    while ((chunk = flow.poll()) != null) {
      if (chunk.isEnd()) {
        send(RelayCommand.END, chunk.streamId(), new byte[] {StreamTable.END_CLOSED});
        StreamTable.Stream<Refs> stream = streams.onEndSent(chunk.streamId());
        if (stream != null) {
          ended(stream, "closed");
        }
      } else {
        send(RelayCommand.DATA, chunk.streamId(), chunk.data());
        credits.merge(chunk.streamId(), 1, Integer::sum);
      }
    }
    credits.forEach((id, n) -> {
      StreamTable.Stream<Refs> stream = streams.get(id);
      if (stream != null) {
        stream.attachment().user.tell(new StreamCredit(id, n));
      }
    });
  }

  /** Tells the user (if any) that its stream, already out of the table, ended; then lets it go. */
  private void ended(StreamTable.Stream<Refs> stream, String reason) {
    if (stream.hasUser()) {
      stream.attachment().user.tell(new StreamEnded(stream.id(), reason));
    }
    released(stream);
  }

  /** A stream left the table: stops its handle and counts its unread cells as consumed. */
  private void released(StreamTable.Stream<Refs> stream) {
    if (stream.attachment().handle != null) {
      getContext().stop(stream.attachment().handle);
    }
    sendmes(flow.onStreamClosed(stream.id()));
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
    report(0);
    return this;
  }

  private void endAll(String reason) {
    if (shutDown) {
      return;
    }
    shutDown = true;
    streams.streams().forEach(s -> {
      if (s.hasUser()) {
        s.attachment().user.tell(new StreamEnded(s.id(), reason));
      }
    });
  }
}
