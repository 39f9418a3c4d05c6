package io.shroud.circuit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Short-lived: asks every circuit and relay hop for its view, answers one {@link CircuitsView}
 * when all have answered or after {@code timeout} (a hop that stopped meanwhile is left out).
 */
public final class CircuitsViewActor {
  private CircuitsViewActor() {}

  private enum Timeout { INSTANCE }

  public static Behavior<Object> create(List<ActorRef<CircuitActor.Command>> circuits,
      List<ActorRef<RelayActor.Command>> relays, Duration timeout, ActorRef<CircuitsView> replyTo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      List<CircuitView> circuitViews = new ArrayList<>();
      List<RelayHopView> relayViews = new ArrayList<>();
      ActorRef<CircuitView> circuitAdapter = ctx.messageAdapter(CircuitView.class, v -> v);
      ActorRef<RelayHopView> relayAdapter = ctx.messageAdapter(RelayHopView.class, v -> v);
      circuits.forEach(c -> c.tell(new CircuitActor.GetView(circuitAdapter)));
      relays.forEach(r -> r.tell(new RelayActor.GetView(relayAdapter)));
      int expected = circuits.size() + relays.size();
      Runnable answer = () -> replyTo.tell(new CircuitsView(List.copyOf(circuitViews), List.copyOf(relayViews)));
      if (expected == 0) {
        answer.run();
        return Behaviors.stopped();
      }
      timers.startSingleTimer(Timeout.INSTANCE, timeout);
      return Behaviors.receiveMessage(message -> {
        if (message instanceof CircuitView view) {
          circuitViews.add(view);
        } else if (message instanceof RelayHopView view) {
          relayViews.add(view);
        }
        if (message == Timeout.INSTANCE || circuitViews.size() + relayViews.size() == expected) {
          answer.run();
          return Behaviors.stopped();
        }
        return Behaviors.same();
      });
    }));
  }
}
