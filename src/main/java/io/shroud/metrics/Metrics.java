package io.shroud.metrics;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Gives each {@code ActorSystem} (each node) its own {@link NodeMetrics}, so that an actor
 * records with {@code Metrics.get(context.getSystem())} and no constructor carries the metrics
 * through the tree. Tests run several systems in one JVM: each has its own registry, never the
 * client's static default one.
 */
public final class Metrics implements Extension {
  private final NodeMetrics node = new NodeMetrics();

  private Metrics() {}

  /** The metrics of the node that {@code system} runs. */
  public static NodeMetrics get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system).node;
  }

  /** The extension id. */
  public static final class Id extends ExtensionId<Metrics> {
    static final Id INSTANCE = new Id();

    private Id() {}

    @Override
    public Metrics createExtension(ActorSystem<?> system) {
      return new Metrics();
    }
  }
}
