package io.shroud.node;

import static io.shroud.node.Supervision.guardListClass;
import static io.shroud.node.Supervision.restart;
import static io.shroud.node.Supervision.restartWithBackoff;
import static io.shroud.node.Supervision.spawnWatched;

import io.shroud.admission.NetworkDefinition;
import io.shroud.circuit.CircuitSettings;
import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.GuardSet;
import io.shroud.identity.NodeId;
import io.shroud.link.ClientLinksActor;
import io.shroud.link.LinkSettings;
import io.shroud.link.Links;
import io.shroud.link.OpenLinks;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.swarm.fetch.DownloadActor;
import io.shroud.swarm.fetch.DownloadsActor;
import io.shroud.rendezvous.HiddenSeederSettings;
import io.shroud.swarm.serve.HiddenSharesActor;
import io.shroud.swarm.serve.SharesActor;
import io.shroud.swarm.serve.TransferServiceActor;
import io.shroud.swarm.transfer.SeedingSettings;
import io.shroud.swarm.transfer.SwarmSettings;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;

/**
 * The root of a client's actor tree (design.md §8.4): keys (its guards), links it dials
 * ({@link ClientLinksActor}), the directory it fetches ({@link ClientDirectoryActor}), circuits
 * whose ids come from the top half, record lookups through circuits, and downloads, which do
 * not seed. No cluster, no DHT node, no services, no listening port: nothing here can be reached
 * from the network. The share catalogue runs for the API's views; sharing is refused (409) until
 * hidden seeding exists.
 */
public final class ClientGuardian {

  public sealed interface Command {}

  private record SchemaReady(Throwable failure) implements Command {}

  private record GuardsLoaded(List<GuardSet.Entry> guards) implements Command {}

  private record GuardsChanged(CircuitsActor.GuardsChanged changed) implements Command {}

  /** Everything the client was started with. */
  public record Setup(ShroudSettings settings, ClientSettings client, NetworkDefinition network, NodeId nodeId,
      NodeKeyStore keyStore, LinkSettings links, CircuitSettings circuits, SwarmSettings swarm,
      SeedingSettings seeding, Clock clock) {}

  private ClientGuardian() {}

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(ctx -> {
      ctx.pipeToSelf(SchemaUtils.createIfNotExists(ctx.getSystem()),
          (Done done, Throwable failure) -> new SchemaReady(failure));
      return Behaviors.receive(Command.class)
          .onMessage(SchemaReady.class, msg -> onSchemaReady(ctx, setup, msg))
          .build();
    });
  }

  private record Started(ActorRef<KeysActor.Command> keys, ActorRef<Links.Command> links, OpenLinks openLinks,
      ActorRef<ClientDirectoryActor.Command> directory, ActorRef<SharesActor.Command> shares) {}

  private static Behavior<Command> onSchemaReady(ActorContext<Command> ctx, Setup setup, SchemaReady msg) {
    if (msg.failure() != null) {
      ctx.getLog().error("the journal database is not usable ({}): {}",
          setup.settings().journal(), msg.failure().getMessage());
      ctx.getSystem().terminate();
      return Behaviors.stopped();
    }
    ShroudSettings s = setup.settings();
    NodeRuntime runtime = NodeRuntime.get(ctx.getSystem());
    runtime.awaitDirectory();
    ActorRef<KeysActor.Command> keys = spawnWatched(ctx, restartWithBackoff(
        KeysActor.create(setup.nodeId(), setup.keyStore(), s.onionRotationPeriod(), setup.clock())), "keys");
    OpenLinks openLinks = OpenLinks.create();
    // the links learn descriptors from the directory, and the directory fetches over the links
    CompletableFuture<ActorRef<ClientDirectoryActor.Command>> directoryRef = new CompletableFuture<>();
    // not restarted: the handlers' routes are registered with it once; if it fails, the client stops
    ActorRef<Links.Command> links = spawnWatched(ctx, Behaviors.supervise(ClientLinksActor.create(setup.network(),
        setup.links(), sub -> directoryRef.thenAccept(d -> d.tell(new ClientDirectoryActor.Subscribe(sub))),
        setup.clock(), new SecureRandom(), openLinks)).onFailure(SupervisorStrategy.stop()), "links");
    ActorRef<ClientDirectoryActor.Command> directory = spawnWatched(ctx, restartWithBackoff(
        ClientDirectoryActor.create(new ClientDirectoryActor.Setup(setup.network(), setup.client().bootstrap(),
            s.dataDir()), links, setup.clock(), new SecureRandom(), runtime::directoryHeld)), "directory");
    directoryRef.complete(directory);
    runtime.setClientDirectory(directory);
    ActorRef<SharesActor.Command> shares = spawnWatched(ctx, restartWithBackoff(
        SharesActor.create(setup.nodeId(), s.dataDir(), setup.clock())), "shares");
    ctx.ask(guardListClass(), keys, Duration.ofSeconds(30), KeysActor.GetGuards::new,
        (guards, failure) -> new GuardsLoaded(guards == null ? List.of() : guards));
    Started started = new Started(keys, links, openLinks, directory, shares);
    return Behaviors.receive(Command.class)
        .onMessage(GuardsLoaded.class, g -> onGuardsLoaded(ctx, setup, started, g))
        .onSignal(Terminated.class, t -> onChildStopped(ctx, t))
        .build();
  }

  private static Behavior<Command> onGuardsLoaded(ActorContext<Command> ctx, Setup setup, Started st,
      GuardsLoaded g) {
    ActorRef<CircuitsActor.GuardsChanged> guardListener =
        ctx.messageAdapter(CircuitsActor.GuardsChanged.class, GuardsChanged::new);
    // no onion keys: a client takes no CREATE (it relays nothing), and its ids are the top half's
    ActorRef<CircuitsActor.Command> circuits = spawnWatched(ctx, restartWithBackoff(CircuitsActor.create(
        new CircuitsActor.Setup(setup.nodeId(), setup.circuits(), st.links(), st.openLinks(), Optional.empty(),
            Optional.of(ClientDirectoryActor.subscriptions(st.directory())), g.guards(), Optional.of(guardListener),
            setup.clock(), new SecureRandom(), true))), "circuits");
    st.directory().tell(new ClientDirectoryActor.SubscribeConsensus(circuits.narrow()));
    ActorRef<EchoActor.Command> echo = spawnWatched(ctx,
        restart(EchoActor.create(circuits, setup.clock(), new SecureRandom())), "echo");
    ActorRef<RecordLookupsActor.Command> lookups = spawnWatched(ctx,
        restart(RecordLookupsActor.create(circuits, setup.clock())), "record-lookups");
    SwarmSettings sw = setup.swarm();
    // a client seeds hidden, as every node does: it opens no port, its intro points are reached instead
    SeedingSettings seeding = setup.seeding();
    ActorRef<TransferServiceActor.Command> transfer = spawnWatched(ctx, restart(TransferServiceActor.create(
        Optional.empty(), st.shares(), sw, setup.clock())), "transfer-service");
    NodeRuntime.get(ctx.getSystem()).setHiddenShares(spawnWatched(ctx, restart(HiddenSharesActor.create(
        null, st.shares(), circuits, lookups, transfer,
        HiddenSeederSettings.defaults(seeding.hops()), sw.announceInterval(), setup.clock())),
        "hidden-shares"));
    ActorRef<DownloadsActor.Command> downloads = spawnWatched(ctx, restartWithBackoff(DownloadsActor.create(
        DownloadActor.Setup.node(setup.nodeId(), setup.settings().dataDir(), circuits, lookups, sw,
            seeding.afterDownload() ? Optional.of(st.shares()) : Optional.empty(),
            setup.clock(), new SecureRandom()))), "downloads");
    NodeRuntime.get(ctx.getSystem()).set(new NodeRuntime.Handles(
        setup.nodeId(), setup.settings(), setup.clock().instant(), null, st.keys(), st.shares(),
        st.links(), circuits, echo, null, lookups, downloads));
    ctx.getLog().info("client running: bootstrap relays {}, journal {}, no listening port",
        setup.client().bootstrap(), setup.settings().journal());
    return Behaviors.receive(Command.class)
        .onMessage(GuardsChanged.class, c -> {
          st.keys().tell(new KeysActor.RecordGuards(c.changed().entries()));
          return Behaviors.same();
        })
        .onSignal(Terminated.class, t -> onChildStopped(ctx, t))
        .build();
  }

  private static Behavior<Command> onChildStopped(ActorContext<Command> ctx, Terminated stopped) {
    ctx.getLog().error("the client's {} actor stopped; stopping the client", stopped.getRef().path().name());
    ctx.getSystem().terminate();
    return Behaviors.stopped();
  }
}
