package io.shroud.circuit;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * This relay's introduction and rendezvous points (protocol §11.5, §11.7), one per
 * {@link CircuitsActor}: the relay hops ({@link RelayActor}) that recognize a hidden-seeding
 * command hand it the checked {@link HiddenRole.Request}; it keeps the registries
 * ({@link IntroPoints}, {@link RendezvousPoints}) and answers each hop with the cell to
 * originate, a destroy, or a join. It watches every circuit it registers and forgets it when it
 * stops. It decrypts nothing: introductions pass through unchanged.
 */
public final class RendezvousActor extends AbstractBehavior<RendezvousActor.Command> {
  public sealed interface Command {}

  /** From a relay hop: {@code request}, recognized on {@code circuit}. */
  record Request(HiddenRole.Request request, ActorRef<RelayActor.Command> circuit) implements Command {}

  private record Ended(ActorRef<RelayActor.Command> circuit) implements Command {}

  private enum Expire implements Command { INSTANCE }

  private static final Duration EXPIRE_EVERY = Duration.ofSeconds(10);
  private static final byte[] EMPTY = new byte[0];

  private final Clock clock;
  private final IntroPoints<ActorRef<RelayActor.Command>> intros = new IntroPoints<>();
  private final RendezvousPoints<ActorRef<RelayActor.Command>> cookies = new RendezvousPoints<>();

  static Behavior<Command> create(Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Expire.INSTANCE, EXPIRE_EVERY);
      return new RendezvousActor(ctx, clock);
    }));
  }

  private RendezvousActor(ActorContext<Command> ctx, Clock clock) {
    super(ctx);
    this.clock = clock;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Request.class, this::onRequest)
        .onMessage(Ended.class, this::onEnded)
        .onMessageEquals(Expire.INSTANCE, () -> {
          cookies.expire(clock.millis());
          return this;
        })
        .build();
  }

  private Behavior<Command> onRequest(Request in) {
    ActorRef<RelayActor.Command> circuit = in.circuit();
    long now = clock.millis();
    HiddenRole.Request request = in.request();
    if (request instanceof HiddenRole.Intro intro) {
      if (intros.establish(intro.authKey(), intro.encapsulationKey(), circuit, now)) {
        watch(circuit);
        circuit.tell(new RelayActor.Originate(new RelayCell(RelayCommand.INTRO_ESTABLISHED, 0, EMPTY)));
      } else {
        circuit.tell(new RelayActor.Close(DestroyReason.RESOURCE_LIMIT));
      }
    } else if (request instanceof HiddenRole.KeyQuery query) {
      circuit.tell(new RelayActor.Originate(RelayCell.adopt(RelayCommand.INTRO_KEY, 0,
          IntroPoints.introKeyAnswer(intros.encapsulationKey(query.authKey())))));
    } else if (request instanceof HiddenRole.Introduce introduce) {
      IntroPoints.Introduction<ActorRef<RelayActor.Command>> outcome = intros.introduce(introduce.authKey(), now);
      if (outcome.seeder() != null) {
        outcome.seeder().tell(new RelayActor.Originate(RelayCell.adopt(RelayCommand.INTRODUCE2, 0, introduce.data())));
      }
      circuit.tell(new RelayActor.Originate(RelayCell.adopt(RelayCommand.INTRODUCE_ACK, 0,
          new byte[] {(byte) outcome.status()})));
    } else if (request instanceof HiddenRole.Cookie cookie) {
      RendezvousPoints.Established established = cookies.establish(cookie.cookie(), circuit, now);
      if (established == RendezvousPoints.Established.OK) {
        watch(circuit);
        circuit.tell(new RelayActor.Originate(new RelayCell(RelayCommand.RENDEZVOUS_ESTABLISHED, 0, EMPTY)));
      } else {
        circuit.tell(new RelayActor.Close(established == RendezvousPoints.Established.FULL
            ? DestroyReason.RESOURCE_LIMIT : DestroyReason.PROTOCOL));
      }
    } else if (request instanceof HiddenRole.Rendezvous rendezvous) {
      Optional<ActorRef<RelayActor.Command>> downloader = cookies.take(rendezvous.cookie(), now);
      if (downloader.isEmpty()) {
        circuit.tell(new RelayActor.Close(DestroyReason.PROTOCOL));
      } else {
        // the downloader's hop is told first, so it sends RENDEZVOUS2 before any cell of the seeder
        downloader.get().tell(new RelayActor.Join(circuit,
            Optional.of(RelayCell.adopt(RelayCommand.RENDEZVOUS2, 0, rendezvous.rendezvous2()))));
        circuit.tell(new RelayActor.Join(downloader.get(), Optional.empty()));
      }
    }
    return this;
  }

  private void watch(ActorRef<RelayActor.Command> circuit) {
    getContext().watchWith(circuit, new Ended(circuit));
  }

  private Behavior<Command> onEnded(Ended ended) {
    intros.circuitEnded(ended.circuit());
    cookies.circuitEnded(ended.circuit());
    return this;
  }
}
