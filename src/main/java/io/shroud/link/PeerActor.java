package io.shroud.link;

import io.shroud.dht.NodeId;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.CellFormat;
import io.shroud.wire.LinkCipher;
import io.shroud.wire.LinkFrameDecoder;
import io.shroud.wire.LinkHandshake;
import io.shroud.wire.ProtocolViolationException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * Owns one TCP connection to one peer, inbound or outbound. The stream is
 * {@code Source.queue(bounded) -> TCP -> Sink.foreachAsync(READS_IN_FLIGHT, ask this actor)}: at
 * most {@link #READS_IN_FLIGHT} chunks read from the socket wait for this actor's
 * acknowledgement before the next is pulled, so a
 * slow actor slows the TCP reader, and a full outbound queue drops (and counts) rather than
 * grows. Runs the Noise XK handshake ({@link LinkHandshake}), asks {@code LinksActor} to admit
 * the authenticated peer, then seals and opens cells with {@link LinkCipher}, routes inbound
 * cells straight to their handlers, sends PADDING when idle, time-based REKEY and LINK_PING.
 * Any {@link ProtocolViolationException}, timeout or closed connection stops this actor (it is
 * never restarted) after telling {@code LinksActor} why.
 */
final class PeerActor extends AbstractBehavior<PeerActor.Command> {

  sealed interface Command {}

  /** The peer is {@code peer}; start carrying cells. */
  record Admit(NodeId peer, Routes routes) implements Command {}

  /** Close without ever carrying a cell (unknown key, duplicate link). */
  record Refuse(String reason) implements Command {}

  /** Close an admitted link (e.g. it lost the duplicate-link rule). */
  record Close(String reason) implements Command {}

  /** Seals {@code cells} in order and queues them as one write. */
  record SendCells(List<Cell> cells) implements Command {}

  record UpdateRoutes(Routes routes) implements Command {}

  private record Received(ByteString chunk, ActorRef<Done> ack) implements Command {}

  private record StreamEnded(String reason) implements Command {}

  private enum Timer implements Command { HANDSHAKE, IDLE, PADDING, PING }

  private enum Connected implements Command { INSTANCE }

  private enum State { HANDSHAKE, AWAITING_ADMISSION, OPEN }

  /**
   * Socket reads handed to this actor and not yet acknowledged. Two let the TCP stage read the
   * next chunk while this actor opens the last one (a read is ~15-30 cells on a busy link); the
   * asks reach the mailbox in read order, so cells stay in order. Each waiting read holds up to
   * one TCP read buffer (Pekko's {@code direct-buffer-size}, 128 KiB) in the mailbox: with
   * {@code max-links} 256 busy links that is at most 64 MiB per node.
   */
  static final int READS_IN_FLIGHT = 2;

  private final PeerSetup setup;
  private final LinkCounters counters;
  private final NodeId dialed;
  private final TimerScheduler<Command> timers;
  private final LinkHandshake handshake;
  private final LinkFrameDecoder decoder = new LinkFrameDecoder();
  private final SharedKillSwitch killSwitch;
  private final BoundedSourceQueue<ByteString> queue;
  private final AtomicLong queuedRecords = new AtomicLong();
  private State state = State.HANDSHAKE;
  private LinkCipher cipher;
  private NodeId peer;
  private Routes routes = Routes.NONE;
  /** Cells for batch handlers from the chunk being drained, per handler, in arrival order. */
  private final Map<ActorRef<Links.InboundCells>, List<Cell>> batches = new LinkedHashMap<>();
  /** Acknowledgements withheld while admission is pending (at most {@link #READS_IN_FLIGHT}). */
  private final List<ActorRef<Done>> pendingAcks = new ArrayList<>();
  private boolean sentSinceTick;
  private Long pingId;
  private Instant pingSentAt;

  /** A link accepted on the data-plane port; the peer is learned from its static key. */
  static Behavior<Command> inbound(Tcp.IncomingConnection connection, PeerSetup setup,
      LinkCounters counters) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new PeerActor(ctx, timers, setup, counters, null, null, connection, null)));
  }

  /** A link this node dials to {@code peer} at {@code address}, whose link key is {@code peerLinkKey}. */
  static Behavior<Command> outbound(NodeId peer, InetSocketAddress address, byte[] peerLinkKey,
      PeerSetup setup, LinkCounters counters) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new PeerActor(ctx, timers, setup, counters, peer, peerLinkKey, null, address)));
  }

  private PeerActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, PeerSetup setup,
      LinkCounters counters, NodeId dialed, byte[] peerLinkKey,
      Tcp.IncomingConnection incoming, InetSocketAddress address) {
    super(ctx);
    this.setup = setup;
    this.counters = counters;
    this.dialed = dialed;
    this.timers = timers;
    this.killSwitch = KillSwitches.shared("link");
    this.handshake = dialed == null
        ? LinkHandshake.responder(setup.linkKey(), setup.random())
        : LinkHandshake.initiator(setup.linkKey(), peerLinkKey, setup.random());
    Materializer mat = Materializer.matFromSystem(ctx.getSystem());
    ActorRef<Command> self = ctx.getSelf();
    // The ack is withheld only while admission is pending (inside the handshake timeout); a
    // stopped actor never acks, so this also bounds how long a closed link's stream lingers.
    Duration askTimeout = setup.settings().handshakeTimeout().multipliedBy(3);
    Sink<ByteString, CompletionStage<Done>> in = Flow.<ByteString>create()
        .via(killSwitch.flow())
        .toMat(Sink.foreachAsync(READS_IN_FLIGHT, chunk -> Acks.completion(AskPattern.<Command, Done>ask(self,
            ack -> new Received(chunk, ack), askTimeout, ctx.getSystem().scheduler()))), Keep.right());
    // queuedRecords counts records offered and not yet taken by the TCP stage: the outbound
    // bound is in records (cells), whatever the number of writes they were offered in
    Source<ByteString, BoundedSourceQueue<ByteString>> out =
        Source.<ByteString>queue(setup.settings().maxQueuedCells())
            .map(bytes -> {
              queuedRecords.addAndGet(-(bytes.size() / CellFormat.RECORD_BYTES));
              return bytes;
            })
            .via(killSwitch.flow());
    CompletionStage<Done> ended;
    if (incoming != null) {
      Pair<BoundedSourceQueue<ByteString>, CompletionStage<Done>> m = incoming.handleWith(
          Flow.fromSinkAndSourceCoupledMat(in, out, (done, q) -> Pair.create(q, done)), mat);
      queue = m.first();
      ended = m.second();
    } else {
      Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> tcp =
          Tcp.get(ctx.getSystem()).outgoingConnection(address, Optional.empty(), List.of(), false,
              Optional.of(setup.settings().dialTimeout()), Optional.empty());
      Pair<Pair<BoundedSourceQueue<ByteString>, CompletionStage<Tcp.OutgoingConnection>>,
          CompletionStage<Done>> m = out.viaMat(tcp, Keep.both()).toMat(in, Keep.both()).run(mat);
      queue = m.first().first();
      ended = m.second();
      ctx.pipeToSelf(m.first().second(), (c, failure) -> failure == null ? Connected.INSTANCE
          : new StreamEnded("dial failed: " + failure.getClass().getSimpleName()));
    }
    ctx.pipeToSelf(ended, (d, failure) -> new StreamEnded(failure == null
        ? "connection closed by peer" : "connection failed: " + failure.getClass().getSimpleName()));
    timers.startSingleTimer(Timer.HANDSHAKE, setup.settings().handshakeTimeout());
    if (dialed != null) {
      send(handshake.writeFrame());
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Received.class, this::onReceived)
        .onMessage(Admit.class, this::onAdmit)
        .onMessage(Refuse.class, r -> close("refused: " + r.reason(), false))
        .onMessage(Close.class, c -> close(c.reason(), false))
        .onMessage(SendCells.class, this::onSendCells)
        .onMessage(UpdateRoutes.class, this::onUpdateRoutes)
        .onMessage(StreamEnded.class, e -> close(e.reason(), false))
        .onMessageEquals(Connected.INSTANCE, () -> this)
        .onMessageEquals(Timer.HANDSHAKE, this::onHandshakeTimeout)
        .onMessageEquals(Timer.IDLE, () -> close("idle timeout", false))
        .onMessageEquals(Timer.PADDING, this::onPaddingTick)
        .onMessageEquals(Timer.PING, this::onPingTick)
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private Behavior<Command> onReceived(Received r) {
    counters.bytesIn.addAndGet(r.chunk().size());
    counters.readsIn.incrementAndGet();
    timers.startSingleTimer(Timer.IDLE, setup.settings().idleTimeout());
    try {
      ByteString chunk = r.chunk();
      if (chunk.isCompact() && decoder.isRecordMode()) {
        // one array that nobody writes (ByteString is immutable): records are opened from it
        byte[] bytes = chunk.toArrayUnsafe();
        decoder.feedLent(bytes, 0, bytes.length);
      } else {
        for (ByteBuffer part : chunk.getByteBuffers()) {
          decoder.feed(part); // one copy into the decoder; records are opened in place
        }
      }
      return drain(r.ack());
    } catch (ProtocolViolationException e) {
      deliverBatches(); // the cells before the bad record were authentic
      return close("protocol violation: " + e.getMessage(), true);
    }
  }

  /** Handles every whole frame; acknowledges the chunk unless admission is pending. */
  private Behavior<Command> drain(ActorRef<Done> ack) throws ProtocolViolationException {
    while (true) {
      if (state == State.AWAITING_ADMISSION) {
        pendingAcks.add(ack);
        return this;
      }
      if (state == State.HANDSHAKE) {
        byte[] frame = decoder.next();
        if (frame == null) {
          break;
        }
        onHandshakeFrame(frame);
      } else {
        int at = decoder.nextRecord();
        if (at < 0) {
          break;
        }
        onRecord(decoder.buffer(), at);
      }
    }
    deliverBatches();
    ack.tell(Done.getInstance());
    return this;
  }

  /** One {@link Links.InboundCells} per batch handler for what this chunk brought. */
  private void deliverBatches() {
    if (batches.isEmpty()) {
      return;
    }
    batches.forEach((handler, cells) -> handler.tell(new Links.InboundCells(peer, cells)));
    batches.clear();
  }

  private void onHandshakeFrame(byte[] frame) throws ProtocolViolationException {
    handshake.readFrame(frame);
    if (handshake.isWriteTurn()) {
      send(handshake.writeFrame());
    }
    if (handshake.isComplete()) {
      decoder.switchToRecords();
      cipher = handshake.finish(setup.settings().rekeyPolicy(), setup.clock());
      state = State.AWAITING_ADMISSION;
      setup.parent().tell(new LinksActor.HandshakeDone(getContext().getSelf(),
          handshake.remoteStaticPublicKey()));
    }
  }

  private void onRecord(byte[] buffer, int at) throws ProtocolViolationException {
    Cell cell = cipher.open(buffer, at, CellFormat.RECORD_BYTES);
    counters.cellsIn.incrementAndGet();
    switch (cell.command()) {
      case PADDING, REKEY -> { }
      case LINK_PING -> sendCell(new Cell(0, CellCommand.LINK_PONG, cell.payload(0, Long.BYTES)));
      case LINK_PONG -> onPong(ByteBuffer.wrap(cell.payload(0, Long.BYTES)).getLong());
      default -> {
        ActorRef<Links.InboundCells> batchHandler = routes.batched().get(cell.command());
        if (batchHandler != null) {
          batches.computeIfAbsent(batchHandler, h -> new ArrayList<>()).add(cell);
          return;
        }
        ActorRef<Links.Inbound> handler = routes.perCell().get(cell.command());
        if (handler == null) {
          counters.unrouted.incrementAndGet();
        } else {
          handler.tell(new Links.Inbound(peer, cell));
        }
      }
    }
  }

  private void onPong(long id) {
    if (pingId != null && pingId == id) {
      Duration rtt = Duration.between(pingSentAt, setup.clock().instant());
      counters.rtt(rtt.toNanos() / 1e6);
      pingId = null;
    }
  }

  private Behavior<Command> onAdmit(Admit a) {
    if (state != State.AWAITING_ADMISSION) {
      return this;
    }
    peer = a.peer();
    routes = a.routes();
    state = State.OPEN;
    counters.opened(peer, setup.clock().instant());
    timers.cancel(Timer.HANDSHAKE);
    timers.startTimerWithFixedDelay(Timer.PADDING, setup.settings().paddingInterval());
    timers.startTimerWithFixedDelay(Timer.PING, setup.settings().pingInterval());
    onPingTick();
    List<ActorRef<Done>> acks = new ArrayList<>(pendingAcks);
    pendingAcks.clear();
    try {
      // frames of every withheld chunk are in the decoder already: one drain handles them all
      for (int i = 0; i < acks.size() - 1; i++) {
        acks.get(i).tell(Done.getInstance());
      }
      return acks.isEmpty() ? this : drain(acks.get(acks.size() - 1));
    } catch (ProtocolViolationException e) {
      return close("protocol violation: " + e.getMessage(), true);
    }
  }

  private Behavior<Command> onSendCells(SendCells s) {
    if (state == State.OPEN) {
      sendCells(s.cells());
    }
    return this;
  }

  private Behavior<Command> onUpdateRoutes(UpdateRoutes u) {
    routes = u.routes();
    return this;
  }

  private Behavior<Command> onHandshakeTimeout() {
    return state == State.OPEN ? this : close("handshake timeout", false);
  }

  private Behavior<Command> onPaddingTick() {
    if (state == State.OPEN) {
      byte[] rekey = queuedRecords.get() < setup.settings().maxQueuedCells() ? cipher.rekeyIfDue() : null;
      if (rekey != null) {
        sendRecords(rekey);
      }
      if (!sentSinceTick) {
        sendCell(Cell.padding());
      }
      sentSinceTick = false;
    }
    return this;
  }

  private Behavior<Command> onPingTick() {
    if (state == State.OPEN) {
      long id = setup.random().nextLong();
      pingId = id;
      pingSentAt = setup.clock().instant();
      sendCell(new Cell(0, CellCommand.LINK_PING, ByteBuffer.allocate(Long.BYTES).putLong(id).array()));
    }
    return this;
  }

  private void sendCell(Cell cell) {
    sendCells(List.of(cell));
  }

  /**
   * Seals {@code cells} into one write and queues it, or drops and counts them all when the
   * outbound queue already holds {@code maxQueuedCells} records. The check comes before
   * sealing: a sealed record that never left would leave a gap in the Noise nonce sequence and
   * break the link.
   */
  private void sendCells(List<Cell> cells) {
    if (queuedRecords.get() >= setup.settings().maxQueuedCells()) {
      counters.droppedOut.addAndGet(cells.size());
      return;
    }
    sendRecords(cipher.sealAll(cells));
  }

  private void sendRecords(byte[] records) {
    if (send(records)) {
      counters.cellsOut.addAndGet(records.length / CellFormat.RECORD_BYTES);
      sentSinceTick = true;
    }
  }

  /** Offers bytes to the bounded outbound queue (this actor is its only producer). */
  private boolean send(byte[] bytes) {
    queuedRecords.addAndGet(bytes.length / CellFormat.RECORD_BYTES);
    QueueOfferResult result = queue.offer(ByteString.fromArrayUnsafe(bytes));
    if (result == QueueOfferResult.enqueued()) {
      counters.bytesOut.addAndGet(bytes.length);
      counters.writesOut.incrementAndGet();
      return true;
    }
    queuedRecords.addAndGet(-(bytes.length / CellFormat.RECORD_BYTES));
    return false;
  }

  private Behavior<Command> close(String reason, boolean violation) {
    getContext().getLog().debug("link {} closing in state {}: {}", counters.remoteAddress, state, reason);
    setup.parent().tell(new LinksActor.LinkClosed(getContext().getSelf(), reason, violation));
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    killSwitch.shutdown();
    return this;
  }
}
