package io.shroud.link;

import io.shroud.admission.NetworkDefinition;
import io.shroud.crypto.X25519;
import io.shroud.identity.DataAddress;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.wire.Cell;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A client's peer links (docs/protocol.md §4.10): the {@link Links} protocol with no listening
 * port. It dials only: a bootstrap relay by address ({@link Bootstrap}, the XX handshake whose
 * relay proof is checked before message 3), and any relay of the verified directory by its
 * descriptor (XK, as relays dial each other). Every link gets a static key made for it and
 * forgotten with it (§4.10.7), so a relay cannot tie two links of one client together by key and
 * takes each as a client link; the node's own identity never leaves this process. At most one
 * link per relay; there is no duplicate rule to apply, since relays never dial a client.
 */
public final class ClientLinksActor extends AbstractBehavior<Links.Command> {

  /**
   * Opens a link to the relay at {@code address} with the bootstrap handshake, checking its proof
   * against {@code network} (no revocation list: a client holds none before its first directory).
   * Replies once the link is up or failed.
   */
  public record Bootstrap(InetSocketAddress address, ActorRef<BootstrapResult> replyTo) implements Links.Command {}

  public sealed interface BootstrapResult {}

  /** The link is up, to the relay {@code relay} (its proof checked): {@link Links.Send} reaches it. */
  public record BootstrapOpened(NodeId relay, InetSocketAddress address) implements BootstrapResult {}

  public record BootstrapFailed(InetSocketAddress address, String reason) implements BootstrapResult {}

  private record PeerTerminated(ActorRef<PeerActor.Command> peer) implements Links.Command {}

  /** One connection: its counters, the relay it reaches (learned after a bootstrap), how it ended. */
  private static final class Dial {
    final LinkCounters counters;
    final ClientBootstrap bootstrap;
    final ActorRef<BootstrapResult> replyTo;
    final InetSocketAddress address;
    NodeId node;
    boolean current;
    String closeReason = "closed";

    Dial(LinkCounters counters, NodeId node, ClientBootstrap bootstrap, ActorRef<BootstrapResult> replyTo,
        InetSocketAddress address) {
      this.counters = counters;
      this.node = node;
      this.bootstrap = bootstrap;
      this.replyTo = replyTo;
      this.address = address;
    }
  }

  private final NetworkDefinition network;
  private final LinkSettings settings;
  private final Clock clock;
  private final SecureRandom random;
  private final OpenLinks openLinks;
  private final NodeMetrics metrics;
  private final Map<ActorRef<PeerActor.Command>, Dial> connections = new HashMap<>();
  private final Map<NodeId, ActorRef<PeerActor.Command>> current = new HashMap<>();
  private final Map<NodeId, ActorRef<PeerActor.Command>> dialing = new HashMap<>();
  private final HeldCells held;
  private final LinkTally tally = new LinkTally();
  private final List<ActorRef<Links.LinkEvent>> watchers = new ArrayList<>();
  private Routes routes = Routes.NONE;
  private Map<NodeId, NodeDescriptor> byId = Map.of();
  private int spawned;

  /**
   * The links of a client of {@code network}, learning relays' descriptors from {@code directory}
   * (its verified directory), publishing each open link in {@code openLinks} for its circuits.
   */
  public static Behavior<Links.Command> create(NetworkDefinition network, LinkSettings settings,
      Consumer<ActorRef<DirectoryView>> directory, Clock clock, SecureRandom random, OpenLinks openLinks) {
    return Behaviors.setup(ctx -> new ClientLinksActor(ctx, network, settings, directory, clock, random, openLinks));
  }

  private ClientLinksActor(ActorContext<Links.Command> ctx, NetworkDefinition network, LinkSettings settings,
      Consumer<ActorRef<DirectoryView>> directory, Clock clock, SecureRandom random, OpenLinks openLinks) {
    super(ctx);
    this.network = network;
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.openLinks = openLinks;
    this.metrics = Metrics.get(ctx.getSystem());
    this.held = new HeldCells(settings.maxQueuedCells());
    directory.accept(ctx.messageAdapter(DirectoryView.class, LinksActor.DirectoryUpdated::new));
  }

  @Override
  public Receive<Links.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Links.Send.class, s -> send(s.to(), List.of(s.cell())))
        .onMessage(Links.SendAll.class, s -> send(s.to(), s.cells()))
        .onMessage(Links.Route.class, r -> onRoutes(routes.withPerCell(r.command(), r.handler())))
        .onMessage(Links.RouteCells.class, r -> onRoutes(routes.withBatched(r.command(), r.handler())))
        .onMessage(Links.WatchLinks.class, w -> {
          watchers.add(w.listener());
          return this;
        })
        .onMessage(Links.AcceptClients.class, a -> this) // a client takes no links
        .onMessage(Links.GetPeers.class, this::onGetPeers)
        .onMessage(Bootstrap.class, this::onBootstrap)
        .onMessage(LinksActor.DirectoryUpdated.class, this::onDirectoryUpdated)
        .onMessage(LinksActor.GetStats.class, g -> {
          g.replyTo().tell(tally.stats(new AdmissionPolicy(settings),
              connections.values().stream().map(d -> d.counters).toList(), current.size()));
          return this;
        })
        .onMessage(LinksActor.HandshakeDone.class, this::onHandshakeDone)
        .onMessage(LinksActor.LinkClosed.class, this::onLinkClosed)
        .onMessage(PeerTerminated.class, this::onPeerTerminated)
        .onSignal(PostStop.class, s -> {
          metrics.linksClosed(current.size());
          return this;
        })
        .build();
  }

  private Behavior<Links.Command> send(NodeId to, List<Cell> cells) {
    if (cells.isEmpty()) {
      return this;
    }
    ActorRef<PeerActor.Command> link = current.get(to);
    if (link != null) {
      link.tell(new PeerActor.SendCells(cells));
      return this;
    }
    tally.droppedCells += held.hold(to, cells);
    if (!dialing.containsKey(to)) {
      dial(to);
    }
    return this;
  }

  /** Dials {@code to} by its verified descriptor (XK) with a static key made for this link alone. */
  private void dial(NodeId to) {
    NodeDescriptor d = byId.get(to);
    InetSocketAddress address = d == null ? null
        : DataAddress.parse(d.dataAddress()).map(DataAddress::socketAddress).orElse(null);
    if (address == null) {
      tally.droppedCells += held.drop(to);
      Links.LinkDown down = new Links.LinkDown(to, "dial failed: no verified descriptor with an address");
      watchers.forEach(w -> w.tell(down));
      return;
    }
    LinkCounters counters = new LinkCounters(true, d.dataAddress(), metrics, settings.maxInboundCells());
    ActorRef<PeerActor.Command> peer = spawn(PeerActor.outbound(to, address, d.linkKey(), linkSetup(), counters),
        "out-" + to.shortHex());
    connections.put(peer, new Dial(counters, to, null, null, address));
    dialing.put(to, peer);
  }

  private Behavior<Links.Command> onBootstrap(Bootstrap b) {
    ClientBootstrap handshake = new ClientBootstrap(network, id -> false, clock, BOOTSTRAP_SKEW, random);
    LinkCounters counters = new LinkCounters(true, DataAddress.format(b.address()), metrics,
        settings.maxInboundCells());
    ActorRef<PeerActor.Command> peer = spawn(PeerActor.bootstrap(b.address(), handshake, linkSetup(), counters),
        "bootstrap");
    connections.put(peer, new Dial(counters, null, handshake, b.replyTo(), b.address()));
    return this;
  }

  /** How far a relay's descriptor may be from this client's clock (protocol §2.1). */
  private static final Duration BOOTSTRAP_SKEW = Duration.ofMinutes(5);

  /** A {@link PeerSetup} with a static key of its own: generated here, forgotten with the link. */
  private PeerSetup linkSetup() {
    return new PeerSetup(getContext().getSelf(), X25519.generate(random), settings, clock, random, null);
  }

  private ActorRef<PeerActor.Command> spawn(Behavior<PeerActor.Command> behavior, String name) {
    ActorRef<PeerActor.Command> peer = getContext().spawn(
        Behaviors.supervise(behavior).onFailure(SupervisorStrategy.stop()), name + "-" + (++spawned));
    getContext().watchWith(peer, new PeerTerminated(peer));
    return peer;
  }

  private Behavior<Links.Command> onHandshakeDone(LinksActor.HandshakeDone h) {
    Dial dial = connections.get(h.peer());
    if (dial == null) {
      return this;
    }
    if (dial.node == null) {
      dial.node = dial.bootstrap.relay().nodeId();
    }
    NodeId node = dial.node;
    if (h.peer().equals(dialing.get(node))) {
      dialing.remove(node);
    }
    if (current.containsKey(node)) { // a bootstrap to a relay already linked: keep the older link
      h.peer().tell(new PeerActor.Refuse("a link to this relay is open already"));
      replyOpened(dial);
      return this;
    }
    dial.current = true;
    current.put(node, h.peer());
    metrics.linkOpened();
    Links.LinkUp up = new Links.LinkUp(node, true);
    watchers.forEach(w -> w.tell(up));
    h.peer().tell(new PeerActor.Admit(node, routes));
    List<Cell> cells = held.take(node);
    if (!cells.isEmpty()) {
      h.peer().tell(new PeerActor.SendCells(cells));
    }
    openLinks.publish(node, h.peer());
    replyOpened(dial);
    return this;
  }

  private static void replyOpened(Dial dial) {
    if (dial.replyTo != null) {
      dial.replyTo.tell(new BootstrapOpened(dial.node, dial.address));
    }
  }

  private Behavior<Links.Command> onLinkClosed(LinksActor.LinkClosed c) {
    Dial dial = connections.get(c.peer());
    if (dial != null) {
      dial.closeReason = c.reason();
      switch (c.fault()) {
        case VIOLATION -> tally.violations++;
        case STALLED -> tally.handshakeTimeouts++;
        case NONE -> { }
      }
      if (c.fault() != PeerActor.Fault.NONE) {
        getContext().getLog().warn("link to relay {} cut: {}", dial.counters.remoteAddress, c.reason());
      }
    }
    return this;
  }

  private Behavior<Links.Command> onPeerTerminated(PeerTerminated t) {
    Dial dial = connections.remove(t.peer());
    if (dial == null) {
      return this;
    }
    tally.closed(dial.counters);
    // a bootstrap that never became a link (a duplicate that lost to an open link was answered already)
    if (dial.replyTo != null && !dial.current && (dial.node == null || !current.containsKey(dial.node))) {
      dial.replyTo.tell(new BootstrapFailed(dial.address, dial.closeReason));
    }
    if (dial.node == null) {
      return this;
    }
    if (t.peer().equals(dialing.get(dial.node))) {
      dialing.remove(dial.node);
      if (!current.containsKey(dial.node)) {
        tally.droppedCells += held.drop(dial.node);
        Links.LinkDown down = new Links.LinkDown(dial.node, "dial failed: " + dial.closeReason);
        watchers.forEach(w -> w.tell(down));
      }
    }
    if (dial.current && t.peer().equals(current.get(dial.node))) {
      current.remove(dial.node);
      metrics.linksClosed(1);
      openLinks.withdraw(dial.node, t.peer());
      Links.LinkDown down = new Links.LinkDown(dial.node, dial.closeReason);
      watchers.forEach(w -> w.tell(down));
    }
    return this;
  }

  private Behavior<Links.Command> onRoutes(Routes updated) {
    routes = updated;
    current.values().forEach(p -> p.tell(new PeerActor.UpdateRoutes(updated)));
    return this;
  }

  private Behavior<Links.Command> onGetPeers(Links.GetPeers g) {
    List<Links.PeerInfo> peers = new ArrayList<>();
    for (ActorRef<PeerActor.Command> ref : current.values()) {
      peers.add(connections.get(ref).counters.info(clock.instant(), LinksActor.SUITE));
    }
    peers.sort((a, b) -> a.nodeId().compareTo(b.nodeId()));
    g.replyTo().tell(new Links.PeersView(List.copyOf(peers)));
    return this;
  }

  private Behavior<Links.Command> onDirectoryUpdated(LinksActor.DirectoryUpdated u) {
    Map<NodeId, NodeDescriptor> ids = new HashMap<>();
    for (NodeDescriptor d : u.view().descriptors()) {
      ids.put(d.nodeId(), d);
    }
    byId = Map.copyOf(ids);
    return this;
  }
}
