package io.shroud.circuit;

import io.shroud.admission.Consensus;
import io.shroud.crypto.CircuitHandshakeRelay;
import io.shroud.crypto.OnionKeys;
import io.shroud.crypto.ReplayCache;
import io.shroud.dht.PeerRateLimiter;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.link.Links;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The node's circuits: receives every CREATE, CREATED, RELAY and DESTROY cell from the links
 * actor and hands it to the {@link CircuitActor} or {@link RelayActor} that owns the
 * (neighbour, circuit id) pair; allocates circuit ids ({@link CircuitIdAllocator}); answers
 * CREATE (limits, rate, replay cache, handshake) by spawning a relay hop; spawns circuits on
 * {@link BuildCircuit}; routes stream BEGINs to the services registered with
 * {@link RegisterService} (a name nobody registered is refused); its {@link RendezvousActor} is the
 * relay's introduction and rendezvous points. Its messages and {@code Setup} are declared in
 * {@link CircuitsProtocolActor}. Protocol §6.8–§6.11, §11; design.md §8.
 */
public final class CircuitsActor extends CircuitsProtocolActor {
  private record Owner(ActorRef<CircuitActor.Command> circuit, ActorRef<RelayActor.Command> relay) {
    ActorRef<?> ref() {
      return circuit != null ? circuit : relay;
    }
  }

  /** Remote nodes whose CREATE buckets are kept (far above the links a node has open at once). */
  static final int CREATE_RATE_PEERS = 4096;

  private final Setup setup;
  private final CircuitSettings settings;
  private final CircuitIdAllocator ids;
  private final ReplayCache replayCache;
  private final CreateAdmission admission;
  private final NodeMetrics metrics;
  private final GuardSet guardSet;
  private final ActorRef<Streams.ServiceRequest> serviceRouter;
  /** This relay's introduction and rendezvous points (protocol §11.5, §11.7). */
  private final ActorRef<RendezvousActor.Command> points;
  private final LinkCircuits<Owner> owners = new LinkCircuits<>();
  private final List<ActorRef<CircuitActor.Command>> circuits = new ArrayList<>();
  private final RelayHops<ActorRef<RelayActor.Command>> relays;
  private final Map<String, ActorRef<Streams.ServiceRequest>> services = new HashMap<>();
  private CircuitHandshakeRelay handshake;
  private RelayDirectory directory = RelayDirectory.empty();
  private RelayDirectory descriptorDirectory = RelayDirectory.empty();
  private List<NodeDescriptor> descriptors = List.of();
  private Consensus consensus;
  private int spawned;

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Housekeeping.INSTANCE, setup.settings().housekeepingInterval());
      return new CircuitsActor(ctx, setup);
    }));
  }

  private CircuitsActor(ActorContext<Command> ctx, Setup setup) {
    super(ctx);
    this.setup = setup;
    this.settings = setup.settings();
    this.ids = setup.client() ? CircuitIdAllocator.forClient(setup.self(), setup.random())
        : new CircuitIdAllocator(setup.self(), setup.random());
    this.admission = new CreateAdmission(settings, ids, new PeerRateLimiter(setup.clock(), settings.createBurst(),
        settings.createPerSecond(), CREATE_RATE_PEERS));
    this.metrics = Metrics.get(ctx.getSystem());
    ActorRef<Command> self = ctx.getSelf();
    this.relays = new RelayHops<>(new QueuedCells(settings.maxQueuedCells(), () -> self.tell(CheckQueues.INSTANCE)));
    this.replayCache = new ReplayCache(setup.clock(), settings.replayWindow(), settings.replayCacheSize());
    this.guardSet = new GuardSet(setup.clock(), setup.random(), GuardSet.Params.DEFAULT, setup.guards());
    this.serviceRouter = ctx.messageAdapter(Streams.ServiceRequest.class, ServiceRouted::new);
    this.points = ctx.spawn(Behaviors.supervise(RendezvousActor.create(setup.clock()))
        .onFailure(SupervisorStrategy.resume()), "points"); // its registries outlive a bad request
    ActorRef<Links.InboundCells> inbound = ctx.messageAdapter(Links.InboundCells.class, CellsArrived::new);
    for (CellCommand command : List.of(CellCommand.CREATE, CellCommand.CREATED, CellCommand.RELAY, CellCommand.DESTROY)) {
      setup.links().tell(new Links.RouteCells(command, inbound));
    }
    setup.links().tell(new Links.WatchLinks(ctx.messageAdapter(Links.LinkEvent.class, LinkChanged::new)));
    setup.keysActor().ifPresent(keys -> keys.accept(ctx.messageAdapter(OnionKeys.class,
        k -> new UseOnionKeys(k.current(), k.previous()))));
    setup.directoryActor().ifPresent(dir -> dir.accept(ctx.messageAdapter(
        DirectoryView.class, v -> new UseDirectory(v.descriptors()))));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(CellsArrived.class, this::onCells)
        .onMessage(LinkChanged.class, this::onLinkChanged)
        .onMessage(BuildCircuit.class, this::onBuild)
        .onMessage(GetCircuits.class, this::onGetCircuits)
        .onMessage(GetRelays.class, get -> {
          get.replyTo().tell(new Relays(directory.relays()));
          return this;
        })
        .onMessage(RegisterService.class, this::onRegisterService)
        .onMessage(UseOnionKeys.class, this::onKeys)
        .onMessage(UseDirectory.class, this::onDirectory)
        .onMessage(UseConsensus.class, this::onConsensus)
        .onMessage(BuildMeasurementCircuit.class, this::onBuildMeasurement)
        .onMessage(LocalRendezvous.class, this::onLocalRendezvous)
        .onMessage(OpenFirstHop.class, this::onOpenFirstHop)
        .onMessage(OpenNextHop.class, this::onOpenNextHop)
        .onMessage(Release.class, this::onRelease)
        .onMessage(ChildStopped.class, this::onChildStopped)
        .onMessage(ServiceRouted.class, this::onServiceRouted)
        .onMessageEquals(Housekeeping.INSTANCE, this::onHousekeeping)
        .onMessageEquals(CheckQueues.INSTANCE, this::onCheckQueues)
        .build();
  }

  /**
   * Hands each owner its cells of this batch as one message, in arrival order (a relay
   * forwards them as one write); answers CREATEs as they come.
   */
  private Behavior<Command> onCells(CellsArrived arrived) {
    Links.InboundCells in = arrived.inbound();
    Map<Owner, List<Cell>> byOwner = new LinkedHashMap<>();
    for (Cell cell : in.cells()) {
      Owner owner = owners.get(in.from(), cell.circuitId());
      if (cell.command() == CellCommand.CREATE) {
        if (owner == null) {
          onCreate(in.from(), cell, in.client());
        }
      } else if (owner != null) {
        byOwner.computeIfAbsent(owner, o -> new ArrayList<>()).add(cell);
      }
      if (owner != null && cell.command() == CellCommand.DESTROY) {
        owners.remove(in.from(), cell.circuitId()); // the neighbour has forgotten this id
      }
    }
    long now = setup.clock().millis();
    byOwner.forEach((owner, cells) -> {
      if (owner.circuit() != null) {
        owner.circuit().tell(new CircuitActor.CellsIn(cells));
      } else {
        relays.heardFrom(owner.relay(), now);
        owner.relay().tell(new RelayActor.CellsIn(in.from(), cells));
      }
    });
    return this;
  }

  /**
   * Answers a CREATE: DESTROY with the reason {@link CreateAdmission} gives, or CREATED and a new
   * hop. From a {@code client} link, {@code from} is the link's label: the hop's previous
   * neighbour is that label (its cells go back through the links actor, which knows it), and the
   * link's close ({@code LinkDown} of the label) ends it like any link's.
   */
  private void onCreate(NodeId from, Cell cell, boolean client) {
    CreateAdmission.Decision decision = admission.decide(from, cell.circuitId(), cell.payload(), owners.count(from),
        relays.size(), client);
    if (decision instanceof CreateAdmission.Refused refused) {
      getContext().getLog().debug("CREATE from {} refused: {}", from.shortHex(), refused.detail());
      metrics.createRefused(refused.reason());
      send(from, new Cell(cell.circuitId(), CellCommand.DESTROY, new byte[] {(byte) refused.destroy().code()}));
      return;
    }
    CircuitHandshakeRelay.Response response = ((CreateAdmission.Accepted) decision).response();
    long hop = spawned++;
    ActorRef<RelayActor.Command> relay = getContext().spawn(stopOnFailure(RelayActor.create(from, cell.circuitId(),
        client, response.keys(), response.kh(), points, settings, setup.links(), setup.openLinks(),
        getContext().getSelf(), serviceRouter, setup.clock(), relays.gauge(hop))), "relay-" + hop);
    relays.add(hop, relay, setup.clock().millis());
    getContext().watchWith(relay, new ChildStopped(relay));
    metrics.relayCircuits(relays.size());
    owners.put(from, cell.circuitId(), new Owner(null, relay));
    send(from, new Cell(cell.circuitId(), CellCommand.CREATED,
        HandshakeFraming.createdCellPayload(response.created())));
  }

  /** On the open link to {@code to} if there is one, else through the links actor (which dials). */
  private void send(NodeId to, Cell cell) {
    setup.openLinks().send(to, cell, setup.links());
  }

  private Behavior<Command> onOpenFirstHop(OpenFirstHop open) {
    int id = allocate(open.peer(), new Owner(open.owner(), null));
    send(open.peer(), new Cell(id, CellCommand.CREATE, open.createPayload()));
    open.owner().tell(new CircuitActor.FirstHopOpened(open.peer(), id, open.attempt()));
    return this;
  }

  private Behavior<Command> onOpenNextHop(OpenNextHop open) {
    ExtendRequest request = open.request();
    Optional<String> refusal = directory.extendRefusal(request, setup.self(), open.previous());
    if (refusal.isPresent()) {
      open.owner().tell(new RelayActor.ExtendRefused(refusal.get()));
      return this;
    }
    int id = allocate(request.next(), new Owner(null, open.owner()));
    open.owner().tell(new RelayActor.NextHopOpened(request.next(), id));
    send(request.next(), new Cell(id, CellCommand.CREATE, HandshakeFraming.createCellPayload(request.create())));
    return this;
  }

  private int allocate(NodeId peer, Owner owner) {
    int id = ids.allocate(peer, i -> owners.contains(peer, i));
    owners.put(peer, id, owner);
    return id;
  }

  private Behavior<Command> onRelease(Release release) {
    owners.remove(release.peer(), release.circuitId());
    return this;
  }

  private Behavior<Command> onLinkChanged(LinkChanged changed) {
    if (changed.event() instanceof Links.LinkDown down) {
      for (Owner owner : owners.removePeer(down.peer())) {
        if (owner.circuit() != null) {
          owner.circuit().tell(new CircuitActor.LinkLost(down.peer()));
        } else {
          owner.relay().tell(new RelayActor.LinkLost(down.peer()));
        }
      }
    }
    return this;
  }

  private Behavior<Command> onBuild(BuildCircuit build) {
    if (build.hops() < PathSelector.MIN_HOPS || build.hops() > PathSelector.MAX_HOPS) {
      build.replyTo().tell(new Failed("hops must be " + PathSelector.MIN_HOPS + ".." + PathSelector.MAX_HOPS));
      return this;
    }
    List<RelayInfo> others = directory.relays().stream().filter(r -> !r.id().equals(setup.self())).toList();
    GuardSet.Changes changes = guardSet.refresh(others, directory.guardRule());
    if (!changes.isEmpty()) {
      setup.guardListener().ifPresent(l -> l.tell(new GuardsChanged(guardSet.entries())));
    }
    spawnCircuit(new CircuitActor.Plan(directory, guardSet.guards(others, directory.guardRule()),
        build.destination(), build.hops()), build.replyTo());
    return this;
  }

  private Behavior<Command> onBuildMeasurement(BuildMeasurementCircuit build) {
    spawnCircuit(new CircuitActor.Plan(descriptorDirectory, List.of(), Optional.of(build.destination()), 1),
        build.replyTo());
    return this;
  }

  private Behavior<Command> onLocalRendezvous(LocalRendezvous local) {
    ActorRef<Object> actor = getContext().spawn(stopOnFailure(LocalRendezvousActor.create(setup.self(), settings,
        points, setup.clock())), "circuit-" + spawned++);
    ActorRef<CircuitActor.Command> circuit = actor.narrow();
    getContext().watchWith(circuit, new ChildStopped(circuit));
    circuits.add(circuit);
    local.replyTo().tell(new Built(LocalRendezvousActor.ID, List.of(setup.self().toHex()), 0, circuit));
    return this;
  }

  private void spawnCircuit(CircuitActor.Plan plan, ActorRef<BuildResult> replyTo) {
    ActorRef<CircuitActor.Command> circuit = getContext().spawn(stopOnFailure(CircuitActor.create(setup.self(),
        settings, plan, setup.links(), setup.openLinks(), getContext().getSelf(), replyTo, setup.clock(),
        setup.random())), "circuit-" + spawned++);
    getContext().watchWith(circuit, new ChildStopped(circuit));
    circuits.add(circuit);
  }

  private Behavior<Command> onGetCircuits(GetCircuits get) {
    getContext().spawnAnonymous(CircuitsViewActor.create(List.copyOf(circuits), relays.refs(),
        settings.viewTimeout(), get.replyTo()));
    return this;
  }

  private Behavior<Command> onRegisterService(RegisterService register) {
    services.put(register.name(), register.handler());
    return this;
  }

  private Behavior<Command> onServiceRouted(ServiceRouted routed) {
    if (routed.request() instanceof Streams.OpenServiceStream open) {
      ActorRef<Streams.ServiceRequest> handler = services.get(open.service());
      if (handler == null) {
        open.replyTo().tell(new Streams.Reject("service " + open.service() + " is not bound here"));
      } else {
        handler.tell(open);
      }
    }
    return this;
  }

  private Behavior<Command> onKeys(UseOnionKeys keys) {
    if (handshake == null) {
      handshake = new CircuitHandshakeRelay(setup.self().toBytes(), keys.current(), keys.previous().orElse(null), setup.clock(),
          setup.random(), replayCache);
      admission.useHandshake(handshake);
    } else {
      handshake.useKeys(keys.current(), keys.previous().orElse(null));
    }
    return this;
  }

  private Behavior<Command> onDirectory(UseDirectory use) {
    descriptors = use.descriptors();
    descriptorDirectory = RelayDirectory.of(descriptors);
    directory = consensus == null ? descriptorDirectory : RelayDirectory.of(consensus, descriptors);
    return this;
  }

  private Behavior<Command> onConsensus(UseConsensus use) {
    consensus = use.consensus();
    directory = RelayDirectory.of(consensus, descriptors);
    return this;
  }

  /** Destroys the relayed hops that received no cell for {@code relay-idle-timeout}; checks the queue bound. */
  private Behavior<Command> onHousekeeping() {
    for (ActorRef<RelayActor.Command> idle : relays.closeIdle(setup.clock().millis(), settings.relayIdleTimeout())) {
      metrics.relayCircuitClosed(NodeMetrics.RelayClosure.IDLE);
      idle.tell(new RelayActor.Close(DestroyReason.IDLE));
    }
    metrics.relayQueuedCells(relays.queuedCells());
    return relays.queuedCells() > relays.queueLimit() ? onCheckQueues() : this;
  }

  /**
   * Over the bound on cells queued on relayed hops: destroys the hops holding the oldest cells
   * ({@link QueuePressure}) with DESTROY RESOURCE_LIMIT, as Tor's out-of-memory handler does.
   */
  private Behavior<Command> onCheckQueues() {
    long before = relays.queuedCells();
    List<ActorRef<RelayActor.Command>> victims = relays.closeOverQueueBound();
    for (ActorRef<RelayActor.Command> victim : victims) {
      metrics.relayCircuitClosed(NodeMetrics.RelayClosure.OUT_OF_MEMORY);
      victim.tell(new RelayActor.Close(DestroyReason.RESOURCE_LIMIT));
    }
    if (!victims.isEmpty()) {
      getContext().getLog().warn("{} cells queued on relayed circuits, over the bound of {}: destroyed the {} "
          + "circuits holding the oldest", before, relays.queueLimit(), victims.size());
    }
    return this;
  }

  private Behavior<Command> onChildStopped(ChildStopped stopped) {
    owners.removeIf(owner -> owner.ref().equals(stopped.child()));
    circuits.remove(stopped.child());
    if (relays.remove(stopped.child())) {
      metrics.relayCircuits(relays.size());
    }
    return this;
  }

  /**
   * A circuit or relay hop that fails stops (its keys and counters cannot be trusted after a
   * throw, and a restart would not bring its peers' state back): the failure costs that circuit
   * only. The watch ({@link ChildStopped}) forgets it.
   */
  private static <T> Behavior<T> stopOnFailure(Behavior<T> circuit) {
    return Behaviors.supervise(circuit).onFailure(SupervisorStrategy.stop());
  }
}
