package io.shroud.rendezvous;

import io.shroud.circuit.CircuitActor;
import io.shroud.circuit.CircuitControl;
import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.RelayCommand;
import io.shroud.circuit.Streams;
import io.shroud.dht.SignedRecord;
import io.shroud.hidden.E2eHandshake;
import io.shroud.hidden.HsRelay;
import io.shroud.hidden.IntroPointPlan;
import io.shroud.hidden.SeederIntroductions;
import io.shroud.hidden.ShareSecret;
import io.shroud.identity.NodeId;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.lookup.RecordPublication;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.wire.TokenBucket;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Serves one share hidden (protocol §11.3–§11.9; design.md §8.8): drives a {@link SeederPlans}.
 * From the relays of {@link CircuitsActor.GetRelays} it keeps the plans' intro points: a circuit
 * of {@code hops} to each intro relay, ESTABLISH_INTRO signed over its last hop's {@code KH},
 * INTRO_ESTABLISHED; a circuit that closes loses its point, and a replacement is drawn. Each due
 * descriptor is sealed, signed by its plan's publisher key and stored through a circuit
 * ({@link RecordLookupsActor.StoreRecord}, again after {@link HiddenSeederSettings#retry()} on failure while it
 * is the latest). INTRODUCE2 on an intro circuit is opened and queued; each introduction served
 * gets a new circuit to its rendezvous point, the end-to-end layer serving the share's streams
 * ({@code services}) and RENDEZVOUS1. A DROP keeps each intro circuit alive, the effort rule
 * runs each {@link HiddenSeederSettings#tick()} (with the relays, the plans' ends and republication).
 */
public final class HiddenSeederActor extends AbstractBehavior<HiddenSeederActor.Command> {
  public sealed interface Command {}

  /** Asks for the intro points as they are now. */
  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /** One intro point: its period, id, relay, state and circuit (while it has one). */
  public record PointStatus(long period, int id, NodeId relay, IntroPointPlan.State state,
      Optional<ActorRef<CircuitActor.Command>> circuit) {}

  /** The newest descriptor published for a period: its seq (each publication has the one before's plus one). */
  public record Descriptor(long period, long seq) {}

  /**
   * The answer to {@link GetStatus}: the points, introductions queued now, rendezvous circuits sent
   * RENDEZVOUS1 and rendezvous circuits that could not be built (both since the start), introductions
   * queued since the start, the effort the descriptors ask now, and the newest descriptor of each
   * period with one.
   */
  public record Status(List<PointStatus> points, int queued, long served, long unbuilt, long accepted,
      long effort, List<Descriptor> descriptors) {}

  private record RelaysIn(List<HsRelay> relays) implements Command {}

  private record IntroBuilt(SeederPlans.Ref ref, CircuitsActor.BuildResult result) implements Command {}

  private record BindingIn(SeederPlans.Ref ref, Optional<byte[]> kh) implements Command {}

  private record IntroEvent(SeederPlans.Ref ref, CircuitControl.ControlEvent event) implements Command {}

  private record IntroStopped(SeederPlans.Ref ref) implements Command {}

  private record Stored(SignedRecord record, RecordPublication result) implements Command {}

  private record RetryStore(SignedRecord record) implements Command {}

  private record RendezvousBuilt(E2eHandshake.Opened opened, CircuitsActor.BuildResult result) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private enum Drop implements Command { INSTANCE }

  private enum TimedCheck implements Command { INSTANCE }

  private enum Replenish implements Command { INSTANCE }

  private enum RetryRelays implements Command { INSTANCE }

  private enum Paced implements Command { INSTANCE }

  /** An intro point's circuit and the adapter that tags its control events. */
  private record Intro(ActorRef<CircuitActor.Command> circuit, ActorRef<CircuitControl.ControlEvent> events) {}

  private static final Duration MIN_CHECK = Duration.ofSeconds(1);
  /** The shortest circuit out of this relay and back to it: a relay never extends back to the hop it came from. */
  private static final int LOOP_HOPS = 3;

  private final SeederPlans plans;
  /** This node's relay id, or null on a client. */
  private final NodeId self;
  private final ActorRef<CircuitsActor.Command> circuits;
  private final ActorRef<RecordLookupsActor.Command> lookups;
  private final ActorRef<Streams.ServiceRequest> services;
  private final HiddenSeederSettings settings;
  private final Clock clock;
  private final SecureRandom random;
  private final TimerScheduler<Command> timers;
  private final Map<SeederPlans.Ref, Intro> intros = new HashMap<>();
  private List<HsRelay> relays = List.of();
  private int building;
  private final TokenBucket pace;
  private final NodeMetrics metrics;
  private long served;
  private long unbuilt;

  /**
   * @param self this node's relay id (never its own intro point), or null for a client
   * @param services the handler of the share's streams at the end-to-end hop ({@code transfer})
   */
  public static Behavior<Command> create(ShareSecret secret, NodeId self, ActorRef<CircuitsActor.Command> circuits,
      ActorRef<RecordLookupsActor.Command> lookups, ActorRef<Streams.ServiceRequest> services, HiddenSeederSettings settings,
      Clock clock, SecureRandom random) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new HiddenSeederActor(ctx, timers,
        new SeederPlans(secret, self, clock, random), self, circuits, lookups, services, settings, clock, random)));
  }

  private HiddenSeederActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, SeederPlans plans,
      NodeId self, ActorRef<CircuitsActor.Command> circuits, ActorRef<RecordLookupsActor.Command> lookups,
      ActorRef<Streams.ServiceRequest> services, HiddenSeederSettings settings, Clock clock, SecureRandom random) {
    super(ctx);
    this.timers = timers;
    this.plans = plans;
    this.self = self;
    this.circuits = circuits;
    this.lookups = lookups;
    this.services = services;
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.metrics = Metrics.get(ctx.getSystem());
    this.pace = new TokenBucket(settings.rendezvousPerSecond(), settings.maxRendezvous(), clock);
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tick());
    timers.startTimerWithFixedDelay(Drop.INSTANCE, settings.drop());
    askRelays();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RelaysIn.class, this::onRelays)
        .onMessage(IntroBuilt.class, this::onIntroBuilt)
        .onMessage(BindingIn.class, this::onBinding)
        .onMessage(IntroEvent.class, this::onIntroEvent)
        .onMessage(IntroStopped.class, stopped -> lost(stopped.ref(), "circuit stopped"))
        .onMessage(Stored.class, this::onStored)
        .onMessage(RetryStore.class, retry -> {
          if (plans.latest(retry.record())) {
            store(retry.record());
          }
          return this;
        })
        .onMessage(RendezvousBuilt.class, this::onRendezvousBuilt)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(Drop.INSTANCE, this::onDrop)
        .onMessageEquals(TimedCheck.INSTANCE, () -> publish())
        .onMessageEquals(Paced.INSTANCE, this::serveNext)
        .onMessageEquals(Replenish.INSTANCE, () -> replenish())
        .onMessageEquals(RetryRelays.INSTANCE, () -> {
          askRelays();
          return this;
        })
        .onSignal(PostStop.class, stop -> {
          intros.values().forEach(i -> i.circuit().tell(CircuitActor.Close.INSTANCE));
          return this;
        })
        .build();
  }

  private void askRelays() {
    getContext().ask(CircuitsActor.Relays.class, circuits, settings.timeout(), CircuitsActor.GetRelays::new,
        (answer, error) -> new RelaysIn(answer == null ? List.of() : SeederPlans.relays(answer.relays())));
  }

  private Behavior<Command> onTick() {
    plans.tick();
    askRelays(); // then the plans' ends, replacements and publications
    return this;
  }

  private Behavior<Command> onRelays(RelaysIn in) {
    if (in.relays().isEmpty()) {
      timers.startSingleTimer(RetryRelays.INSTANCE, settings.retry()); // no directory yet
      return this;
    }
    relays = in.relays();
    plans.consensusChanged(relays).forEach(this::close);
    plans.endOver().forEach(this::close);
    return replenish();
  }

  private Behavior<Command> replenish() {
    for (SeederPlans.NewPoint point : plans.replenish(relays)) {
      getContext().ask(CircuitsActor.BuildResult.class, circuits, settings.timeout(),
          replyTo -> new CircuitsActor.BuildCircuit(Optional.of(point.relay()), settings.hops(), replyTo),
          (result, error) -> new IntroBuilt(point.ref(), result != null ? result
              : new CircuitsActor.Failed("no answer: " + error)));
    }
    return publish();
  }

  private Behavior<Command> onIntroBuilt(IntroBuilt built) {
    SeederPlans.Ref ref = built.ref();
    if (!(built.result() instanceof CircuitsActor.Built ok)) {
      return lost(ref, ((CircuitsActor.Failed) built.result()).reason());
    }
    ActorRef<CircuitActor.Command> circuit = ok.circuit();
    if (plans.state(ref).orElse(null) != IntroPointPlan.State.BUILDING) {
      circuit.tell(CircuitActor.Close.INSTANCE);
      return this;
    }
    ActorRef<Command> self = getContext().getSelf();
    ActorRef<CircuitControl.ControlEvent> events = getContext().spawnAnonymous(
        Behaviors.<CircuitControl.ControlEvent>receiveMessage(event -> {
          self.tell(new IntroEvent(ref, event));
          return Behaviors.same();
        }));
    intros.put(ref, new Intro(circuit, events));
    circuit.tell(new CircuitActor.WatchControl(events));
    getContext().watchWith(circuit, new IntroStopped(ref));
    getContext().ask(CircuitControl.LastHopBinding.class, circuit, settings.timeout(),
        CircuitActor.GetLastHopBinding::new,
        (binding, error) -> new BindingIn(ref, binding == null ? Optional.empty() : binding.kh()));
    return this;
  }

  private Behavior<Command> onBinding(BindingIn in) {
    Intro intro = intros.get(in.ref());
    if (intro == null) {
      return this;
    }
    if (in.kh().isEmpty()) {
      return lost(in.ref(), "no last-hop binding");
    }
    byte[] kh = in.kh().get();
    Optional<byte[]> establish = plans.establishIntro(in.ref(), kh);
    java.util.Arrays.fill(kh, (byte) 0);
    establish.ifPresent(data -> intro.circuit().tell(new CircuitActor.SendControl(RelayCommand.ESTABLISH_INTRO, data)));
    return this;
  }

  private Behavior<Command> onIntroEvent(IntroEvent in) {
    SeederPlans.Ref ref = in.ref();
    if (!intros.containsKey(ref)) {
      return this;
    }
    CircuitControl.ControlEvent event = in.event();
    if (event instanceof CircuitControl.ControlClosed closed) {
      return lost(ref, closed.reason());
    }
    if (event instanceof CircuitControl.ControlRefused refused) {
      return refused.command() == RelayCommand.DROP ? this
          : lost(ref, "refused " + refused.command() + ": " + refused.reason());
    }
    CircuitControl.ControlCell cell = (CircuitControl.ControlCell) event;
    if (cell.command() == RelayCommand.INTRO_ESTABLISHED) {
      return plans.established(ref) ? publish() : this;
    }
    if (cell.command() == RelayCommand.INTRODUCE2) {
      return onIntroduce2(ref, cell.data());
    }
    getContext().getLog().debug("intro circuit {}: unexpected {}", ref, cell.command());
    return this;
  }

  private Behavior<Command> onIntroduce2(SeederPlans.Ref ref, byte[] data) {
    SeederIntroductions.Received received = plans.introduce2(ref, data);
    metrics.hiddenIntroduction(NodeMetrics.Introduction.valueOf(received.outcome().name()));
    if (received.outcome() != SeederIntroductions.Outcome.QUEUED) {
      getContext().getLog().debug("introduction on {}: {}", ref, received.outcome());
    }
    if (received.retire()) {
      close(ref); // its replay filter is full (§11.6): new keys, a new point, a new descriptor
      replenish();
    }
    return serveNext();
  }

  /**
   * Builds a rendezvous circuit for each queued introduction, up to {@link HiddenSeederSettings#maxRendezvous()}
   * at once and {@link HiddenSeederSettings#rendezvousPerSecond()}; what the pace holds back stays queued (in
   * order of work) until the next token.
   */
  private Behavior<Command> serveNext() {
    while (building < settings.maxRendezvous()) {
      if (plans.introductions().queued() == 0) {
        break;
      }
      if (!pace.tryTake(1)) {
        timers.startSingleTimer(Paced.INSTANCE, pace.timeUntil(1));
        break;
      }
      Optional<E2eHandshake.Opened> next = plans.next();
      if (next.isEmpty()) {
        break;
      }
      E2eHandshake.Opened opened = next.get();
      building++;
      NodeId rp = NodeId.of(opened.introduction().rpNodeId());
      // The downloader may have drawn this very relay (protocol §11.7.1). A circuit to it goes out
      // and back, three hops at least (a relay never extends a circuit back to the hop it came
      // from): with 3 seeding hops or more, that is a circuit like any other; with fewer, it
      // would be longer than this seeder's circuits and add relays that see it originate, so the
      // rendezvous is joined here instead.
      boolean local = rp.equals(self) && settings.hops() < LOOP_HOPS;
      int hops = rp.equals(self) ? Math.max(LOOP_HOPS, settings.hops()) : settings.hops();
      getContext().ask(CircuitsActor.BuildResult.class, circuits, settings.timeout(),
          replyTo -> local ? new CircuitsActor.LocalRendezvous(replyTo)
              : new CircuitsActor.BuildCircuit(Optional.of(rp), hops, replyTo),
          (result, error) -> new RendezvousBuilt(opened, result != null ? result
              : new CircuitsActor.Failed("no answer: " + error)));
    }
    return this;
  }

  private Behavior<Command> onRendezvousBuilt(RendezvousBuilt built) {
    building--;
    if (built.result() instanceof CircuitsActor.Built ok) {
      E2eHandshake.Response response = built.opened().respond(random);
      ok.circuit().tell(new CircuitActor.ServeEndToEnd(response.keys(), services));
      ok.circuit().tell(new CircuitActor.SendControl(RelayCommand.RENDEZVOUS1, response.rendezvous1()));
      served++;
      metrics.hiddenRendezvous(NodeMetrics.RendezvousSide.SEEDER, NodeMetrics.RendezvousOutcome.JOINED);
    } else {
      built.opened().discard();
      unbuilt++;
      metrics.hiddenRendezvous(NodeMetrics.RendezvousSide.SEEDER, NodeMetrics.RendezvousOutcome.FAILED);
      getContext().getLog().debug("rendezvous circuit failed: {}", ((CircuitsActor.Failed) built.result()).reason());
    }
    return serveNext();
  }

  /** The point's circuit failed or closed: close what is left, publish without it, draw a replacement. */
  private Behavior<Command> lost(SeederPlans.Ref ref, String reason) {
    boolean wasEstablished = plans.state(ref).orElse(null) == IntroPointPlan.State.ESTABLISHED;
    boolean changed = plans.lost(ref);
    close(ref);
    if (!changed) {
      return this;
    }
    getContext().getLog().debug("intro point {} lost: {}", ref, reason);
    if (wasEstablished) {
      return replenish();
    }
    timers.startSingleTimer(Replenish.INSTANCE, settings.retry()); // a build or establishment failed: not at once
    return publish();
  }

  /** Forgets the point's circuit and closes it. */
  private void close(SeederPlans.Ref ref) {
    Intro intro = intros.remove(ref);
    if (intro != null) {
      getContext().unwatch(intro.circuit());
      getContext().stop(intro.events());
      intro.circuit().tell(CircuitActor.Close.INSTANCE);
    }
  }

  /** Stores each descriptor due now; sets the timer for the next one due by time. */
  private Behavior<Command> publish() {
    plans.publications().forEach(this::store);
    timers.cancel(TimedCheck.INSTANCE);
    Optional<Instant> next = plans.nextTimedCheck();
    if (next.isPresent()) {
      Duration wait = Duration.between(clock.instant(), next.get());
      timers.startSingleTimer(TimedCheck.INSTANCE, wait.compareTo(MIN_CHECK) < 0 ? MIN_CHECK : wait);
    }
    return this;
  }

  private void store(SignedRecord record) {
    getContext().ask(RecordPublication.class, lookups, settings.timeout(),
        replyTo -> new RecordLookupsActor.StoreRecord(record, settings.hops(), replyTo),
        (result, error) -> new Stored(record, result != null ? result
            : new RecordPublication(0, 0, List.of(), "no answer: " + error)));
  }

  private Behavior<Command> onStored(Stored stored) {
    RecordPublication result = stored.result();
    if (result.error() == null && result.stored() > 0) {
      return this;
    }
    getContext().getLog().debug("descriptor seq {} not stored ({}); again in {}", stored.record().seq(),
        result.error(), settings.retry());
    if (plans.latest(stored.record())) {
      timers.startSingleTimer("store-" + HexFormat.of().formatHex(stored.record().publisher()),
          new RetryStore(stored.record()), settings.retry());
    }
    return this;
  }

  private Behavior<Command> onDrop() {
    intros.forEach((ref, intro) -> {
      if (plans.state(ref).orElse(null) == IntroPointPlan.State.ESTABLISHED) {
        intro.circuit().tell(new CircuitActor.SendControl(RelayCommand.DROP, new byte[0]));
      }
    });
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    List<PointStatus> points = new ArrayList<>();
    List<Descriptor> descriptors = new ArrayList<>();
    for (IntroPointPlan plan : plans.plans()) {
      plan.published().ifPresent(d -> descriptors.add(new Descriptor(plan.period(), d.seq())));
      for (IntroPointPlan.IntroPoint p : plan.points()) {
        Intro intro = intros.get(new SeederPlans.Ref(plan.period(), p.id()));
        points.add(new PointStatus(plan.period(), p.id(), p.relay().id(), p.state(),
            Optional.ofNullable(intro).map(Intro::circuit)));
      }
    }
    SeederIntroductions in = plans.introductions();
    get.replyTo().tell(new Status(points, in.queued(), served, unbuilt, in.count(SeederIntroductions.Outcome.QUEUED),
        in.effort(), descriptors));
    return this;
  }
}
