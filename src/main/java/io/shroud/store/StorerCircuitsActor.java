package io.shroud.store;

import io.shroud.circuit.CircuitActor;
import io.shroud.circuit.CircuitsActor;
import io.shroud.identity.NodeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One circuit per storer for the {@code fragments} requests of one upload, fetch or publication
 * (docs/protocol.md §12.8): the first request to a storer builds a circuit of {@code hops} to it,
 * later ones wait for it and then each opens its own stream on it. A circuit per request would
 * spend the relays' CREATE budget for one sender (§10) and fail. A circuit that ends is forgotten
 * (the next request builds another); one that could not be built fails the requests waiting for
 * it. Every circuit is closed when this actor stops (with its parent).
 */
public final class StorerCircuitsActor {
  private StorerCircuitsActor() {}

  /** Send {@code request} of {@code kind} to {@code storer}; the answer goes to {@code replyTo}. */
  public record Request(NodeId storer, FragmentWire.Kind kind, byte[] request,
      ActorRef<FragmentClientActor.Result> replyTo) {}

  /**
   * Sends {@code request} of {@code kind} to {@code storer} through {@code storers}; its answer
   * comes back to the asking actor as {@code wrap(answer)} (a one-message forwarder carries it,
   * so each answer knows which request it is for).
   */
  public static <T> void ask(ActorContext<T> ctx, ActorRef<Object> storers, NodeId storer, FragmentWire.Kind kind,
      byte[] request, java.util.function.Function<FragmentClientActor.Result, T> wrap) {
    ActorRef<T> self = ctx.getSelf();
    ActorRef<FragmentClientActor.Result> answer = ctx.spawnAnonymous(
        Behaviors.<FragmentClientActor.Result>receiveMessage(result -> {
          self.tell(wrap.apply(result));
          return Behaviors.stopped();
        }));
    storers.tell(new Request(storer, kind, request, answer));
  }

  private record Built(NodeId storer, CircuitsActor.BuildResult result) {}

  private record Ended(NodeId storer, ActorRef<CircuitActor.Command> circuit) {}

  public static Behavior<Object> create(ActorRef<CircuitsActor.Command> circuits, int hops, Duration timeout) {
    return Behaviors.setup(ctx -> {
      Map<NodeId, ActorRef<CircuitActor.Command>> open = new HashMap<>();
      Map<NodeId, List<Request>> waiting = new HashMap<>();
      return Behaviors.receive(Object.class)
          .onMessage(Request.class, r -> {
            ActorRef<CircuitActor.Command> circuit = open.get(r.storer());
            if (circuit != null) {
              ctx.spawnAnonymous(FragmentClientActor.create(circuits, r.storer(), hops, Optional.of(circuit), r.kind(),
                  r.request(), timeout, r.replyTo()));
            } else if (waiting.containsKey(r.storer())) {
              waiting.get(r.storer()).add(r);
            } else {
              waiting.put(r.storer(), new ArrayList<>(List.of(r)));
              ActorRef<Object> self = ctx.getSelf();
              ActorRef<CircuitsActor.BuildResult> answer = ctx.spawnAnonymous(
                  Behaviors.<CircuitsActor.BuildResult>receiveMessage(result -> {
                    self.tell(new Built(r.storer(), result));
                    return Behaviors.stopped();
                  }));
              circuits.tell(new CircuitsActor.BuildCircuit(Optional.of(r.storer()), hops, answer));
            }
            return Behaviors.same();
          })
          .onMessage(Built.class, b -> {
            List<Request> queued = waiting.remove(b.storer());
            if (b.result() instanceof CircuitsActor.Built built) {
              open.put(b.storer(), built.circuit());
              ctx.watchWith(built.circuit(), new Ended(b.storer(), built.circuit()));
              for (Request r : queued) {
                ctx.spawnAnonymous(FragmentClientActor.create(circuits, r.storer(), hops, Optional.of(built.circuit()),
                    r.kind(), r.request(), timeout, r.replyTo()));
              }
            } else {
              String reason = "no circuit to the storer: " + ((CircuitsActor.Failed) b.result()).reason();
              queued.forEach(r -> r.replyTo().tell(new FragmentClientActor.Result(null, null, reason)));
            }
            return Behaviors.same();
          })
          .onMessage(Ended.class, e -> {
            open.remove(e.storer(), e.circuit());
            return Behaviors.same();
          })
          .onSignal(PostStop.class, s -> {
            open.values().forEach(c -> c.tell(CircuitActor.Close.INSTANCE));
            return Behaviors.same();
          })
          .build();
    });
  }
}
