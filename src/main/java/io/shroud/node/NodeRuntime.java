package io.shroud.node;

import io.shroud.circuit.CircuitsActor;
import io.shroud.dht.DhtActor;
import io.shroud.identity.NodeId;
import io.shroud.link.Links;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.swarm.fetch.DownloadsActor;
import io.shroud.swarm.serve.HiddenSharesActor;
import io.shroud.swarm.serve.SharesActor;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import io.shroud.node.admission.ConsensusActor;
import io.shroud.node.admission.RevocationsActor;
import io.shroud.store.FragmentStoreActor;
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
  private final AtomicReference<String> controlToken = new AtomicReference<>();
  private final AtomicReference<ActorRef<RevocationsActor.Command>> revocations = new AtomicReference<>();
  private final AtomicReference<ActorRef<HiddenSharesActor.Command>> hiddenShares = new AtomicReference<>();
  private final AtomicReference<ActorRef<FragmentStoreActor.Command>> fragments = new AtomicReference<>();
  private final AtomicReference<ActorRef<ConsensusActor.Command>> consensus = new AtomicReference<>();
  private final AtomicReference<ActorRef<ClientDirectoryActor.Command>> clientDirectory = new AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicBoolean awaitingDirectory =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** A client's directory; empty on a relay. Its presence is what makes a node a client to the routes. */
  public Optional<ActorRef<ClientDirectoryActor.Command>> clientDirectory() {
    return Optional.ofNullable(clientDirectory.get());
  }

  /** Set by {@link ClientGuardian}. */
  public void setClientDirectory(ActorRef<ClientDirectoryActor.Command> actor) {
    clientDirectory.set(actor);
  }

  /** A client is not ready ({@link NodeStartedCheck}) until it holds a verified directory. */
  void awaitDirectory() {
    awaitingDirectory.set(true);
  }

  /** The client holds a verified directory. */
  void directoryHeld() {
    awaitingDirectory.set(false);
  }

  /** True once the node's actors are up, and for a client once it holds a directory. */
  public boolean ready() {
    return handles.get() != null && !awaitingDirectory.get();
  }

  public Optional<Handles> handles() {
    return Optional.ofNullable(handles.get());
  }

  /** Set by {@link NodeGuardian} once its children are up (and by tests that serve the routes alone). */
  public void set(Handles h) {
    handles.set(h);
  }

  /** The actor holding the network's revocation list; empty on a node that belongs to no network. */
  public Optional<ActorRef<RevocationsActor.Command>> revocations() {
    return Optional.ofNullable(revocations.get());
  }

  /** Set by {@link NodeGuardian} when the node belongs to a network. */
  public void setRevocations(ActorRef<RevocationsActor.Command> actor) {
    revocations.set(actor);
  }

  /** The hidden seeders of this node's shares; empty while hidden seeding is off. */
  public Optional<ActorRef<HiddenSharesActor.Command>> hiddenShares() {
    return Optional.ofNullable(hiddenShares.get());
  }

  /** Set by the guardian that spawned it. */
  public void setHiddenShares(ActorRef<HiddenSharesActor.Command> actor) {
    hiddenShares.set(actor);
  }

  /** The fragments this relay stores for others; empty on a client (it stores none). */
  public Optional<ActorRef<FragmentStoreActor.Command>> fragments() {
    return Optional.ofNullable(fragments.get());
  }

  /** Set by the relay's guardian. */
  public void setFragments(ActorRef<FragmentStoreActor.Command> actor) {
    fragments.set(actor);
  }

  /** The actor holding the network's consensus; empty on a node that belongs to no network. */
  public Optional<ActorRef<ConsensusActor.Command>> consensus() {
    return Optional.ofNullable(consensus.get());
  }

  /** Set by {@link NodeGuardian} when the node belongs to a network. */
  public void setConsensus(ActorRef<ConsensusActor.Command> actor) {
    consensus.set(actor);
  }

  /**
   * The token every {@code /shroud/v1/} request must present ({@link ControlCookie}); empty
   * until {@link NodeMain} installed it, and then the routes refuse everything.
   */
  public Optional<String> controlToken() {
    return Optional.ofNullable(controlToken.get());
  }

  /** Set once at start, before the management endpoint binds. Never logged. */
  public void setControlToken(String token) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("the control token must not be empty");
    }
    controlToken.set(token);
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
