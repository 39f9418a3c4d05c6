package io.shroud.circuit;

import io.shroud.crypto.HandshakeException;
import io.shroud.crypto.HopKeys;
import io.shroud.identity.NodeId;
import io.shroud.link.Links;
import io.shroud.link.OpenLinks;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.metrics.NodeMetrics.CircuitFailure;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.security.SecureRandom;
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
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One circuit this node builds (origin side): picks a path ({@link PathSelector}), runs CREATE
 * with the first hop and EXTEND through the circuit for each later hop, retries on a fresh path
 * when an attempt fails or times out, then carries streams through its {@link StreamMuxActor}.
 * On DESTROY, a lost first link or an unrecognizable cell it closes and ends every stream.
 * Control cells (hidden seeding, §11.4) go to and come from the last hop ({@link SendControl},
 * {@link WatchControl}; {@link GetLastHopBinding} gives the last hop's {@code KH} for
 * ESTABLISH_INTRO); a circuit joined at a rendezvous point gets an end-to-end layer
 * ({@link AddEndToEndHop} at the downloader, {@link ServeEndToEnd} at the seeder, §11.8). Its
 * relay cells are sealed and routed by {@link OriginCells}. Protocol §6.8–§6.11; design.md §8.
 */
public final class CircuitActor extends AbstractBehavior<CircuitActor.Command> {
  public sealed interface Command {}

  /** Opens a stream to {@code service} at the last hop; the user gets {@link Streams.StreamEvent}s. */
  public record OpenStream(String service, ActorRef<Streams.StreamEvent> user) implements Command {}

  public record GetView(ActorRef<CircuitView> replyTo) implements Command {}

  /** Sends a control cell to the last hop, if {@link CircuitControl} allows; {@code data} is handed over. */
  public record SendControl(RelayCommand command, byte[] data) implements Command {}

  /** {@code watcher} gets the {@link CircuitControl} events (replaces an earlier one). */
  public record WatchControl(ActorRef<CircuitControl.ControlEvent> watcher) implements Command {}

  /** Asks for the last hop's {@code KH} (ESTABLISH_INTRO is signed over it, §11.5). */
  public record GetLastHopBinding(ActorRef<CircuitControl.LastHopBinding> replyTo) implements Command {}

  /** Downloader: {@code keys} become a virtual hop beyond the last one, for streams ({@link CircuitControl}). */
  public record AddEndToEndHop(HopKeys keys) implements Command {}

  /** Seeder: this node serves the far end as the virtual hop of {@code keys}, BEGINs to {@code services}. */
  public record ServeEndToEnd(HopKeys keys, ActorRef<Streams.ServiceRequest> services) implements Command {}

  /** Closes the circuit (DESTROY forward). */
  public enum Close implements Command { INSTANCE }

  /** From {@link CircuitsActor}: the CREATE of {@code attempt} went out with this link circuit id. */
  record FirstHopOpened(NodeId peer, int circuitId, int attempt) implements Command {}

  /** From {@link CircuitsActor}: a cell on this circuit's first link. */
  record CellsIn(List<Cell> cells) implements Command {}

  /** From {@link CircuitsActor}: the link to the first hop went down. */
  record LinkLost(NodeId peer) implements Command {}

  private record MuxOut(StreamMuxActor.Output output) implements Command {}

  private record ServedOut(StreamMuxActor.Output output) implements Command {}

  private record BuildTimeout(int attempt) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private enum MuxStopped implements Command { INSTANCE }

  /** What a circuit is built from. */
  public record Plan(RelayDirectory directory, List<NodeId> guards, Optional<NodeId> destination, int hops) {}

  private enum State { BUILDING, READY, CLOSED }

  private final CircuitSettings settings;
  private final ActorRef<Links.Command> links;
  private final OpenLinks openLinks;
  private final ActorRef<CircuitsActor.Command> parent;
  private final ActorRef<CircuitsActor.BuildResult> replyTo;
  private final Clock clock;
  private final TimerScheduler<Command> timers;
  private final ActorRef<StreamMuxActor.Command> mux;
  private final Instant created;
  private final NodeMetrics metrics;
  private final CircuitCounters counters;
  /** When the circuit was asked for (monotonic), for the build-time histogram. */
  private final long createdNanos = System.nanoTime();
  private State state = State.BUILDING;
  /** The attempts, and the current one's path, handshake and layers. */
  private final CircuitBuild build;
  private NodeId firstHop;
  private int circuitId;
  /** The current attempt's {@link CircuitBuild#cells()}. */
  private OriginCells layers = new OriginCells();
  private Instant attemptStarted;
  private Instant lastActivity;
  /** Stream cells decrypted from the batch being handled, for the mux and the served mux. */
  private final List<RelayCell> toStreams = new ArrayList<>();
  private final List<RelayCell> toServed = new ArrayList<>();
  /** The seeder's streams served to the far end (§11.8), once it serves one. */
  private ActorRef<StreamMuxActor.Command> served;
  private ActorRef<CircuitControl.ControlEvent> watcher;
  private boolean replied;

  public static Behavior<Command> create(NodeId self, CircuitSettings settings, Plan plan,
      ActorRef<Links.Command> links, OpenLinks openLinks, ActorRef<CircuitsActor.Command> parent,
      ActorRef<CircuitsActor.BuildResult> replyTo, Clock clock, SecureRandom random) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new CircuitActor(ctx, timers, self, settings, plan, links, openLinks, parent, replyTo, clock, random)));
  }

  private CircuitActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, NodeId self,
      CircuitSettings settings, Plan plan, ActorRef<Links.Command> links, OpenLinks openLinks,
      ActorRef<CircuitsActor.Command> parent, ActorRef<CircuitsActor.BuildResult> replyTo, Clock clock,
      SecureRandom random) {
    super(ctx);
    this.settings = settings;
    this.build = new CircuitBuild(plan.directory(), plan.guards(), plan.destination().orElse(null), plan.hops(), self,
        settings.buildRetries(), random);
    this.links = links;
    this.openLinks = openLinks;
    this.parent = parent;
    this.replyTo = replyTo;
    this.clock = clock;
    this.timers = timers;
    this.created = clock.instant();
    this.lastActivity = created;
    this.metrics = Metrics.get(ctx.getSystem());
    this.counters = new CircuitCounters(settings.sendmeIncrement());
    this.mux = ctx.spawn(StreamMuxActor.origin(settings, ctx.messageAdapter(StreamMuxActor.Output.class, MuxOut::new)),
        "streams");
    ctx.watchWith(mux, MuxStopped.INSTANCE);
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.housekeepingInterval());
    startAttempt();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(OpenStream.class, this::onOpenStream)
        .onMessage(GetView.class, this::onGetView)
        .onMessage(SendControl.class, this::onSendControl)
        .onMessage(WatchControl.class, watch -> {
          watcher = watch.watcher();
          return this;
        })
        .onMessage(GetLastHopBinding.class, get -> {
          get.replyTo().tell(new CircuitControl.LastHopBinding(
              Optional.ofNullable(state == State.READY ? build.lastHopBinding() : null)));
          return this;
        })
        .onMessage(AddEndToEndHop.class, add -> joinEndToEnd(EndToEndLayer.Role.DOWNLOADER, add.keys(), null))
        .onMessage(ServeEndToEnd.class, serve -> joinEndToEnd(EndToEndLayer.Role.SEEDER, serve.keys(),
            serve.services()))
        .onMessageEquals(Close.INSTANCE, () -> {
          build.failure(CircuitFailure.CLOSED);
          return close("closed by the user", DestroyReason.FINISHED);
        })
        .onMessage(FirstHopOpened.class, this::onFirstHopOpened)
        .onMessage(CellsIn.class, this::onCells)
        .onMessage(LinkLost.class, l -> failOrClose("link to the first hop lost", l.peer(), false,
            CircuitFailure.LINK_LOST))
        .onMessage(MuxOut.class, out -> onMuxOut(out.output(), false))
        .onMessage(ServedOut.class, out -> onMuxOut(out.output(), true))
        .onMessage(BuildTimeout.class, this::onBuildTimeout)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(MuxStopped.INSTANCE, Behaviors::stopped)
        .build();
  }

  private void startAttempt() {
    circuitId = 0;
    attemptStarted = clock.instant();
    try {
      build.nextAttempt();
    } catch (PathSelectionException e) {
      build.failure(CircuitFailure.NO_PATH);
      fail("no path: " + e.getMessage());
      return;
    }
    layers = build.cells();
    firstHop = build.firstHop();
    parent.tell(new CircuitsActor.OpenFirstHop(firstHop, build.createPayload(), build.attempt(), getContext().getSelf()));
    timers.startSingleTimer("build", new BuildTimeout(build.attempt()), settings.buildTimeout());
  }

  private Behavior<Command> onFirstHopOpened(FirstHopOpened opened) {
    if (opened.attempt() != build.attempt() || state != State.BUILDING) {
      sendDestroy(opened.peer(), opened.circuitId(), DestroyReason.TIMEOUT);
      parent.tell(new CircuitsActor.Release(opened.peer(), opened.circuitId()));
    } else {
      circuitId = opened.circuitId();
    }
    return this;
  }

  private Behavior<Command> onCells(CellsIn in) {
    for (Cell cell : in.cells()) {
      onCell(cell);
      if (state == State.CLOSED) {
        break;
      }
    }
    flushStreams();
    return Behaviors.same();
  }

  /** Hands the stream cells decrypted from one batch to the muxes, one message each. */
  private void flushStreams() {
    if (!toStreams.isEmpty()) {
      mux.tell(new StreamMuxActor.CellsIn(List.copyOf(toStreams)));
      toStreams.clear();
    }
    if (!toServed.isEmpty()) {
      served.tell(new StreamMuxActor.CellsIn(List.copyOf(toServed)));
      toServed.clear();
    }
  }

  private Behavior<Command> onCell(Cell cell) {
    lastActivity = clock.instant();
    try {
      switch (cell.command()) {
        case CREATED -> hopAdded(build.created(cell.payload(), state == State.BUILDING));
        case RELAY -> onRelay(cell);
        case DESTROY -> {
          String reason = "destroyed by the network (" + DestroyReason.fromCode(cell.payload(0, 1)[0] & 0xFF) + ")";
          circuitId = 0; // the first hop already forgot it
          return failOrClose(reason, build.pending(), false, CircuitFailure.DESTROYED);
        }
        default -> { }
      }
    } catch (CircuitProtocolException | HandshakeException e) {
      return failOrClose(e.getMessage(), null, true, CircuitFailure.PROTOCOL);
    }
    return this;
  }

  /** A hop was keyed: extend to the next one with {@code extend}, or (null) the circuit is ready. */
  private void hopAdded(RelayCell extend) {
    if (extend != null) {
      sendRelay(layers.hopCount() - 1, extend);
      return;
    }
    state = State.READY;
    timers.cancel("build");
    long millis = clock.millis() - attemptStarted.toEpochMilli();
    reply(new CircuitsActor.Built(idHex(), pathHex(), millis, getContext().getSelf()));
  }

  private void onRelay(Cell cell) throws CircuitProtocolException, HandshakeException {
    OriginCells.In in = layers.in(cell.sharedPayload(), state == State.READY);
    RelayCell relay = in.cell();
    counters.received(relay);
    switch (in.route()) {
      case EXTENDED -> hopAdded(build.extended(relay.data(), state == State.BUILDING));
      case STREAMS -> toStreams.add(relay);
      case SERVED -> toServed.add(relay);
      case CONTROL -> tellWatcher(new CircuitControl.ControlCell(relay.command(), relay.sharedData()));
      case DISCARD -> { }
    }
  }

  /** Cells from the origin's streams ({@code fromServed} false) or the served ones, or a violation. */
  private Behavior<Command> onMuxOut(StreamMuxActor.Output output, boolean fromServed) {
    if (state != State.READY) {
      return Behaviors.same();
    }
    if (output instanceof StreamMuxActor.SendCells send) {
      lastActivity = clock.instant();
      openLinks.send(firstHop, layers.streamCells(send.cells(), fromServed, circuitId, counters), links);
      return this;
    }
    return close("stream protocol violated: " + ((StreamMuxActor.Violation) output).reason(), DestroyReason.PROTOCOL);
  }

  private Behavior<Command> onSendControl(SendControl send) {
    String refusal = state != State.READY ? "circuit is " + state : layers.sendControl(send.command(), send.data());
    if (refusal != null) {
      tellWatcher(new CircuitControl.ControlRefused(send.command(), refusal));
    } else {
      lastActivity = clock.instant();
      sendRelay(layers.hopCount() - 1, RelayCell.adopt(send.command(), 0, send.data()));
    }
    return Behaviors.same();
  }

  private void tellWatcher(CircuitControl.ControlEvent event) {
    if (watcher != null) {
      watcher.tell(event);
    }
  }

  /** Adds the end-to-end layer of §11.8 in {@code role}; a seeder's streams go to {@code services}. */
  private Behavior<Command> joinEndToEnd(EndToEndLayer.Role role, HopKeys keys,
      ActorRef<Streams.ServiceRequest> services) {
    String refusal = layers.joinEndToEnd(role, keys, state == State.READY);
    if (refusal != null) {
      build.failure(CircuitFailure.CLOSED);
      return close("end-to-end layer refused: " + refusal, DestroyReason.FINISHED);
    }
    if (services != null) {
      served = getContext().spawn(StreamMuxActor.destination(settings,
          getContext().messageAdapter(StreamMuxActor.Output.class, ServedOut::new), services, clock,
          QueuedCells.Gauge.NONE), "served-streams");
      getContext().watchWith(served, MuxStopped.INSTANCE);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onOpenStream(OpenStream open) {
    if (state != State.READY) {
      open.user().tell(new Streams.StreamEnded(0, "circuit is " + state));
    } else if (layers.endToEnd() == EndToEndLayer.Role.SEEDER) {
      open.user().tell(new Streams.StreamEnded(0, "circuit serves its far end"));
    } else if (clock.instant().isAfter(created.plus(settings.maxAge()))) {
      open.user().tell(new Streams.StreamEnded(0, "circuit too old for new streams"));
    } else {
      lastActivity = clock.instant();
      mux.tell(new StreamMuxActor.Open(open.service(), open.user()));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onBuildTimeout(BuildTimeout timeout) {
    if (timeout.attempt() != build.attempt() || state != State.BUILDING) {
      return Behaviors.same();
    }
    return failOrClose("build attempt timed out", build.pending(), true, CircuitFailure.TIMEOUT);
  }

  private Behavior<Command> onTick() {
    if (state == State.READY && clock.instant().isAfter(lastActivity.plus(settings.idleTimeout()))) {
      return close("idle", DestroyReason.FINISHED);
    }
    return Behaviors.same();
  }

  /**
   * During a build: drop this attempt and retry (avoiding {@code culprit}); when ready: close.
   * {@code cause} is what the build is counted as if this was its last attempt.
   */
  private Behavior<Command> failOrClose(String reason, NodeId culprit, boolean destroy, CircuitFailure cause) {
    if (state == State.CLOSED) {
      return Behaviors.same();
    }
    if (state == State.READY) {
      return close(reason, destroy ? DestroyReason.PROTOCOL : null);
    }
    timers.cancel("build");
    if (circuitId != 0) {
      sendDestroy(firstHop, circuitId, DestroyReason.TIMEOUT);
      parent.tell(new CircuitsActor.Release(firstHop, circuitId));
    }
    if (!build.failed(culprit, cause)) {
      fail("build failed after " + (build.attempt() + 1) + " attempts: " + reason);
      return Behaviors.same();
    }
    getContext().getLog().debug("circuit build attempt failed ({}), retrying", reason);
    startAttempt();
    return Behaviors.same();
  }

  private void fail(String reason) {
    circuitId = 0;
    close(reason, null);
  }

  /** Answers the build request once: built (counted with its build time) or failed (counted by cause). */
  private void reply(CircuitsActor.BuildResult result) {
    if (!replied) {
      replied = true;
      if (result instanceof CircuitsActor.Built) {
        metrics.circuitBuilt(System.nanoTime() - createdNanos);
      } else {
        metrics.circuitFailed(build.failure());
      }
      replyTo.tell(result);
    }
  }

  private Behavior<Command> close(String reason, DestroyReason destroy) {
    if (state == State.CLOSED) {
      return Behaviors.same();
    }
    reply(new CircuitsActor.Failed(reason));
    state = State.CLOSED;
    build.erase();
    timers.cancelAll();
    if (destroy != null && circuitId != 0) {
      sendDestroy(firstHop, circuitId, destroy);
    }
    flushStreams();
    mux.tell(new StreamMuxActor.Shutdown(reason));
    if (served != null) {
      served.tell(new StreamMuxActor.Shutdown(reason));
    }
    tellWatcher(new CircuitControl.ControlClosed(reason));
    return Behaviors.same();
  }

  private void sendRelay(int hop, RelayCell cell) {
    openLinks.send(firstHop, relayCell(hop, cell), links);
  }

  /** Encrypts {@code cell} for {@code hop} into a RELAY link cell of this circuit. */
  private Cell relayCell(int hop, RelayCell cell) {
    counters.sent(cell);
    return Cell.adopt(circuitId, CellCommand.RELAY, layers.toHop(hop, cell));
  }

  private void sendDestroy(NodeId peer, int id, DestroyReason reason) {
    openLinks.send(peer, new Cell(id, CellCommand.DESTROY, new byte[] {(byte) reason.code()}), links);
  }

  private Behavior<Command> onGetView(GetView get) {
    get.replyTo().tell(counters.view(idHex(), pathHex(), clock.millis() - created.toEpochMilli(), state.name()));
    return Behaviors.same();
  }

  private String idHex() {
    return String.format("%08x", circuitId);
  }

  private List<String> pathHex() {
    return build.path().stream().map(r -> r.id().toHex()).toList();
  }
}
