package io.shroud.node.admission;

import io.shroud.admission.RelayMeasurement;
import io.shroud.circuit.CircuitActor;
import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.Streams;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.node.ProbeServiceActor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * An authority's measurements of the relays (design.md §8.2): the uptime of each cluster member
 * from membership and reachability events ({@link UptimeTracker}); and, one relay at a time and
 * each at most once per probe interval ({@link ProbeSchedule}), a probe: a one-hop circuit to the
 * relay's data port (it was reached if the circuit was built) and a stream to its {@code probe}
 * service, timed until its {@link ProbeServiceActor#BYTES} bytes have arrived. Answers
 * {@link GetMeasurements} with the vote's measurements ({@link VoteMeasurements}).
 */
public final class MeasurementActor extends AbstractBehavior<MeasurementActor.Command> {
  /** How often the schedule is asked for the next probe. */
  static final Duration TICK = Duration.ofSeconds(1);
  /** A probe (build and stream) that takes longer failed. */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

  public sealed interface Command {}

  /** Replies with one measurement per relay of the directory but this node. */
  public record GetMeasurements(ActorRef<Measurements> replyTo) implements Command {}

  /** The measurements, and how many of those relays no probe has finished for yet. */
  public record Measurements(List<RelayMeasurement> relays, int unprobed) {}

  private record DirectoryChanged(DirectoryView view) implements Command {}

  private record MembershipChanged(ClusterEvent.MemberEvent event) implements Command {}

  private record ReachabilityChanged(ClusterEvent.ReachabilityEvent event) implements Command {}

  private record ProbeDone(NodeId relay, boolean reached, long kibps) implements Command {}

  private enum Tick implements Command { INSTANCE }

  /** What the actor measures with: this node, its circuits, its directory, how often each relay is probed. */
  public record Setup(NodeId self, ActorRef<CircuitsActor.Command> circuits,
      Consumer<ActorRef<DirectoryView>> directory, Duration probeInterval, Clock clock) {}

  private final Setup setup;
  private final UptimeTracker uptime = new UptimeTracker();
  private final ProbeSchedule probes;
  private List<NodeDescriptor> descriptors = List.of();

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
      return new MeasurementActor(ctx, setup);
    }));
  }

  private MeasurementActor(ActorContext<Command> ctx, Setup setup) {
    super(ctx);
    this.setup = setup;
    this.probes = new ProbeSchedule(setup.clock(), setup.probeInterval(), PROBE_TIMEOUT.multipliedBy(2));
    setup.directory().accept(ctx.messageAdapter(DirectoryView.class, DirectoryChanged::new));
    Cluster cluster = Cluster.get(ctx.getSystem());
    cluster.subscriptions().tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.MemberEvent.class, MembershipChanged::new), ClusterEvent.MemberEvent.class));
    cluster.subscriptions().tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, ReachabilityChanged::new),
        ClusterEvent.ReachabilityEvent.class));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(GetMeasurements.class, msg -> {
          List<RelayMeasurement> relays = VoteMeasurements.of(descriptors, setup.self(), uptime, probes,
              setup.clock().instant());
          int unprobed = (int) relays.stream().filter(m -> probes.result(m.id()).isEmpty()).count();
          msg.replyTo().tell(new Measurements(relays, unprobed));
          return this;
        })
        .onMessage(DirectoryChanged.class, msg -> {
          descriptors = msg.view().descriptors();
          probes.retain(descriptors.stream().map(NodeDescriptor::nodeId).toList());
          return this;
        })
        .onMessage(MembershipChanged.class, this::onMembership)
        .onMessage(ReachabilityChanged.class, this::onReachability)
        .onMessage(ProbeDone.class, msg -> {
          probes.finished(msg.relay(), msg.reached(), msg.kibps());
          getContext().getLog().debug("probe of {}: {}", msg.relay().shortHex(),
              msg.reached() ? msg.kibps() + " KiB/s" : "not reached");
          return this;
        })
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .build();
  }

  private Behavior<Command> onMembership(MembershipChanged msg) {
    Member m = msg.event().member();
    if (msg.event() instanceof ClusterEvent.MemberUp) {
      uptime.up(hostPort(m), setup.clock().instant());
    } else if (m.status() != MemberStatus.up()) {
      uptime.down(hostPort(m)); // leaving, exiting, down or removed
    }
    return this;
  }

  private Behavior<Command> onReachability(ReachabilityChanged msg) {
    Member m = msg.event().member();
    if (msg.event() instanceof ClusterEvent.UnreachableMember) {
      uptime.down(hostPort(m));
    } else if (m.status() == MemberStatus.up()) {
      uptime.up(hostPort(m), setup.clock().instant());
    }
    return this;
  }

  private Behavior<Command> onTick() {
    List<NodeId> relays = descriptors.stream().map(NodeDescriptor::nodeId)
        .filter(id -> !id.equals(setup.self())).toList();
    probes.next(relays).ifPresent(relay -> getContext().spawnAnonymous(
        probe(relay, setup.circuits(), getContext().getSelf(), setup.clock())));
    return this;
  }

  private static String hostPort(Member m) {
    return m.address().host().get() + ":" + m.address().port().get();
  }

  private enum ProbeTimeout { INSTANCE }

  /**
   * One probe: a one-hop circuit to {@code relay}, then a {@code probe} stream timed from its
   * opening to its last byte; reports {@link ProbeDone} and closes the circuit.
   */
  static Behavior<Object> probe(NodeId relay, ActorRef<CircuitsActor.Command> circuits, ActorRef<Command> replyTo,
      Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startSingleTimer(ProbeTimeout.INSTANCE, PROBE_TIMEOUT);
      circuits.tell(new CircuitsActor.BuildMeasurementCircuit(relay,
          ctx.messageAdapter(CircuitsActor.BuildResult.class, r -> r)));
      ActorRef<?>[] circuit = {null};
      ActorRef<?>[] stream = {null};
      long[] started = {0};
      long[] received = {0};
      Runnable close = () -> {
        if (circuit[0] != null) {
          @SuppressWarnings("unchecked")
          ActorRef<CircuitActor.Command> c = (ActorRef<CircuitActor.Command>) circuit[0];
          c.tell(CircuitActor.Close.INSTANCE);
        }
      };
      return Behaviors.receiveMessage(message -> {
        if (message instanceof CircuitsActor.Failed) {
          replyTo.tell(new ProbeDone(relay, false, 0));
          return Behaviors.stopped();
        }
        if (message instanceof CircuitsActor.Built built) {
          circuit[0] = built.circuit();
          started[0] = System.nanoTime();
          built.circuit().tell(new CircuitActor.OpenStream(ProbeServiceActor.SERVICE,
              ctx.messageAdapter(Streams.StreamEvent.class, e -> e)));
          return Behaviors.same();
        }
        if (message instanceof Streams.StreamOpened opened) {
          stream[0] = opened.stream();
          return Behaviors.same();
        }
        if (message instanceof Streams.StreamData data) {
          if (stream[0] != null) {
            @SuppressWarnings("unchecked")
            ActorRef<Streams.StreamCommand> s = (ActorRef<Streams.StreamCommand>) stream[0];
            s.tell(new Streams.Consumed(data.chunks()));
          }
          received[0] += data.parts().stream().mapToLong(p -> p.length).sum();
          if (received[0] >= ProbeServiceActor.BYTES) {
            long kibps = ProbeSchedule.kibps(received[0], System.nanoTime() - started[0]);
            replyTo.tell(new ProbeDone(relay, true, kibps));
            close.run();
            return Behaviors.stopped();
          }
          return Behaviors.same();
        }
        if (message instanceof Streams.StreamEnded || message instanceof Streams.StreamRefused
            || message == ProbeTimeout.INSTANCE) {
          // the circuit was built (its data port answered) or not; either way no speed measured
          replyTo.tell(new ProbeDone(relay, circuit[0] != null, 0));
          close.run();
          return Behaviors.stopped();
        }
        return Behaviors.same();
      });
    }));
  }
}
