package io.shroud.node;

import io.shroud.circuit.CircuitsActor;
import io.shroud.dht.DhtActor;
import io.shroud.identity.NodeId;
import io.shroud.link.Links;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.swarm.fetch.DownloadsActor;
import io.shroud.swarm.serve.SharesActor;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Where the parts of a running node that live outside the actor tree (the management routes,
 * health checks) find the actors they ask. {@link NodeGuardian} fills it in once its children
 * are up; until then {@link #handles()} is empty and the routes answer 503.
 */
public final class NodeRuntime implements Extension {

  /** The node's identity and the actors the management endpoint talks to. */
  public record Handles(
      NodeId nodeId,
      ShroudSettings settings,
      Instant startedAt,
      ActorRef<DirectoryActor.Command> directory,
      ActorRef<KeysActor.Command> keys,
      ActorRef<SharesActor.Command> shares,
      ActorRef<Links.Command> links,
      ActorRef<CircuitsActor.Command> circuits,
      ActorRef<EchoActor.Command> echo,
      ActorRef<DhtActor.Command> dht,
      ActorRef<RecordLookupsActor.Command> lookups,
      ActorRef<DownloadsActor.Command> downloads) {}

  private final AtomicReference<Handles> handles = new AtomicReference<>();

  public Optional<Handles> handles() {
    return Optional.ofNullable(handles.get());
  }

  void set(Handles h) {
    handles.set(h);
  }

  public static NodeRuntime get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** The extension id. */
  public static final class Id extends ExtensionId<NodeRuntime> {
    static final Id INSTANCE = new Id();

    private Id() {}

    @Override
    public NodeRuntime createExtension(ActorSystem<?> system) {
      return new NodeRuntime();
    }
  }
}
