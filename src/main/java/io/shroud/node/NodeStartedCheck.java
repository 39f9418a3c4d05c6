package io.shroud.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Readiness check: {@link NodeGuardian} has started the node's actors and published them in
 * {@link NodeRuntime}, so the {@code /shroud/v1/} routes can answer. Without it a node could
 * report ready (cluster Up, journal answering) while its routes still say "node is starting". A
 * client is ready once it also holds a verified directory: before, it can build no circuit.
 */
public final class NodeStartedCheck implements Supplier<CompletionStage<Boolean>> {
  private final NodeRuntime runtime;

  public NodeStartedCheck(ActorSystem system) {
    this.runtime = NodeRuntime.get(Adapter.toTyped(system));
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(runtime.ready());
  }
}
