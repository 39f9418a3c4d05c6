package io.shroud.circuit;

import io.shroud.crypto.HopKeys;
import io.shroud.identity.NodeId;
import io.shroud.link.Links;
import io.shroud.link.OpenLinks;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.metrics.NodeMetrics.RelayDirection;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.CellFormat;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One hop this node relays. It knows only its two neighbours: the previous node and circuit
 * id, and (once extended) the next. Forward cells lose this hop's layer ({@link RelayLayer})
 * and go on, or are handled here when recognized (EXTEND, ECHO, DROP, and stream cells when
 * this is the last hop, through a {@link StreamMuxActor}); backward cells gain the layer. Any
 * crypto or protocol failure, a DESTROY from either side, a lost link, or a {@link Close} from
 * {@link CircuitsActor} (idle, out of memory) tears the hop down and sends DESTROY to whichever
 * neighbour is still there. Protocol §6.5, §6.6, §6.9, §6.12.
 *
 * <p>As the last hop it may play a hidden-seeding role ({@link HiddenRole}, protocol §11): it
 * checks the command and hands it to the relay's {@link RendezvousActor}, which answers with a
 * cell to originate ({@link Originate}), a {@link Close}, or a {@link Join}. Once joined to a
 * partner circuit at this rendezvous point, every forward cell loses this hop's layer and goes to
 * the partner, which adds its own backward layer and sends it to its previous node as if it had
 * originated it; a cell recognized here is a violation, and either circuit's end ends the other.
 */
public final class RelayActor extends AbstractBehavior<RelayActor.Command> {
  public sealed interface Command {}

  public record GetView(ActorRef<RelayHopView> replyTo) implements Command {}

  /** From {@link CircuitsActor}: cells, in arrival order, on one of this hop's two links. */
  record CellsIn(NodeId from, List<Cell> cells) implements Command {}

  /** From {@link CircuitsActor}: the link to {@code peer} went down. */
  record LinkLost(NodeId peer) implements Command {}

  /** From {@link CircuitsActor}: the CREATE for the next hop went out with this circuit id. */
  record NextHopOpened(NodeId next, int circuitId) implements Command {}

  /** From {@link CircuitsActor}: the EXTEND target is not acceptable. */
  record ExtendRefused(String reason) implements Command {}

  /** From {@link CircuitsActor}: destroy this hop both ways with {@code reason} (idle, out of memory). */
  record Close(DestroyReason reason) implements Command {}

  /** From {@link RendezvousActor}: originate {@code cell} backward on this circuit. */
  record Originate(RelayCell cell) implements Command {}

  /** From {@link RendezvousActor}: join {@code partner}, after originating {@code first} (RENDEZVOUS2). */
  record Join(ActorRef<Command> partner, Optional<RelayCell> first) implements Command {}

  /** From the partner of a joined circuit: forward bodies, its layer removed, to add ours to. */
  record FromPartner(List<byte[]> bodies) implements Command {}

  private enum PartnerGone implements Command { INSTANCE }

  private record MuxOut(StreamMuxActor.Output output) implements Command {}

  private final NodeId previous;
  private final int previousId;
  private final boolean fromClient;
  private final RelayLayer layer;
  private final CircuitSettings settings;
  private final ActorRef<Links.Command> links;
  private final OpenLinks openLinks;
  private final ActorRef<CircuitsActor.Command> parent;
  private final ActorRef<Streams.ServiceRequest> services;
  private final Clock clock;
  private final QueuedCells.Gauge queued;
  private final Instant created;
  private final NodeMetrics metrics;
  /** The relay's introduction and rendezvous points; null: this hop plays no hidden-seeding role. */
  private final ActorRef<RendezvousActor.Command> points;
  private final HiddenRole hidden;
  private ActorRef<Command> partner;
  private NodeId next;
  private int nextId;
  private boolean extending;
  private boolean extended;
  private ActorRef<StreamMuxActor.Command> mux;
  private long cellsForward;
  private long cellsBackward;
  /** Cells for each neighbour produced while handling one message; sent as one write each. */
  private final List<Cell> toPrevious = new ArrayList<>();
  private final List<Cell> toNext = new ArrayList<>();
  private final List<RelayCell> toStreams = new ArrayList<>();
  private final List<byte[]> toPartner = new ArrayList<>();

  /** {@code queued}: where this hop reports the cells its streams hold (at the last hop). */
  public static Behavior<Command> create(NodeId previous, int previousId, HopKeys keys, CircuitSettings settings,
      ActorRef<Links.Command> links, OpenLinks openLinks, ActorRef<CircuitsActor.Command> parent,
      ActorRef<Streams.ServiceRequest> services, Clock clock, QueuedCells.Gauge queued) {
    return create(previous, previousId, false, keys, null, null, settings, links, openLinks, parent, services, clock,
        queued);
  }

  /**
   * As above; {@code fromClient}: {@code previous} is a client link's local label, which the
   * hop's view never shows (protocol §4.10.3: a label is never sent, published or shown);
   * {@code kh}: the hop's {@code KH} (§11.5) and {@code points} the relay's introduction and
   * rendezvous points, both null when the hop plays no hidden-seeding role.
   */
  static Behavior<Command> create(NodeId previous, int previousId, boolean fromClient, HopKeys keys, byte[] kh,
      ActorRef<RendezvousActor.Command> points, CircuitSettings settings, ActorRef<Links.Command> links,
      OpenLinks openLinks, ActorRef<CircuitsActor.Command> parent, ActorRef<Streams.ServiceRequest> services,
      Clock clock, QueuedCells.Gauge queued) {
    return Behaviors.setup(ctx -> new RelayActor(ctx, previous, previousId, keys, kh, points, settings, links,
        openLinks, parent, services, clock, queued, fromClient));
  }

  private RelayActor(ActorContext<Command> ctx, NodeId previous, int previousId, HopKeys keys, byte[] kh,
      ActorRef<RendezvousActor.Command> points, CircuitSettings settings, ActorRef<Links.Command> links,
      OpenLinks openLinks, ActorRef<CircuitsActor.Command> parent, ActorRef<Streams.ServiceRequest> services,
      Clock clock, QueuedCells.Gauge queued, boolean fromClient) {
    super(ctx);
    this.points = kh == null ? null : points;
    this.hidden = new HiddenRole(kh == null ? new byte[32] : kh);
    this.fromClient = fromClient;
    this.queued = queued;
    this.previous = previous;
    this.previousId = previousId;
    this.layer = new RelayLayer(keys);
    keys.destroy();
    this.settings = settings;
    this.links = links;
    this.openLinks = openLinks;
    this.parent = parent;
    this.services = services;
    this.clock = clock;
    this.created = clock.instant();
    this.metrics = Metrics.get(ctx.getSystem());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(CellsIn.class, in -> flushed(onCells(in)))
        .onMessage(LinkLost.class, lost -> flushed(onLinkLost(lost)))
        .onMessage(NextHopOpened.class, this::onNextHopOpened)
        .onMessage(ExtendRefused.class, r -> flushed(teardown(DestroyReason.EXTEND_REFUSED, true, true)))
        .onMessage(Close.class, close -> flushed(teardown(close.reason(), true, true)))
        .onMessage(MuxOut.class, out -> flushed(onMuxOut(out)))
        .onMessage(Originate.class, o -> flushed(onOriginate(o.cell())))
        .onMessage(Join.class, join -> flushed(onJoin(join)))
        .onMessage(FromPartner.class, in -> flushed(onFromPartner(in)))
        .onMessageEquals(PartnerGone.INSTANCE, () -> flushed(teardown(DestroyReason.FINISHED, true, false)))
        .onMessage(GetView.class, this::onGetView)
        .build();
  }

  private Behavior<Command> onCells(CellsIn in) {
    for (Cell cell : in.cells()) {
      Behavior<Command> after = onCell(in.from(), cell);
      if (after != this) {
        return after; // torn down: the rest of the batch is moot
      }
    }
    return this;
  }

  /** Sends what handling one message produced: one write per neighbour, one batch to the streams. */
  private Behavior<Command> flushed(Behavior<Command> after) {
    if (!toStreams.isEmpty() && Behavior.isAlive(after)) {
      streams().tell(new StreamMuxActor.CellsIn(List.copyOf(toStreams)));
    }
    toStreams.clear();
    if (!toPartner.isEmpty() && Behavior.isAlive(after)) {
      partner.tell(new FromPartner(List.copyOf(toPartner)));
    }
    toPartner.clear();
    if (!toPrevious.isEmpty()) {
      openLinks.send(previous, toPrevious, links);
      toPrevious.clear();
    }
    if (!toNext.isEmpty()) {
      openLinks.send(next, toNext, links);
      toNext.clear();
    }
    return after;
  }

  private Behavior<Command> onCell(NodeId from, Cell cell) {
    boolean fromPrevious = from.equals(previous) && cell.circuitId() == previousId;
    try {
      if (cell.command() == CellCommand.DESTROY) {
        DestroyReason reason = DestroyReason.fromCode(cell.payload(0, 1)[0] & 0xFF);
        return teardown(reason, !fromPrevious, fromPrevious);
      }
      if (fromPrevious && cell.command() == CellCommand.RELAY) {
        onForward(cell.sharedPayload());
      } else if (!fromPrevious && cell.command() == CellCommand.RELAY && extended) {
        cellsBackward++;
        metrics.relayed(RelayDirection.BACKWARD, CellFormat.PAYLOAD_BYTES);
        relay(previous, previousId, layer.backward(cell.sharedPayload()));
      } else if (!fromPrevious && cell.command() == CellCommand.CREATED && extending) {
        byte[] createdMessage = HandshakeFraming.parseCreatedCellPayload(cell.payload());
        extending = false;
        extended = true;
        originate(new RelayCell(RelayCommand.EXTENDED, 0, HandshakeFraming.extendedData(createdMessage)));
      } else {
        throw new CircuitProtocolException("unexpected " + cell.command() + " cell");
      }
    } catch (CircuitProtocolException e) {
      getContext().getLog().debug("relay hop torn down: {}", e.getMessage());
      return teardown(DestroyReason.PROTOCOL, true, true);
    }
    return this;
  }

  private void onForward(byte[] body) throws CircuitProtocolException {
    cellsForward++;
    metrics.relayed(RelayDirection.FORWARD, body.length);
    RelayLayer.Outcome outcome = layer.forward(body, extended || hidden.spliced());
    if (outcome instanceof RelayLayer.Forward forward) {
      if (extended) {
        relay(next, nextId, forward.body());
      } else if (partner != null) {
        toPartner.add(forward.body());
      } else {
        hidden.hold(forward.body()); // a seeder's cell before the join: it follows RENDEZVOUS2
      }
      return;
    }
    RelayCell cell = ((RelayLayer.Recognized) outcome).cell();
    if (hidden.spliced()) {
      throw new CircuitProtocolException(cell.command() + " recognized on a joined circuit at the rendezvous point");
    }
    switch (cell.command()) {
      case ESTABLISH_INTRO, INTRO_KEY, INTRODUCE1, ESTABLISH_RENDEZVOUS, RENDEZVOUS1 -> {
        if (points == null) {
          throw new CircuitProtocolException("unexpected " + cell.command() + " at a relay");
        }
        points.tell(new RendezvousActor.Request(hidden.accept(cell, !extending && !extended), getContext().getSelf()));
      }
      case EXTEND -> {
        if (extending || extended || !hidden.allowsExtend()) {
          throw new CircuitProtocolException("EXTEND on a hop that is already extended or plays a hidden role");
        }
        extending = true;
        parent.tell(new CircuitsActor.OpenNextHop(ExtendRequest.decode(cell.data()), previous, getContext().getSelf()));
      }
      case ECHO -> originate(new RelayCell(RelayCommand.ECHO, 0, cell.data()));
      case DROP -> { }
      case BEGIN, DATA, END, SENDME -> {
        if (extending || extended) {
          throw new CircuitProtocolException("stream cell at a hop that is not the last");
        }
        toStreams.add(cell);
      }
      default -> throw new CircuitProtocolException("unexpected " + cell.command() + " at a relay");
    }
  }

  private ActorRef<StreamMuxActor.Command> streams() {
    if (mux == null) {
      mux = getContext().spawn(StreamMuxActor.destination(settings,
          getContext().messageAdapter(StreamMuxActor.Output.class, MuxOut::new), services, clock, queued), "streams");
      // no restart (stream state is gone with it) and no handler: a failed mux fails this hop
      // (a death pact), as a failed hop fails its circuit
      getContext().watch(mux);
    }
    return mux;
  }

  private Behavior<Command> onMuxOut(MuxOut out) {
    if (out.output() instanceof StreamMuxActor.SendCells send) {
      send.cells().forEach(this::originate);
      return this;
    }
    return teardown(DestroyReason.PROTOCOL, true, true);
  }

  private Behavior<Command> onOriginate(RelayCell cell) {
    originate(cell);
    return this;
  }

  private Behavior<Command> onJoin(Join join) {
    partner = join.partner();
    getContext().watchWith(partner, PartnerGone.INSTANCE);
    join.first().ifPresent(this::originate);
    toPartner.addAll(hidden.joined());
    return this;
  }

  /** The partner's forward cells leave here as if this hop had originated them (protocol §11.7). */
  private Behavior<Command> onFromPartner(FromPartner in) {
    try {
      for (byte[] body : in.bodies()) {
        cellsBackward++;
        metrics.relayed(RelayDirection.BACKWARD, body.length);
        relay(previous, previousId, layer.backward(body));
      }
    } catch (CircuitProtocolException e) {
      return teardown(DestroyReason.PROTOCOL, true, true);
    }
    return this;
  }

  private Behavior<Command> onNextHopOpened(NextHopOpened opened) {
    next = opened.next();
    nextId = opened.circuitId();
    return this;
  }

  private Behavior<Command> onLinkLost(LinkLost lost) {
    return teardown(DestroyReason.LINK_LOST, !lost.peer().equals(previous), lost.peer().equals(previous));
  }

  /** Sends DESTROY to the chosen neighbours that are still there, and stops. */
  private Behavior<Command> teardown(DestroyReason reason, boolean toPrevious, boolean toNext) {
    byte[] payload = {(byte) reason.code()};
    if (toPrevious) {
      send(previous, previousId, CellCommand.DESTROY, payload);
    }
    if (toNext && next != null) {
      send(next, nextId, CellCommand.DESTROY, payload);
    }
    return Behaviors.stopped();
  }

  private void originate(RelayCell cell) {
    cellsBackward++;
    byte[] body = layer.originate(cell);
    metrics.relayed(RelayDirection.BACKWARD, body.length);
    relay(previous, previousId, body);
  }

  private void send(NodeId to, int circuitId, CellCommand command, byte[] payload) {
    (to.equals(previous) ? toPrevious : toNext).add(new Cell(circuitId, command, payload));
  }

  /** Queues a RELAY cell over {@code body}, a new array the layer produced (not copied again). */
  private void relay(NodeId to, int circuitId, byte[] body) {
    (to.equals(previous) ? toPrevious : toNext).add(Cell.adopt(circuitId, CellCommand.RELAY, body));
  }

  private Behavior<Command> onGetView(GetView get) {
    get.replyTo().tell(new RelayHopView(fromClient ? "client" : previous.toHex(), String.format("%08x", previousId),
        next == null ? null : next.toHex(), next == null ? null : String.format("%08x", nextId),
        clock.millis() - created.toEpochMilli(), cellsForward, cellsBackward));
    return this;
  }
}
