package io.shroud.link;

import io.shroud.identity.DataAddress;
import io.shroud.identity.NodeId;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.CellFormat;
import io.shroud.wire.HandshakeKind;
import io.shroud.wire.LinkCipher;
import io.shroud.wire.LinkFrameDecoder;
import io.shroud.wire.LinkHandshake;
import io.shroud.wire.ProtocolViolationException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Owns one link to one peer, inbound or outbound. The TCP connection is a blocking
 * {@link LinkSocket} with a writer thread, read by a {@link LinkReader} on a thread of its own.
 * This actor runs the Noise XK handshake ({@link LinkHandshake}) on the reads the reader hands
 * it, asks {@code LinksActor} to admit the authenticated peer, then hands the receiving side
 * (decoder and cipher) to the reader, which opens records and routes inbound cells straight to
 * their handlers. This actor keeps the sending side: it seals cells with {@link LinkCipher} into
 * the socket's queue, sends PADDING when idle, time-based REKEY and LINK_PING, and closes a link
 * that received nothing for the idle timeout. Any {@link ProtocolViolationException}, timeout or
 * closed connection stops this actor (it is never restarted) after telling {@code LinksActor}
 * why; stopping closes the socket, which ends both threads.
 */
final class PeerActor extends AbstractBehavior<PeerActor.Command> {

  sealed interface Command {}

  /**
   * The peer is {@code peer} (for a client link, its local label); start carrying cells. A
   * {@code client} link carries a client's commands only (docs/protocol.md §4.10.3).
   */
  record Admit(NodeId peer, Routes routes, boolean client) implements Command {
    Admit(NodeId peer, Routes routes) {
      this(peer, routes, false);
    }
  }

  /** Close without ever carrying a cell (unknown key, duplicate link). */
  record Refuse(String reason) implements Command {}

  /** Close an admitted link (e.g. it lost the duplicate-link rule). */
  record Close(String reason) implements Command {}

  /** Seals {@code cells} in order and queues them as one write. */
  record SendCells(List<Cell> cells) implements Command {}

  /** {@link Links.SendWindow}: queued whole if the queue then holds at most half its bound, else not at all. */
  record SendWindow(Links.SendWindow window) implements Command {}

  /** Close an admitted link for a violation a handler found (counted and logged as one). */
  record Cut(String reason) implements Command {}

  record UpdateRoutes(Routes routes) implements Command {}

  /**
   * A read from before the handover; {@code answer} is completed with null to read on, or with
   * the {@link LinkReader.Handover} once the peer is admitted.
   */
  record Received(byte[] chunk, CompletableFuture<LinkReader.Handover> answer) implements Command {}

  /** The LINK_PINGs and LINK_PONGs of one read, in order (credited to the link until handled). */
  record LinkControl(List<Cell> cells) implements Command {}

  /** The reader or the writer stopped (the peer closed, an I/O error, a bad record): the link is over. */
  record ConnectionEnded(String reason, boolean violation) implements Command {}

  /**
   * What a link's end says about its peer, for {@code LinksActor}'s counters and its
   * rate-limited log: nothing ({@code NONE}), a protocol violation, or a handshake that did not
   * finish in time ({@code STALLED}).
   */
  enum Fault { NONE, VIOLATION, STALLED }

  private enum Timer implements Command { HANDSHAKE, IDLE, PADDING, PING }

  private enum State { HANDSHAKE, AWAITING_ADMISSION, OPEN }

  private final PeerSetup setup;
  private final LinkCounters counters;
  /** Whether this node dialled the connection. */
  private final boolean dialed;
  private final TimerScheduler<Command> timers;
  /** The dialled handshake from the start; an accepted connection's from its message 1. */
  private PeerHandshake handshake;
  /** What an accepted connection shows a client (null: no client links). */
  private final byte[] relayProof;
  private boolean client;
  private final LinkFrameDecoder decoder = new LinkFrameDecoder();
  private final LinkSocket socket;
  private final LinkReader reader;
  private State state = State.HANDSHAKE;
  private LinkCipher cipher;
  /** The reader's read that waits for admission (at most one). */
  private CompletableFuture<LinkReader.Handover> pendingAnswer;
  private boolean sentSinceTick;
  private Long pingId;
  private Instant pingSentAt;

  /** A link accepted on the data-plane port; the peer is learned from its static key. */
  static Behavior<Command> inbound(SocketChannel connection, PeerSetup setup, LinkCounters counters) {
    return inbound(connection, setup, counters, null);
  }

  /** As above; {@code relayProof} (null: none) lets a client bootstrap on this connection (§4.10.1). */
  static Behavior<Command> inbound(SocketChannel connection, PeerSetup setup, LinkCounters counters,
      byte[] relayProof) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new PeerActor(ctx, timers, setup, counters, null, connection, null, relayProof)));
  }

  /** A link this node dials to {@code peer} at {@code address}, whose link key is {@code peerLinkKey}. */
  static Behavior<Command> outbound(NodeId peer, InetSocketAddress address, byte[] peerLinkKey,
      PeerSetup setup, LinkCounters counters) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new PeerActor(ctx, timers, setup, counters,
        PeerHandshake.dial(LinkHandshake.initiator(setup.linkKey(), peerLinkKey, setup.random())), null, address,
        null)));
  }

  /**
   * A client's link to a relay it knows by {@code address} only (docs/protocol.md §4.10.1): the
   * bootstrap handshake, whose {@code bootstrap} checks the relay's proof before message 3. Its
   * {@code LinksActor.HandshakeDone} comes once the relay proved itself; the relay it reached is
   * then {@code bootstrap.relay()}.
   */
  static Behavior<Command> bootstrap(InetSocketAddress address, ClientBootstrap bootstrap, PeerSetup setup,
      LinkCounters counters) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new PeerActor(ctx, timers, setup, counters,
        PeerHandshake.bootstrap(bootstrap), null, address, null)));
  }

  private PeerActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, PeerSetup setup,
      LinkCounters counters, PeerHandshake dialing,
      SocketChannel incoming, InetSocketAddress address, byte[] relayProof) throws IOException {
    super(ctx);
    this.setup = setup;
    this.counters = counters;
    this.dialed = dialing != null;
    this.timers = timers;
    this.relayProof = relayProof;
    this.handshake = dialing;
    ActorRef<Command> self = ctx.getSelf();
    // a thread dump says which link a thread serves: an inbound one by the address it came in
    // on and the dialer's, an outbound one by the address dialed
    String name = "shroud-link-" + (incoming == null ? "out-" + counters.remoteAddress
        : "in-" + localAddress(incoming) + "-from-" + counters.remoteAddress);
    Consumer<String> writeFailed = reason -> self.tell(new ConnectionEnded(reason, false));
    this.socket = incoming != null ? LinkSocket.accepted(incoming, name, writeFailed)
        : LinkSocket.unconnected(name, writeFailed);
    this.reader = new LinkReader(socket, self, counters, address, setup.settings().dialTimeout(),
        setup.dialFrom());
    Thread readerThread = new Thread(reader, name + "-read");
    readerThread.setDaemon(true);
    readerThread.start();
    // a dialer's deadline covers its TCP connect as well
    LinkSettings settings = setup.settings();
    timers.startSingleTimer(Timer.HANDSHAKE, !dialed ? settings.handshakeTimeout()
        : settings.handshakeTimeout().plus(settings.dialTimeout()));
    timers.startSingleTimer(Timer.IDLE, setup.settings().idleTimeout());
    if (dialed) {
      send(handshake.writeFrame()); // queued until the connection is up
    }
  }

  private static String localAddress(SocketChannel channel) {
    try {
      return DataAddress.format((InetSocketAddress) channel.getLocalAddress());
    } catch (IOException e) {
      return "closed";
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Received.class, this::onReceived)
        .onMessage(Admit.class, this::onAdmit)
        .onMessage(Refuse.class, r -> close("refused: " + r.reason(), Fault.NONE))
        .onMessage(Close.class, c -> close(c.reason(), Fault.NONE))
        .onMessage(SendCells.class, this::onSendCells)
        .onMessage(SendWindow.class, this::onSendWindow)
        .onMessage(Cut.class, c -> close("protocol violation: " + c.reason(), Fault.VIOLATION))
        .onMessage(UpdateRoutes.class, this::onUpdateRoutes)
        .onMessage(LinkControl.class, this::onLinkControl)
        .onMessage(ConnectionEnded.class, e -> close(e.reason(), e.violation() ? Fault.VIOLATION : Fault.NONE))
        .onMessageEquals(Timer.HANDSHAKE, this::onHandshakeTimeout)
        .onMessageEquals(Timer.IDLE, this::onIdleCheck)
        .onMessageEquals(Timer.PADDING, this::onPaddingTick)
        .onMessageEquals(Timer.PING, this::onPingTick)
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  /** A read during the handshake: handles its whole frames, then lets the reader read on. */
  private Behavior<Command> onReceived(Received r) {
    try {
      decoder.feed(r.chunk());
      while (state == State.HANDSHAKE) {
        byte[] frame = decoder.next();
        if (frame == null) {
          break;
        }
        onHandshakeFrame(frame);
      }
    } catch (ProtocolViolationException e) {
      return close("protocol violation: " + e.getMessage(), Fault.VIOLATION);
    }
    if (state == State.HANDSHAKE) {
      r.answer().complete(null);
    } else {
      pendingAnswer = r.answer(); // records behind the handshake wait in the decoder for admission
    }
    return this;
  }

  private void onHandshakeFrame(byte[] frame) throws ProtocolViolationException {
    if (handshake == null) {
      handshake = PeerHandshake.start(frame, setup.linkKey(), relayProof, setup.random());
    } else {
      handshake.readFrame(frame);
    }
    if (handshake.isWriteTurn()) {
      send(handshake.writeFrame());
    }
    if (handshake.isComplete()) {
      decoder.switchToRecords();
      cipher = handshake.finish(setup.settings().rekeyPolicy(), setup.clock());
      state = State.AWAITING_ADMISSION;
      setup.parent().tell(new LinksActor.HandshakeDone(getContext().getSelf(),
          handshake.remoteStaticPublicKey(), handshake.kind() == HandshakeKind.CLIENT));
    }
  }

  /** Answers each LINK_PING with a LINK_PONG; a LINK_PONG for the outstanding ping gives the RTT. */
  private Behavior<Command> onLinkControl(LinkControl c) {
    counters.inbound.release(c.cells().size());
    for (Cell cell : c.cells()) {
      long id = ByteBuffer.wrap(cell.payload(0, Long.BYTES)).getLong();
      if (cell.command() == CellCommand.LINK_PING) {
        if (state == State.OPEN) {
          sendCell(new Cell(0, CellCommand.LINK_PONG, cell.payload(0, Long.BYTES)));
        }
      } else if (pingId != null && pingId == id) {
        Duration rtt = Duration.between(pingSentAt, setup.clock().instant());
        counters.rtt(rtt.toNanos() / 1e6);
        pingId = null;
      }
    }
    return this;
  }

  private Behavior<Command> onAdmit(Admit a) {
    if (state != State.AWAITING_ADMISSION) {
      return this;
    }
    state = State.OPEN;
    client = a.client();
    counters.opened(a.peer(), setup.clock().instant());
    timers.cancel(Timer.HANDSHAKE);
    timers.startTimerWithFixedDelay(Timer.PADDING, setup.settings().paddingInterval());
    timers.startTimerWithFixedDelay(Timer.PING, setup.settings().pingInterval());
    onPingTick();
    reader.routes(a.routes());
    // from here on the decoder and the cipher's receiving side are the reader's
    pendingAnswer.complete(new LinkReader.Handover(decoder, cipher, a.peer(), client));
    pendingAnswer = null;
    return this;
  }

  private Behavior<Command> onSendCells(SendCells s) {
    if (state == State.OPEN && client
        && !s.cells().stream().allMatch(c -> ClientLinkRules.mayOutbound(c.command()))) {
      counters.droppedOut.addAndGet(s.cells().size()); // a bug of ours: never offer a client these
    } else if (state == State.OPEN) {
      sendCells(s.cells());
    }
    return this;
  }

  private Behavior<Command> onSendWindow(SendWindow s) {
    Links.SendWindow w = s.window();
    Links.Window outcome;
    if (state != State.OPEN) {
      outcome = Links.Window.NO_LINK;
    } else if (socket.queuedRecords() + w.cells().size() > setup.settings().maxQueuedCells() / 2) {
      outcome = Links.Window.FULL;
    } else {
      onSendCells(new SendCells(w.cells()));
      outcome = Links.Window.QUEUED;
    }
    w.replyTo().tell(new Links.WindowSent(w.to(), outcome));
    return this;
  }

  private Behavior<Command> onUpdateRoutes(UpdateRoutes u) {
    reader.routes(u.routes());
    return this;
  }

  private Behavior<Command> onHandshakeTimeout() {
    return state == State.OPEN ? this : close("handshake timeout", Fault.STALLED);
  }

  /**
   * Closes the link if the reader has read nothing for the idle timeout, else looks again then.
   * A reader that read nothing because the link's handlers took none of its cells all that time
   * says so: the cells it holds would never be delivered.
   */
  private Behavior<Command> onIdleCheck() {
    long idle = setup.settings().idleTimeout().toNanos();
    long quiet = reader.nanosSinceLastRead();
    if (quiet >= idle) {
      return close(reader.paused() ? "inbound stalled: handlers took no cell" : "idle timeout", Fault.NONE);
    }
    timers.startSingleTimer(Timer.IDLE, Duration.ofNanos(idle - quiet));
    return this;
  }

  private Behavior<Command> onPaddingTick() {
    if (state == State.OPEN) {
      byte[] rekey = socket.queuedRecords() < setup.settings().maxQueuedCells() ? cipher.rekeyIfDue() : null;
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
    if (socket.queuedRecords() >= setup.settings().maxQueuedCells()) {
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

  /** Queues bytes for the socket's writer (this actor is the only producer). */
  private boolean send(byte[] bytes) {
    if (!socket.offer(bytes)) {
      return false;
    }
    counters.written(bytes.length);
    counters.writesOut.incrementAndGet();
    return true;
  }

  private Behavior<Command> close(String reason, Fault fault) {
    getContext().getLog().debug("link {} closing in state {}: {}", counters.remoteAddress, state, reason);
    setup.parent().tell(new LinksActor.LinkClosed(getContext().getSelf(), reason, fault));
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    socket.close();
    reader.stop();
    return this;
  }
}
