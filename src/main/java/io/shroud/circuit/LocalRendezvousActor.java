package io.shroud.circuit;

import io.shroud.identity.NodeId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A seeder's side of a rendezvous at its own relay (protocol §11.7.1): the downloader drew this
 * very relay as its rendezvous point, and the seeder seeds with fewer hops than a loop out and
 * back would need. Instead of a circuit, this actor joins the downloader's hop here in the
 * process: to the seeder it is the rendezvous circuit (it takes the {@link CircuitActor.Command}s
 * a seeder sends one: {@link CircuitActor.ServeEndToEnd}, RENDEZVOUS1 by
 * {@link CircuitActor.SendControl}, {@link CircuitActor.Close}, views); to this relay's
 * {@link RendezvousActor} and the downloader's {@link RelayActor} it is the partner hop (it
 * takes {@link RelayActor.Join}, {@link RelayActor.FromPartner}, {@link RelayActor.Close}).
 * The end-to-end layer and its rules are the ones a circuit uses ({@link OriginCells} with no
 * real hop): what the downloader sees of the joined circuit is the same bytes.
 *
 * <p>Its protocol is {@code Object}: it is handed out narrowed to both.
 */
final class LocalRendezvousActor extends AbstractBehavior<Object> {
  private record ServedOut(StreamMuxActor.Output output) {}

  private enum PartnerGone { INSTANCE }

  private enum MuxStopped { INSTANCE }

  private enum Tick { INSTANCE }

  /** The circuit id a local rendezvous shows in views: it has none on any link. */
  static final String ID = "local";

  private final NodeId self;
  private final CircuitSettings settings;
  private final ActorRef<RendezvousActor.Command> points;
  private final Clock clock;
  private final Instant created;
  private final OriginCells layers = new OriginCells();
  private final CircuitCounters counters;
  /** Bodies for the downloader sealed before the join, and those of the message being handled. */
  private final List<byte[]> toPartner = new ArrayList<>();
  private final List<RelayCell> toServed = new ArrayList<>();
  private ActorRef<RelayActor.Command> partner;
  private ActorRef<StreamMuxActor.Command> served;
  private ActorRef<CircuitControl.ControlEvent> watcher;
  private Instant lastActivity;
  private boolean closed;

  static Behavior<Object> create(NodeId self, CircuitSettings settings, ActorRef<RendezvousActor.Command> points,
      Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.housekeepingInterval());
      return new LocalRendezvousActor(ctx, self, settings, points, clock);
    }));
  }

  private LocalRendezvousActor(ActorContext<Object> ctx, NodeId self, CircuitSettings settings,
      ActorRef<RendezvousActor.Command> points, Clock clock) {
    super(ctx);
    this.self = self;
    this.settings = settings;
    this.points = points;
    this.clock = clock;
    this.created = clock.instant();
    this.lastActivity = created;
    this.counters = new CircuitCounters(settings.sendmeIncrement());
  }

  @Override
  public Receive<Object> createReceive() {
    return newReceiveBuilder()
        .onMessage(CircuitActor.ServeEndToEnd.class, this::onServe)
        .onMessage(CircuitActor.SendControl.class, this::onSendControl)
        .onMessage(CircuitActor.WatchControl.class, watch -> {
          watcher = watch.watcher();
          return this;
        })
        .onMessage(CircuitActor.GetView.class, get -> {
          get.replyTo().tell(counters.view(ID, List.of(self.toHex()), clock.millis() - created.toEpochMilli(),
              closed ? "CLOSED" : "READY"));
          return this;
        })
        .onMessage(CircuitActor.OpenStream.class, open -> {
          open.user().tell(new Streams.StreamEnded(0, "circuit serves its far end"));
          return this;
        })
        .onMessage(CircuitActor.AddEndToEndHop.class, add -> {
          add.keys().destroy();
          return close("end-to-end layer refused: a local rendezvous serves its far end");
        })
        .onMessage(CircuitActor.GetLastHopBinding.class, get -> {
          get.replyTo().tell(new CircuitControl.LastHopBinding(Optional.empty()));
          return this;
        })
        .onMessageEquals(CircuitActor.Close.INSTANCE, () -> close("closed by the user"))
        .onMessage(RelayActor.Join.class, this::onJoin)
        .onMessage(RelayActor.FromPartner.class, this::onFromPartner)
        .onMessage(RelayActor.Close.class, c -> close("refused by the rendezvous point (" + c.reason() + ")"))
        .onMessage(RelayActor.Originate.class, o -> close("unexpected " + o.cell().command() + " from the point"))
        .onMessageEquals(PartnerGone.INSTANCE, () -> close("the downloader's circuit ended"))
        .onMessage(ServedOut.class, this::onServedOut)
        .onMessageEquals(MuxStopped.INSTANCE, Behaviors::stopped)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .build();
  }

  private Behavior<Object> onServe(CircuitActor.ServeEndToEnd serve) {
    String refusal = closed ? "the circuit is closed" : layers.joinEndToEnd(EndToEndLayer.Role.SEEDER, serve.keys(),
        true);
    if (refusal != null) {
      return close("end-to-end layer refused: " + refusal);
    }
    served = getContext().spawn(StreamMuxActor.destination(settings,
        getContext().messageAdapter(StreamMuxActor.Output.class, ServedOut::new), serve.services(), clock,
        QueuedCells.Gauge.NONE), "served-streams");
    getContext().watchWith(served, MuxStopped.INSTANCE);
    return this;
  }

  /** Only RENDEZVOUS1 goes anywhere: to this relay's point, as if it had come in on a circuit. */
  private Behavior<Object> onSendControl(CircuitActor.SendControl send) {
    String refusal = closed ? "circuit is CLOSED"
        : send.command() != RelayCommand.RENDEZVOUS1 ? send.command() + " has no point to go to on a local rendezvous"
        : layers.sendControl(send.command(), send.data());
    if (refusal != null) {
      if (watcher != null) {
        watcher.tell(new CircuitControl.ControlRefused(send.command(), refusal));
      }
      return this;
    }
    lastActivity = clock.instant();
    byte[] data = send.data();
    points.tell(new RendezvousActor.Request(new HiddenRole.Rendezvous(
        Arrays.copyOf(data, RendezvousPoints.COOKIE_BYTES),
        Arrays.copyOfRange(data, RendezvousPoints.COOKIE_BYTES, data.length)), relayRef()));
    return this;
  }

  private Behavior<Object> onJoin(RelayActor.Join join) {
    if (closed || partner != null) {
      return this;
    }
    partner = join.partner();
    getContext().watchWith(partner, PartnerGone.INSTANCE);
    flushToPartner();
    return this;
  }

  /** The downloader's cells, the point's layer already removed: the end-to-end layer opens them. */
  private Behavior<Object> onFromPartner(RelayActor.FromPartner in) {
    if (closed) {
      return this;
    }
    lastActivity = clock.instant();
    try {
      for (byte[] body : in.bodies()) {
        OriginCells.In cell = layers.in(body, true);
        counters.received(cell.cell());
        if (cell.route() == OriginCells.Route.SERVED) {
          toServed.add(cell.cell());
        } else if (cell.route() != OriginCells.Route.DISCARD) {
          throw new CircuitProtocolException("unexpected " + cell.cell().command() + " on a local rendezvous");
        }
      }
    } catch (CircuitProtocolException e) {
      return close(e.getMessage());
    } finally {
      if (!toServed.isEmpty() && served != null) {
        served.tell(new StreamMuxActor.CellsIn(List.copyOf(toServed)));
      }
      toServed.clear();
    }
    return this;
  }

  private Behavior<Object> onServedOut(ServedOut out) {
    if (closed) {
      return this;
    }
    if (!(out.output() instanceof StreamMuxActor.SendCells send)) {
      return close("stream protocol violated: " + ((StreamMuxActor.Violation) out.output()).reason());
    }
    lastActivity = clock.instant();
    try {
      for (RelayCell cell : send.cells()) {
        counters.sent(cell);
        toPartner.add(layers.fromServed(cell));
      }
    } catch (CircuitProtocolException e) {
      throw new IllegalStateException(e); // the layer only ever sees bodies it made
    }
    flushToPartner();
    return this;
  }

  private void flushToPartner() {
    if (partner != null && !toPartner.isEmpty()) {
      partner.tell(new RelayActor.FromPartner(List.copyOf(toPartner)));
      toPartner.clear();
    }
  }

  private Behavior<Object> onTick() {
    if (!closed && clock.instant().isAfter(lastActivity.plus(settings.idleTimeout()))) {
      return close("idle");
    }
    return this;
  }

  /**
   * Ends the rendezvous: the served streams end, the watcher hears why, and the actor stops once
   * they have; the downloader's hop, watching it, then destroys the downloader's circuit.
   */
  private Behavior<Object> close(String reason) {
    if (closed) {
      return this;
    }
    closed = true;
    getContext().getLog().debug("local rendezvous closed: {}", reason);
    if (watcher != null) {
      watcher.tell(new CircuitControl.ControlClosed(reason));
    }
    if (served == null) {
      return Behaviors.stopped();
    }
    served.tell(new StreamMuxActor.Shutdown(reason));
    return this;
  }

  private ActorRef<RelayActor.Command> relayRef() {
    return getContext().getSelf().narrow();
  }
}
