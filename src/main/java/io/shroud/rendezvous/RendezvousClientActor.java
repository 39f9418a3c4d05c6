package io.shroud.rendezvous;

import io.shroud.circuit.CircuitActor;
import io.shroud.circuit.CircuitControl;
import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.RelayCommand;
import io.shroud.crypto.HopKeys;
import io.shroud.crypto.X25519;
import io.shroud.hidden.DescriptorBook;
import io.shroud.hidden.E2eHandshake;
import io.shroud.hidden.HiddenCellException;
import io.shroud.hidden.HiddenCells;
import io.shroud.hidden.HsDescriptor;
import io.shroud.hidden.HsPow;
import io.shroud.hidden.HsRelay;
import io.shroud.hidden.Introduction;
import io.shroud.hidden.IntroductionAttempt;
import io.shroud.identity.NodeId;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The downloader's side of reaching ONE hidden seeder (protocol §11.6–§11.9), short-lived: picks
 * the rendezvous point ({@link IntroductionAttempt#chooseRendezvous}), builds a circuit to it and
 * sets a random cookie (ESTABLISH_RENDEZVOUS); then, for each introduction the
 * {@link IntroductionAttempt} asks, builds a circuit to that intro point's relay, fetches
 * {@code EK_s} (INTRO_KEY, checked against the descriptor's hash), solves the work when the
 * effort asks it (in chunks on the blocking dispatcher, so the actor stays responsive), sends
 * INTRODUCE1 and closes that circuit at its INTRODUCE_ACK. On RENDEZVOUS2 it adds the end-to-end
 * hop and replies {@link Ready} with the rendezvous circuit (the caller opens its streams);
 * when the attempt gives up, the rendezvous circuit closes, or {@link #TIMEOUT} passes, it
 * replies {@link Failed}. Every try uses the one cookie; a late RENDEZVOUS2 answering an earlier
 * try is accepted ({@link PendingHandshakes}). An unknown auth key at INTRO_KEY (or an {@code
 * EK_s} that is not the descriptor's) counts as INTRODUCE_ACK 1: that point is dropped.
 */
public final class RendezvousClientActor {
  private RendezvousClientActor() {}

  public static final int DEFAULT_HOPS = 3;
  /** The RP forgets an unused cookie after 2 minutes (§11.7): no rendezvous can come later. */
  public static final Duration TIMEOUT = Duration.ofMinutes(2);
  static final Duration BUILD_TIMEOUT = Duration.ofSeconds(60);
  /** Argon2id evaluations per chunk of work (about 50 ms). */
  static final long POW_CHUNK = 32;

  /** What the actor takes: the request when spawned, and its own events. */
  public sealed interface Command {}

  /**
   * Reach {@code seeder} (from a {@link DescriptorBook}) through circuits of {@code hops} built by
   * {@code circuits}; {@code relays} are the consensus's relays the RP is drawn from, {@code self}
   * this node's id when it is a relay (never its own RP).
   */
  public record Reach(DescriptorBook.Seeder seeder, List<HsRelay> relays, Optional<NodeId> self,
      ActorRef<CircuitsActor.Command> circuits, int hops, Clock clock, SecureRandom random,
      ActorRef<Result> replyTo) {
    public Reach {
      Objects.requireNonNull(seeder, "seeder");
      relays = List.copyOf(relays);
      Objects.requireNonNull(self, "self");
      Objects.requireNonNull(circuits, "circuits");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(random, "random");
      Objects.requireNonNull(replyTo, "replyTo");
      if (hops < 1) {
        throw new IllegalArgumentException("hops must be at least 1, got " + hops);
      }
    }
  }

  /** The answer. */
  public sealed interface Result {}

  /**
   * Joined: {@code circuit} ends at the seeder's end-to-end hop (open the {@code transfer}
   * stream on it); the caller owns it (and closes it). {@code circuitId} and {@code path} are
   * those of the downloader's own circuit to the rendezvous point (its last entry).
   * {@code introductions}: INTRODUCE1s it took.
   */
  public record Ready(ActorRef<CircuitActor.Command> circuit, String circuitId, List<String> path,
      NodeId rendezvousPoint, int introductions) implements Result {
    public Ready {
      path = List.copyOf(path);
    }
  }

  /** Not reached: try another seeder. */
  public record Failed(String reason) implements Result {}

  private record RpBuilt(CircuitsActor.BuildResult result, Throwable error) implements Command {}

  private record RpControl(CircuitControl.ControlEvent event) implements Command {}

  private record IntroBuilt(int attempt, CircuitsActor.BuildResult result, Throwable error) implements Command {}

  private record IntroControl(int attempt, CircuitControl.ControlEvent event) implements Command {}

  private record Solved(int attempt, Optional<byte[]> nonce, Throwable error) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private enum Timeout implements Command { INSTANCE }

  public static Behavior<Command> create(Reach reach) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Run(reach, ctx, timers).begin()));
  }

  /** The try in progress: its intro point, circuit and handshake inputs. */
  private static final class Try {
    final IntroductionAttempt.Send send;
    ActorRef<CircuitActor.Command> circuit;
    byte[] ekS;
    X25519.KeyPair x;
    boolean introduced;
    boolean acked;

    Try(IntroductionAttempt.Send send) {
      this.send = send;
    }

    HsDescriptor.IntroPoint point() {
      return send.point();
    }
  }

  private static final class Run {
    private final Reach reach;
    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final IntroductionAttempt attempt;
    private final PendingHandshakes pending = new PendingHandshakes();
    private final byte[] cookie = new byte[Introduction.COOKIE_BYTES];
    private final Executor blocking;
    private HsRelay rp;
    private ActorRef<CircuitActor.Command> rpCircuit;
    private CircuitsActor.Built rpBuilt;
    private boolean established;
    private Try current;
    private boolean done;

    Run(Reach reach, ActorContext<Command> ctx, TimerScheduler<Command> timers) {
      this.reach = reach;
      this.ctx = ctx;
      this.timers = timers;
      this.attempt = new IntroductionAttempt(reach.seeder(), reach.clock());
      this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    }

    Behavior<Command> begin() {
      Optional<HsRelay> chosen = IntroductionAttempt.chooseRendezvous(reach.relays(), reach.seeder().introRelays(),
          reach.self().orElse(null), reach.random());
      if (chosen.isEmpty()) {
        return fail("no relay is left to be the rendezvous point");
      }
      rp = chosen.get();
      reach.random().nextBytes(cookie);
      timers.startSingleTimer(Timeout.INSTANCE, TIMEOUT);
      ctx.ask(CircuitsActor.BuildResult.class, reach.circuits(), BUILD_TIMEOUT,
          ref -> new CircuitsActor.BuildCircuit(Optional.of(rp.id()), reach.hops(), ref), RpBuilt::new);
      return Behaviors.receive(Command.class)
          .onMessage(RpBuilt.class, this::onRpBuilt)
          .onMessage(RpControl.class, m -> onRpControl(m.event()))
          .onMessage(IntroBuilt.class, this::onIntroBuilt)
          .onMessage(IntroControl.class, this::onIntroControl)
          .onMessage(Solved.class, this::onSolved)
          .onMessageEquals(Tick.INSTANCE, () -> step(attempt.tick()))
          .onMessageEquals(Timeout.INSTANCE, () -> fail("no rendezvous within " + TIMEOUT.toMinutes() + " minutes"))
          .onSignal(PostStop.class, s -> {
            if (!done) {
              closeAll();
            }
            return Behaviors.same();
          })
          .build();
    }

    private Behavior<Command> onRpBuilt(RpBuilt m) {
      if (!(m.result() instanceof CircuitsActor.Built built)) {
        return fail("no circuit to the rendezvous point: " + reason(m.result(), m.error()));
      }
      rpCircuit = built.circuit();
      rpBuilt = built;
      rpCircuit.tell(new CircuitActor.WatchControl(watcher(RpControl::new)));
      rpCircuit.tell(new CircuitActor.SendControl(RelayCommand.ESTABLISH_RENDEZVOUS,
          HiddenCells.encodeEstablishRendezvous(cookie)));
      return Behaviors.same();
    }

    private Behavior<Command> onRpControl(CircuitControl.ControlEvent event) {
      if (event instanceof CircuitControl.ControlClosed closed) {
        rpCircuit = null;
        return fail("the rendezvous circuit closed: " + closed.reason());
      }
      if (event instanceof CircuitControl.ControlRefused refused) {
        return fail("the rendezvous circuit refused " + refused.command() + ": " + refused.reason());
      }
      CircuitControl.ControlCell cell = (CircuitControl.ControlCell) event;
      if (cell.command() == RelayCommand.RENDEZVOUS_ESTABLISHED && !established) {
        established = true;
        return step(attempt.start());
      }
      if (cell.command() == RelayCommand.RENDEZVOUS2) {
        return onRendezvous2(cell.data());
      }
      return Behaviors.same();
    }

    private Behavior<Command> onRendezvous2(byte[] data) {
      Optional<HopKeys> keys;
      try {
        keys = pending.finish(HiddenCells.decodeRendezvous2(data));
      } catch (HiddenCellException e) {
        return fail("RENDEZVOUS2 is malformed: " + e.getMessage());
      }
      if (keys.isEmpty()) {
        return fail("RENDEZVOUS2 answers none of this downloader's introductions");
      }
      attempt.succeeded();
      closeIntro();
      rpCircuit.tell(new CircuitActor.AddEndToEndHop(keys.get()));
      done = true;
      Metrics.get(ctx.getSystem()).hiddenRendezvous(NodeMetrics.RendezvousSide.DOWNLOADER,
          NodeMetrics.RendezvousOutcome.JOINED);
      reach.replyTo().tell(new Ready(rpCircuit, rpBuilt.circuitId(), rpBuilt.path(), rp.id(),
          attempt.tries()));
      return Behaviors.stopped();
    }

    private Behavior<Command> step(IntroductionAttempt.Step step) {
      if (step instanceof IntroductionAttempt.Send send) {
        closeIntro();
        current = new Try(send);
        ctx.ask(CircuitsActor.BuildResult.class, reach.circuits(), BUILD_TIMEOUT,
            ref -> new CircuitsActor.BuildCircuit(Optional.of(send.point().relay()), reach.hops(), ref),
            (result, error) -> new IntroBuilt(send.attempt(), result, error));
      } else if (step instanceof IntroductionAttempt.Wait wait && wait.until().isPresent()) {
        Duration left = Duration.between(reach.clock().instant(), wait.until().get());
        timers.startSingleTimer(Tick.INSTANCE, left.isNegative() ? Duration.ZERO : left);
      } else if (step instanceof IntroductionAttempt.GiveUp giveUp) {
        return fail(giveUp.reason());
      }
      return Behaviors.same();
    }

    private boolean isCurrent(int n) {
      return current != null && current.send.attempt() == n;
    }

    private Behavior<Command> onIntroBuilt(IntroBuilt m) {
      if (!isCurrent(m.attempt())) {
        if (m.result() instanceof CircuitsActor.Built late) {
          late.circuit().tell(CircuitActor.Close.INSTANCE);
        }
        return Behaviors.same();
      }
      if (!(m.result() instanceof CircuitsActor.Built built)) {
        ctx.getLog().debug("no circuit to intro point {}: {}", current.point(), reason(m.result(), m.error()));
        return step(attempt.onClosed(m.attempt()));
      }
      current.circuit = built.circuit();
      int n = m.attempt();
      current.circuit.tell(new CircuitActor.WatchControl(watcher(e -> new IntroControl(n, e))));
      current.circuit.tell(new CircuitActor.SendControl(RelayCommand.INTRO_KEY,
          HiddenCells.encodeIntroKeyRequest(current.point().authKey())));
      return Behaviors.same();
    }

    private Behavior<Command> onIntroControl(IntroControl m) {
      int n = m.attempt();
      if (!isCurrent(n)) {
        return Behaviors.same();
      }
      if (m.event() instanceof CircuitControl.ControlClosed) {
        current.circuit = null;
        return current.acked ? Behaviors.same() : step(attempt.onClosed(n));
      }
      if (!(m.event() instanceof CircuitControl.ControlCell cell)) {
        closeIntro();
        return step(attempt.onClosed(n));
      }
      try {
        if (cell.command() == RelayCommand.INTRO_KEY && current.ekS == null) {
          HiddenCells.IntroKeyAnswer answer = HiddenCells.decodeIntroKeyAnswer(cell.data());
          if (!answer.known()) {
            closeIntro();
            return step(attempt.onAck(n, HiddenCells.IntroduceAck.UNKNOWN_AUTH_KEY.code()));
          }
          current.ekS = answer.ekSMatching(current.point().ekHash());
          current.x = X25519.generate(reach.random());
          return current.send.effort() > 0 ? solve(n) : introduce(n, new byte[Introduction.POW_NONCE_BYTES]);
        }
        if (cell.command() == RelayCommand.INTRODUCE_ACK && current.introduced && !current.acked) {
          HiddenCells.IntroduceAck ack = HiddenCells.decodeIntroduceAck(cell.data());
          current.acked = true;
          closeIntro();
          return step(attempt.onAck(n, ack.code()));
        }
      } catch (HiddenCellException e) {
        // a malformed answer or an EK_s that is not the descriptor's: this point is no use
        ctx.getLog().debug("intro point {}: {}", current.point(), e.getMessage());
        closeIntro();
        return step(attempt.onAck(n, HiddenCells.IntroduceAck.UNKNOWN_AUTH_KEY.code()));
      }
      return Behaviors.same();
    }

    /** One chunk of work off the actor's thread; {@link #onSolved} continues or introduces. */
    private Behavior<Command> solve(int n) {
      byte[] seed = reach.seeder().powSeed();
      byte[] auth = current.point().authKey();
      byte[] bigX = current.x.publicKey();
      long effort = current.send.effort();
      SecureRandom random = reach.random();
      ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> HsPow.solve(seed, auth, bigX, effort, random, POW_CHUNK),
          blocking), (nonce, error) -> new Solved(n, nonce == null ? Optional.empty() : nonce, error));
      return Behaviors.same();
    }

    private Behavior<Command> onSolved(Solved m) {
      if (!isCurrent(m.attempt()) || current.circuit == null) {
        return Behaviors.same();
      }
      if (m.error() != null) {
        return fail("proof of work failed: " + m.error());
      }
      return m.nonce().isPresent() ? introduce(m.attempt(), m.nonce().get()) : solve(m.attempt());
    }

    private Behavior<Command> introduce(int n, byte[] nonce) {
      HsDescriptor.IntroPoint point = current.point();
      Introduction introduction = new Introduction(rp.id().toBytes(), cookie, nonce, current.send.effort());
      E2eHandshake.Client client;
      try {
        client = E2eHandshake.start(point.authKey(), point.b(), current.ekS, current.x, introduction,
            reach.random());
      } catch (IllegalArgumentException e) {
        // a low-order B in the descriptor: no introduction can reach this point
        closeIntro();
        return step(attempt.onAck(n, HiddenCells.IntroduceAck.UNKNOWN_AUTH_KEY.code()));
      }
      current.x = null;
      current.introduced = true;
      pending.add(client);
      current.circuit.tell(new CircuitActor.SendControl(RelayCommand.INTRODUCE1, client.introduce1()));
      return step(attempt.sent(n));
    }

    /** A child that tags the control events of one circuit for this actor. */
    private ActorRef<CircuitControl.ControlEvent> watcher(Function<CircuitControl.ControlEvent, Command> tag) {
      ActorRef<Command> self = ctx.getSelf();
      return ctx.spawnAnonymous(Behaviors.receiveMessage(event -> {
        self.tell(tag.apply(event));
        return event instanceof CircuitControl.ControlClosed ? Behaviors.stopped() : Behaviors.same();
      }));
    }

    private void closeIntro() {
      if (current != null && current.circuit != null) {
        current.circuit.tell(CircuitActor.Close.INSTANCE);
        current.circuit = null;
      }
    }

    private void closeAll() {
      closeIntro();
      if (rpCircuit != null) {
        rpCircuit.tell(CircuitActor.Close.INSTANCE);
        rpCircuit = null;
      }
      pending.discard();
    }

    private Behavior<Command> fail(String reason) {
      closeAll();
      done = true;
      Metrics.get(ctx.getSystem()).hiddenRendezvous(NodeMetrics.RendezvousSide.DOWNLOADER,
          NodeMetrics.RendezvousOutcome.FAILED);
      reach.replyTo().tell(new Failed(reason));
      return Behaviors.stopped();
    }

    private static String reason(CircuitsActor.BuildResult result, Throwable error) {
      if (result instanceof CircuitsActor.Failed failed) {
        return failed.reason();
      }
      return error == null ? "no answer" : error.toString();
    }
  }
}
