package io.shroud.node;

import io.shroud.circuit.GuardSet;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * How a root actor ({@link NodeGuardian}, {@link ClientGuardian}) keeps its children: every child
 * is supervised at its spawn site — restarted (with backoff where it holds a journal or a port),
 * or stopped where a restart cannot help — and watched: a child that stops for good leaves the
 * node without a part it needs, so the root stops the node with one line naming it (the
 * operator's supervisor, e.g. systemd, starts it again).
 */
final class Supervision {
  private Supervision() {}

  static <T> ActorRef<T> spawnWatched(ActorContext<?> ctx, Behavior<T> behavior, String name) {
    ActorRef<T> child = ctx.spawn(behavior, name);
    ctx.watch(child);
    return child;
  }

  /** As above, on the blocking dispatcher: for a child whose work is file I/O. */
  static <T> ActorRef<T> spawnWatchedBlocking(ActorContext<?> ctx, Behavior<T> behavior, String name) {
    ActorRef<T> child = ctx.spawn(behavior, name, DispatcherSelector.blocking());
    ctx.watch(child);
    return child;
  }

  static <T> Behavior<T> restartWithBackoff(Behavior<T> behavior) {
    return Behaviors.supervise(behavior)
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(30), 0.2));
  }

  static <T> Behavior<T> restart(Behavior<T> behavior) {
    return Behaviors.supervise(behavior).onFailure(SupervisorStrategy.restart());
  }

  /** The reply type of {@code KeysActor.GetGuards}, for an ask. */
  @SuppressWarnings("unchecked")
  static Class<List<GuardSet.Entry>> guardListClass() {
    return (Class<List<GuardSet.Entry>>) (Class<?>) List.class;
  }
}
