package io.shroud.node;

import static io.shroud.node.Supervision.guardListClass;
import static io.shroud.node.Supervision.restart;
import static io.shroud.node.Supervision.restartWithBackoff;
import static io.shroud.node.Supervision.spawnWatched;
import static io.shroud.node.Supervision.spawnWatchedBlocking;

import io.shroud.circuit.CircuitSettings;
import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.GuardSet;
import io.shroud.crypto.Ed25519;
import io.shroud.crypto.X25519;
import io.shroud.dht.DhtActor;
import io.shroud.dht.DhtSettings;
import io.shroud.identity.NodeId;
import io.shroud.link.LinkSettings;
import io.shroud.link.Links;
import io.shroud.link.LinksActor;
import io.shroud.link.OpenLinks;
import io.shroud.lookup.DhtOverCircuit;
import io.shroud.lookup.DhtServiceActor;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.node.admission.ConsensusActor;
import io.shroud.node.admission.MeasurementActor;
import io.shroud.node.admission.RevocationsActor;
import io.shroud.rendezvous.HiddenSeederSettings;
import io.shroud.store.FragmentServiceActor;
import io.shroud.store.FragmentStoreActor;
import io.shroud.store.FragmentWire;
import io.shroud.store.StoreSettings;
import io.shroud.swarm.fetch.DownloadActor;
import io.shroud.swarm.fetch.DownloadsActor;
import io.shroud.swarm.serve.HiddenSharesActor;
import io.shroud.swarm.serve.SharesActor;
import io.shroud.swarm.serve.TransferServiceActor;
import io.shroud.swarm.transfer.SeedingSettings;
import io.shroud.swarm.transfer.SwarmSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;

/**
 * The root of a node's actor tree. Creates the journal tables if they are missing, then
 * starts the node's actors under supervision (keys, directory, peer links, DHT, circuits and
 * their services, shares, downloads; in a network, the consensus and the client service)
 * and publishes their references through {@link NodeRuntime}. If the data-plane port cannot
 * be bound the node stops: a relay that cannot listen is no relay.
 */
public final class NodeGuardian {

  public sealed interface Command {}

  private record SchemaReady(Throwable failure) implements Command {}

  private record GuardsLoaded(List<GuardSet.Entry> guards) implements Command {}

  private record GuardsChanged(CircuitsActor.GuardsChanged changed) implements Command {}

  /** Everything the node was started with. */
  public record Setup(ShroudSettings settings, Ed25519.KeyPair identity, X25519.KeyPair linkKey,
      NodeKeyStore keyStore, LinkSettings links, CircuitSettings circuits, DhtSettings dht, SwarmSettings swarm,
      SeedingSettings seeding, StoreSettings store, Optional<RevocationsActor.Setup> revocations,
      Optional<ConsensusActor.Setup> consensus, Clock clock) {}

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
    ShroudSettings s = setup.settings();
    NodeId nodeId = NodeId.ofIdentityKey(setup.identity().publicKey());
    ActorRef<KeysActor.Command> keys = spawnWatched(ctx, restartWithBackoff(
        KeysActor.create(nodeId, setup.keyStore(), s.onionRotationPeriod(), setup.clock())), "keys");
    ActorRef<DirectoryActor.Command> directory = spawnWatched(ctx, restartWithBackoff(DirectoryActor.create(
        new DirectoryActor.Self(setup.identity(), setup.linkKey().publicKey(), s), keys, setup.clock())),
        "directory");
    OpenLinks openLinks = OpenLinks.create();
    // not restarted: the links actor owns the data-plane port, and one that cannot bind it (or
    // fails) stops; the watch then stops the node, since a relay that cannot listen is no relay
    ActorRef<Links.Command> links = spawnWatched(ctx, Behaviors.supervise(
        LinksActor.create(nodeId, setup.linkKey(),
            new InetSocketAddress(s.dataAddress().host(), s.dataAddress().port()),
            setup.links(), DirectoryActor.subscriptions(directory), setup.clock(), new SecureRandom(), openLinks))
        .onFailure(SupervisorStrategy.stop()), "links");
    ActorRef<DhtActor.Command> dht = spawnWatched(ctx, restartWithBackoff(DhtActor.create(setup.identity(), links,
        DirectoryActor.subscriptions(directory), setup.dht(), setup.clock(), new SecureRandom())), "dht");
    ActorRef<SharesActor.Command> shares = spawnWatched(ctx, restartWithBackoff(
        SharesActor.create(nodeId, s.dataDir(), setup.clock())), "shares");
    setup.revocations().ifPresent(r -> NodeRuntime.get(ctx.getSystem()).setRevocations(
        spawnWatched(ctx, restartWithBackoff(RevocationsActor.create(r)), "revocations")));
    ctx.ask(guardListClass(), keys, Duration.ofSeconds(30), KeysActor.GetGuards::new,
        (guards, failure) -> new GuardsLoaded(guards == null ? List.of() : guards));
    Started started = new Started(nodeId, keys, directory, links, openLinks, dht, shares);
    return Behaviors.receive(Command.class)
        .onMessage(GuardsLoaded.class, g -> onGuardsLoaded(ctx, setup, started, g))
        .onSignal(Terminated.class, t -> onChildStopped(ctx, t))
        .build();
  }

  private record Started(NodeId nodeId, ActorRef<KeysActor.Command> keys,
      ActorRef<DirectoryActor.Command> directory, ActorRef<Links.Command> links, OpenLinks openLinks,
      ActorRef<DhtActor.Command> dht, ActorRef<SharesActor.Command> shares) {}

  private static Behavior<Command> onGuardsLoaded(ActorContext<Command> ctx, Setup setup, Started st,
      GuardsLoaded g) {
    ActorRef<CircuitsActor.GuardsChanged> guardListener =
        ctx.messageAdapter(CircuitsActor.GuardsChanged.class, GuardsChanged::new);
    // a restarted circuits actor has lost its circuits (their actors stop with it); their users
    // see them end and build new ones
    ActorRef<CircuitsActor.Command> circuits = spawnWatched(ctx, restartWithBackoff(CircuitsActor.create(
        new CircuitsActor.Setup(st.nodeId(), setup.circuits(), st.links(), st.openLinks(),
            Optional.of(KeysActor.subscriptions(st.keys())), Optional.of(DirectoryActor.subscriptions(st.directory())),
            g.guards(), Optional.of(guardListener), setup.clock(), new SecureRandom()))), "circuits");
    circuits.tell(new CircuitsActor.RegisterService(EchoServiceActor.SERVICE,
        spawnWatched(ctx, restart(EchoServiceActor.create()), "echo-service")));
    circuits.tell(new CircuitsActor.RegisterService(DhtOverCircuit.SERVICE,
        spawnWatched(ctx, restart(DhtServiceActor.create(st.dht())), "dht-service")));
    circuits.tell(new CircuitsActor.RegisterService(ProbeServiceActor.SERVICE,
        spawnWatched(ctx, restart(ProbeServiceActor.create()), "probe-service")));
    // a relay stores fragments for others (protocol §12.5, §12.8): opaque, under their hashes
    ActorRef<FragmentStoreActor.Command> fragments = spawnWatchedBlocking(ctx, restartWithBackoff(
        FragmentStoreActor.create(setup.settings().dataDir().resolve("fragments"), setup.store(), setup.clock())),
        "fragment-store");
    NodeRuntime.get(ctx.getSystem()).setFragments(fragments);
    circuits.tell(new CircuitsActor.RegisterService(FragmentWire.SERVICE,
        spawnWatched(ctx, restart(FragmentServiceActor.create(fragments)), "fragment-service")));
    setup.consensus().ifPresent(c -> {
      Optional<ActorRef<MeasurementActor.Command>> measurer = c.authority().map(key -> spawnWatched(ctx, restart(
          MeasurementActor.create(new MeasurementActor.Setup(st.nodeId(), circuits,
              DirectoryActor.subscriptions(st.directory()), c.probeInterval(), setup.clock()))), "measurements"));
      ActorRef<ConsensusActor.Command> consensus = spawnWatched(ctx,
          restartWithBackoff(ConsensusActor.create(c, measurer, setup.clock())), "consensus");
      consensus.tell(new ConsensusActor.Subscribe(circuits.narrow()));
      NodeRuntime.get(ctx.getSystem()).setConsensus(consensus);
      spawnWatched(ctx, restart(ClientServiceActor.create(clientService(ctx, setup, st, consensus))), "client-service");
    });
    ActorRef<EchoActor.Command> echo = spawnWatched(ctx,
        restart(EchoActor.create(circuits, setup.clock(), new SecureRandom())), "echo");
    ActorRef<RecordLookupsActor.Command> lookups = spawnWatched(ctx,
        restart(RecordLookupsActor.create(circuits, setup.clock())), "record-lookups");
    SwarmSettings sw = setup.swarm();
    SeedingSettings seeding = setup.seeding();
    // transfer is no named circuit service: every share is served only through its hidden service's gate
    ActorRef<TransferServiceActor.Command> transfer = spawnWatched(ctx, restart(TransferServiceActor.create(
        Optional.empty(), st.shares(), sw, setup.clock())), "transfer-service");
    NodeRuntime.get(ctx.getSystem()).setHiddenShares(spawnWatched(ctx, restart(HiddenSharesActor.create(
        st.nodeId(), st.shares(), circuits, lookups, transfer,
        HiddenSeederSettings.defaults(seeding.hops()), sw.announceInterval(), setup.clock())),
        "hidden-shares"));
    ActorRef<DownloadsActor.Command> downloads = spawnWatched(ctx, restartWithBackoff(DownloadsActor.create(
        DownloadActor.Setup.node(st.nodeId(), setup.settings().dataDir(), circuits, lookups, sw,
            seeding.afterDownload() ? Optional.of(st.shares()) : Optional.empty(), setup.clock(),
            new SecureRandom()))), "downloads");
    NodeRuntime.get(ctx.getSystem()).set(new NodeRuntime.Handles(
        st.nodeId(), setup.settings(), setup.clock().instant(), st.directory(), st.keys(), st.shares(),
        st.links(), circuits, echo, st.dht(), lookups, downloads));
    ShroudSettings s = setup.settings();
    ctx.getLog().info("node {} running: cluster {}, data plane {}, journal {}",
        st.nodeId(), s.clusterAddress(), s.dataAddress(), s.journal());
    return Behaviors.receive(Command.class)
        .onMessage(GuardsChanged.class, c -> {
          st.keys().tell(new KeysActor.RecordGuards(c.changed().entries()));
          return Behaviors.same();
        })
        .onSignal(Terminated.class, t -> onChildStopped(ctx, t))
        .build();
  }

  /**
   * A relay of a network serves clients (design.md §8.3): its proof goes to the links at every
   * publication of its descriptor, with the certificate file read again; DIR_REQUEST is answered
   * from the consensus and the directory's verified descriptors.
   */
  private static ClientServiceActor.Setup clientService(ActorContext<Command> ctx, Setup setup, Started st,
      ActorRef<ConsensusActor.Command> consensus) {
    Path certificate = AdmissionSettings.from(ctx.getSystem().settings().config()).relayCertificate();
    return new ClientServiceActor.Setup(st.links(), ref -> consensus.tell(new ConsensusActor.Subscribe(ref)),
        ref -> st.directory().tell(new DirectoryActor.SubscribeSigned(ref)), ClientServiceActor.fromFile(certificate),
        setup.clock());
  }

  private static Behavior<Command> onChildStopped(ActorContext<Command> ctx, Terminated stopped) {
    String child = stopped.getRef().path().name();
    if (child.equals("links")) {
      ctx.getLog().error("peer links stopped (the data-plane port could not be bound?); stopping the node");
    } else {
      ctx.getLog().error("the node's {} actor stopped; stopping the node", child);
    }
    ctx.getSystem().terminate();
    return Behaviors.stopped();
  }
}
