package io.shroud.node;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.X25519;
import io.shroud.dht.NodeId;
import io.shroud.swarm.SharesActor;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;

/**
 * The root of a node's actor tree. Creates the journal tables if they are missing, then
 * starts {@link KeysActor} and {@link DirectoryActor} under supervision and publishes their
 * references through {@link NodeRuntime}.
 */
public final class NodeGuardian {

  public sealed interface Command {}

  private record SchemaReady(Throwable failure) implements Command {}

  /** Everything the node was started with. */
  public record Setup(ShroudSettings settings, Ed25519.KeyPair identity, X25519.KeyPair linkKey,
      NodeKeyStore keyStore, Clock clock) {}

  private NodeGuardian() {}

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(ctx -> {
      ctx.pipeToSelf(SchemaUtils.createIfNotExists(ctx.getSystem()),
          (Done done, Throwable failure) -> new SchemaReady(failure));
      return Behaviors.receive(Command.class)
          .onMessage(SchemaReady.class, msg -> onSchemaReady(ctx, setup, msg))
          .build();
    });
  }

  private static Behavior<Command> onSchemaReady(ActorContext<Command> ctx, Setup setup, SchemaReady msg) {
    if (msg.failure() != null) {
      ctx.getLog().error("the journal database is not usable ({}): {}",
          setup.settings().journal(), msg.failure().getMessage());
      ctx.getSystem().terminate();
      return Behaviors.stopped();
    }
    NodeId nodeId = NodeId.ofIdentityKey(setup.identity().publicKey());
    ActorRef<KeysActor.Command> keys = ctx.spawn(
        KeysActor.create(nodeId, setup.keyStore(), setup.settings().onionRotationPeriod(), setup.clock()),
        "keys");
    ActorRef<DirectoryActor.Command> directory = ctx.spawn(
        Behaviors.supervise(DirectoryActor.create(
                new DirectoryActor.Self(setup.identity(), setup.linkKey().publicKey(), setup.settings()), keys, setup.clock()))
            .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
        "directory");
    ActorRef<SharesActor.Command> shares = ctx.spawn(
        SharesActor.create(nodeId, setup.settings().dataDir(), setup.clock()), "shares");
    NodeRuntime.get(ctx.getSystem()).set(new NodeRuntime.Handles(
        nodeId, setup.settings(), setup.clock().instant(), directory, keys, shares));
    ctx.getLog().info("node {} running: cluster {}, data plane {}, journal {}",
        nodeId, setup.settings().clusterAddress(), setup.settings().dataAddress(), setup.settings().journal());
    return Behaviors.empty();
  }
}
