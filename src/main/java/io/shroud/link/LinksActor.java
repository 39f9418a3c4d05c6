package io.shroud.link;

import io.shroud.crypto.X25519;
import io.shroud.identity.DataAddress;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.metrics.NodeMetrics.LinkRefusal;
import io.shroud.wire.Cell;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The node's peer links over TCP ({@link Links} is its protocol). Listens on the data-plane
 * port (an acceptor thread blocks in {@code accept} and hands each connection here), dials
 * on {@link Links.Send} with the address and link key of the node's verified descriptor, keeps
 * at most one link per node, and spawns one {@link PeerActor} per connection (stopped, never
 * restarted, when its link breaks); each link has a reader and a writer thread of its own
 * ({@link LinkReader}, {@link LinkSocket}). A responder admits a peer only when its Noise static key
 * is the link key of a verified directory member, and learns the peer's node id from it.
 *
 * <p>Who may connect, and how many links the node keeps, is {@link AdmissionPolicy}'s: a
 * handshake budget of its own, caps per address and subnet, slots kept for dialing out. Dials
 * leave from the address the node listens on (when it is a specific one). Peers refused, or cut
 * for a stalled handshake or a protocol violation, are logged at WARN through {@link AbuseLog}:
 * once per address per interval.
 *
 * <p>Duplicate rule, when two links to one node complete: the one dialed by the smaller node id
 * stays; two links dialed by the same side keep the newer. Both ends apply it to the same pair
 * of connections and agree.
 */
public final class LinksActor extends AbstractBehavior<Links.Command> {
  /** The Noise protocol every link runs. */
  public static final String SUITE = "Noise_XK_25519_AESGCM_SHA256";

  /** Most lines {@link AbuseLog} writes per interval, over all addresses. */
  private static final int ABUSE_LINES_PER_INTERVAL = 32;

  /** A new verified directory (from the directory subscription, or injected by tests). */
  public record DirectoryUpdated(DirectoryView view) implements Links.Command {}

  /** Replies with the address the data-plane port is bound to (no reply if binding failed). */
  public record GetLocalAddress(ActorRef<InetSocketAddress> replyTo) implements Links.Command {}

  /** Replies with the layer's counters. */
  public record GetStats(ActorRef<LinkStats> replyTo) implements Links.Command {}

  /** {@code client}: the bootstrap handshake of a client (§4.10.1). */
  record HandshakeDone(ActorRef<PeerActor.Command> peer, byte[] remoteStatic, boolean client)
      implements Links.Command {}

  record LinkClosed(ActorRef<PeerActor.Command> peer, String reason, PeerActor.Fault fault)
      implements Links.Command {}

  private record PeerTerminated(ActorRef<PeerActor.Command> peer) implements Links.Command {}

  record Accepted(SocketChannel connection) implements Links.Command {}

  private record BindFailed(String reason) implements Links.Command {}

  private final NodeId self;
  private final PeerSetup setup;
  private final LinkSettings settings;
  private final Map<ActorRef<PeerActor.Command>, Connection> connections = new HashMap<>();
  private final Map<NodeId, ActorRef<PeerActor.Command>> current = new HashMap<>();
  /** {@link #current} as published for the node's circuits, which send without this actor. */
  private final OpenLinks openLinks;
  /** The node's metrics: bytes of every link, and {@link #current}'s size as the open-links gauge. */
  private final NodeMetrics metrics;
  private final Map<NodeId, ActorRef<PeerActor.Command>> dialing = new HashMap<>();
  private final HeldCells held;
  private Routes routes = Routes.NONE;
  private final List<ActorRef<Links.LinkEvent>> watchers = new ArrayList<>();
  private Map<NodeId, NodeDescriptor> byId = Map.of();
  private Map<String, NodeId> byLinkKey = Map.of();
  private InetSocketAddress boundAddress;
  private final ServerSocketChannel listener;
  private final AdmissionPolicy admission;
  private final AbuseLog abuseLog;
  private final LinkTally tally = new LinkTally();
  private int spawned;
  /** The relay proof client links are offered (null: no client links), and the open ones. */
  private byte[] clientProof;
  private final ClientLinks<ActorRef<PeerActor.Command>> clients;

  /**
   * The links of node {@code self} listening on {@code bindAddress}, with {@code random} for
   * ephemeral keys and ping ids, publishing the open link to each node in {@code openLinks} for
   * the node's circuits.
   */
  public static Behavior<Links.Command> create(NodeId self, X25519.KeyPair linkKey,
      InetSocketAddress bindAddress, LinkSettings settings,
      Consumer<ActorRef<DirectoryView>> directory, Clock clock, SecureRandom random,
      OpenLinks openLinks) {
    InetAddress host = bindAddress.getAddress();
    InetAddress dialFrom = host == null || host.isAnyLocalAddress() ? null : host;
    return Behaviors.setup(ctx -> new LinksActor(ctx, self,
        new PeerSetup(ctx.getSelf(), linkKey, settings, clock, random, dialFrom), bindAddress,
        directory, openLinks));
  }

  private LinksActor(ActorContext<Links.Command> ctx, NodeId self, PeerSetup setup,
      InetSocketAddress bindAddress, Consumer<ActorRef<DirectoryView>> directory, OpenLinks openLinks) {
    super(ctx);
    this.self = self;
    this.openLinks = openLinks;
    this.metrics = Metrics.get(ctx.getSystem());
    this.setup = setup;
    this.settings = setup.settings();
    this.held = new HeldCells(settings.maxQueuedCells());
    this.admission = new AdmissionPolicy(settings);
    this.clients = new ClientLinks<>(ClientLinkBudget.Limits.DEFAULT, setup.random());
    this.abuseLog = new AbuseLog(setup.clock(), settings.abuseLogInterval(), ABUSE_LINES_PER_INTERVAL);
    directory.accept(ctx.messageAdapter(DirectoryView.class, DirectoryUpdated::new));
    ServerSocketChannel bound = null;
    try {
      bound = LinkAcceptor.listen(bindAddress, ctx.getSelf(), ctx.getLog());
      boundAddress = (InetSocketAddress) bound.getLocalAddress();
      ctx.getLog().info("peer links listening on {}", DataAddress.format(boundAddress));
    } catch (IOException e) {
      LinkAcceptor.closeQuietly(bound);
      bound = null;
      ctx.getSelf().tell(new BindFailed(e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
    this.listener = bound;
  }

  @Override
  public Receive<Links.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Links.Send.class, s -> send(s.to(), List.of(s.cell())))
        .onMessage(Links.SendAll.class, s -> send(s.to(), s.cells()))
        .onMessage(Links.Route.class, r -> onRoutes(routes.withPerCell(r.command(), r.handler())))
        .onMessage(Links.RouteCells.class, r -> onRoutes(routes.withBatched(r.command(), r.handler())))
        .onMessage(Links.WatchLinks.class, this::onWatchLinks)
        .onMessage(Links.SendWindow.class, this::onSendWindow)
        .onMessage(Links.CloseLink.class, c -> {
          ActorRef<PeerActor.Command> link = linkTo(c.to());
          if (link != null) {
            link.tell(new PeerActor.Cut(c.reason()));
          }
          return this;
        })
        .onMessage(Links.AcceptClients.class, a -> {
          clientProof = a.relayProof();
          return this;
        })
        .onMessage(Links.GetPeers.class, this::onGetPeers)
        .onMessage(DirectoryUpdated.class, this::onDirectoryUpdated)
        .onMessage(GetLocalAddress.class, this::onGetLocalAddress)
        .onMessage(GetStats.class, this::onGetStats)
        .onMessage(Accepted.class, this::onAccepted)
        .onMessage(HandshakeDone.class, this::onHandshakeDone)
        .onMessage(LinkClosed.class, this::onLinkClosed)
        .onMessage(PeerTerminated.class, this::onPeerTerminated)
        .onMessage(BindFailed.class, this::onBindFailed)
        .onSignal(PostStop.class, s -> onPostStop())
        .onSignal(PreRestart.class, s -> onPostStop())
        .build();
  }

  /** Hands {@code cells} to the open link to {@code to}, or holds them and dials it. */
  private Behavior<Links.Command> send(NodeId to, List<Cell> cells) {
    if (cells.isEmpty()) {
      return this;
    }
    ActorRef<PeerActor.Command> link = current.get(to);
    if (link == null && clients.get(to) != null) {
      clients.get(to).tell(new PeerActor.SendCells(cells)); // a client link: never held, never dialled
      return this;
    }
    if (link != null) {
      link.tell(new PeerActor.SendCells(cells));
    } else {
      hold(to, cells);
    }
    return this;
  }

  /** The open link to a node, or the client link of a label; null if none. */
  private ActorRef<PeerActor.Command> linkTo(NodeId to) {
    ActorRef<PeerActor.Command> link = current.get(to);
    return link != null ? link : clients.get(to);
  }

  private Behavior<Links.Command> onSendWindow(Links.SendWindow w) {
    ActorRef<PeerActor.Command> link = linkTo(w.to());
    if (link == null) {
      w.replyTo().tell(new Links.WindowSent(w.to(), Links.Window.NO_LINK));
    } else {
      link.tell(new PeerActor.SendWindow(w));
    }
    return this;
  }

  /** Keeps cells for a node without an open link (bounded, excess dropped) and dials it. */
  private void hold(NodeId to, List<Cell> cells) {
    tally.droppedCells += held.hold(to, cells);
    if (!dialing.containsKey(to)) {
      dial(to);
    }
  }

  private void dial(NodeId to) {
    NodeDescriptor d = byId.get(to);
    InetSocketAddress address = d == null ? null : DataAddress.parse(d.dataAddress()).map(DataAddress::socketAddress).orElse(null);
    AdmissionPolicy.Ticket ticket = d == null || address == null || to.equals(self) ? null : admission.dial();
    if (ticket == null) {
      dropHeld(to);
      return;
    }
    LinkCounters counters = new LinkCounters(true, d.dataAddress(), metrics, settings.maxInboundCells());
    ActorRef<PeerActor.Command> peer = getContext().spawn(stopOnFailure(
        PeerActor.outbound(to, address, d.linkKey(), setup, counters)),
        "out-" + to.shortHex() + "-" + (++spawned));
    getContext().watchWith(peer, new PeerTerminated(peer));
    connections.put(peer, new Connection(counters, ticket, AdmissionPolicy.ipKey(address.getAddress()), to));
    dialing.put(to, peer);
  }

  /**
   * A peer actor is its link's socket: a restart could not bring the connection back, so one that
   * fails stops, and the watch ({@link PeerTerminated}) forgets it; the next cell for that node
   * dials again.
   */
  private static Behavior<PeerActor.Command> stopOnFailure(Behavior<PeerActor.Command> peer) {
    return Behaviors.supervise(peer).onFailure(SupervisorStrategy.stop());
  }

  /** Admits an accepted connection as a pending handshake, or resets it at once. */
  private Behavior<Links.Command> onAccepted(Accepted a) {
    InetSocketAddress remote = (InetSocketAddress) a.connection().socket().getRemoteSocketAddress();
    if (remote == null || remote.getAddress() == null) {
      LinkAcceptor.closeQuietly(a.connection()); // gone already
      return this;
    }
    AdmissionPolicy.Decision decision = admission.accept(remote.getAddress());
    String logAddress = AdmissionPolicy.ipKey(remote.getAddress());
    if (decision.refusal() != null) {
      metrics.linkRefused(decision.refusal());
      LinkAcceptor.refuse(a.connection());
      if (decision.refusal() != LinkRefusal.LINK_LIMIT) { // a full node is no peer's doing
        logAbuse(logAddress, "connection refused: " + admission.describe(decision.refusal()));
      }
      return this;
    }
    LinkCounters counters = new LinkCounters(false, DataAddress.format(remote), metrics,
        settings.maxInboundCells());
    ActorRef<PeerActor.Command> peer = getContext().spawn(stopOnFailure(
        PeerActor.inbound(a.connection(), setup, counters, clientProof)), "in-" + (++spawned));
    getContext().watchWith(peer, new PeerTerminated(peer));
    connections.put(peer, new Connection(counters, decision.ticket(), logAddress, null));
    return this;
  }

  /** One WARN line about {@code address}, unless the abuse log says it was logged lately. */
  private void logAbuse(String address, String event) {
    AbuseLog.Line line = abuseLog.offer(address, event);
    if (line != null) {
      getContext().getLog().warn("peer {}", line.text());
    }
  }

  private Behavior<Links.Command> onHandshakeDone(HandshakeDone h) {
    Connection entry = connections.get(h.peer());
    if (entry == null) {
      return this;
    }
    admission.handshakeDone(entry.ticket);
    if (!entry.counters.outbound) {
      NodeId node = h.client() ? null : byLinkKey.get(HexFormat.of().formatHex(h.remoteStatic()));
      if (h.client() || (node == null && clientProof != null)) {
        return admitClient(h.peer(), h.client() ? null : HexFormat.of().formatHex(h.remoteStatic()));
      }
      if (node == null || node.equals(self)) {
        admission.refused(LinkRefusal.UNKNOWN_KEY);
        metrics.linkRefused(LinkRefusal.UNKNOWN_KEY);
        h.peer().tell(new PeerActor.Refuse("link key is not a directory member's"));
        return this;
      }
      entry.node = node;
    }
    NodeId node = entry.node;
    if (h.peer().equals(dialing.get(node))) {
      dialing.remove(node);
    }
    ActorRef<PeerActor.Command> existing = current.get(node);
    Connection replaced = existing == null ? null : connections.get(existing);
    if (replaced != null && !DuplicateRule.keepNewer(self, node, replaced.counters.outbound,
        entry.counters.outbound)) {
      tally.duplicatesClosed++;
      h.peer().tell(new PeerActor.Refuse("duplicate link"));
      return this;
    }
    LinkRefusal refusal = admission.open(entry.ticket, replaced == null ? null : replaced.ticket);
    if (refusal != null) {
      metrics.linkRefused(refusal);
      h.peer().tell(new PeerActor.Refuse("inbound links at their limit"));
      return this;
    }
    if (replaced != null) {
      tally.duplicatesClosed++;
      replaced.current = false;
      existing.tell(new PeerActor.Close("replaced by a duplicate link"));
    } else {
      metrics.linkOpened(); // before the watchers hear of it: what they see, a scrape shows
      Links.LinkUp up = new Links.LinkUp(node, entry.counters.outbound);
      watchers.forEach(w -> w.tell(up));
    }
    entry.current = true;
    current.put(node, h.peer());
    h.peer().tell(new PeerActor.Admit(node, routes));
    List<Cell> cells = held.take(node);
    if (!cells.isEmpty()) {
      h.peer().tell(new PeerActor.SendCells(cells));
    }
    // published after the held cells are in the link's mailbox: nothing sent directly overtakes them
    openLinks.publish(node, h.peer());
    return this;
  }

  /**
   * An initiator that is no relay (§4.10.3): a client link under its own budget, labelled for
   * the node's handlers only; no {@code LinkUp}, not in {@link #current} nor {@code openLinks}.
   */
  private Behavior<Links.Command> admitClient(ActorRef<PeerActor.Command> peer, String xkKey) {
    java.util.Optional<NodeId> label = clients.open(peer);
    if (label.isEmpty()) {
      peer.tell(new PeerActor.Refuse("client links at their limit"));
    } else {
      connections.get(peer).clientXkKey = xkKey;
      peer.tell(new PeerActor.Admit(label.get(), routes, true));
    }
    return this;
  }

  /**
   * A relay that dialled this one before this one held its descriptor was taken as a client (its
   * XK key matched no descriptor): its CREATEs (relay-style ids) and DHT cells are refused there.
   * Once the directory names that key, the link is closed, so that the relay dials again and is
   * admitted as what it is (a client's throwaway XK key never matches a descriptor).
   */
  private void closeClientLinksOfRelays() {
    for (ActorRef<PeerActor.Command> link : clients.links()) {
      Connection c = connections.get(link);
      if (c != null && c.clientXkKey != null && byLinkKey.containsKey(c.clientXkKey)) {
        c.clientXkKey = null;
        link.tell(new PeerActor.Close("the initiator is a relay of the directory now: it dials again as one"));
      }
    }
  }

  private Behavior<Links.Command> onLinkClosed(LinkClosed c) {
    Connection entry = connections.get(c.peer());
    if (entry == null) {
      return this;
    }
    entry.closeReason = c.reason();
    switch (c.fault()) {
      case VIOLATION -> tally.violations++;
      case STALLED -> tally.handshakeTimeouts++;
      case NONE -> {
        return this;
      }
    }
    // the reason names the problem, never key material or frame contents (ProtocolViolationException)
    logAbuse(entry.logAddress, (entry.counters.outbound ? "dialed link" : "link") + " cut: " + c.reason());
    return this;
  }

  private Behavior<Links.Command> onPeerTerminated(PeerTerminated t) {
    Connection entry = connections.remove(t.peer());
    if (entry == null) {
      return this;
    }
    admission.closed(entry.ticket);
    tally.closed(entry.counters);
    NodeId label = clients.close(t.peer());
    if (label != null) { // its circuits end as on any link's close
      Links.LinkDown down = new Links.LinkDown(label, entry.closeReason);
      watchers.forEach(w -> w.tell(down));
    }
    if (entry.node == null) {
      return this;
    }
    if (t.peer().equals(dialing.get(entry.node))) {
      dialing.remove(entry.node);
      if (!current.containsKey(entry.node)) {
        dropHeld(entry.node);
        if (!entry.current) {
          // a dial that never became a link: whoever waits on this node (a circuit being
          // extended to it) learns now instead of at its timeout
          Links.LinkDown down = new Links.LinkDown(entry.node, "dial failed: " + entry.closeReason);
          watchers.forEach(w -> w.tell(down));
        }
      }
    }
    if (entry.current && t.peer().equals(current.get(entry.node))) {
      current.remove(entry.node);
      metrics.linksClosed(1);
      openLinks.withdraw(entry.node, t.peer());
      Links.LinkDown down = new Links.LinkDown(entry.node, entry.closeReason);
      watchers.forEach(w -> w.tell(down));
    }
    return this;
  }

  private void dropHeld(NodeId node) {
    tally.droppedCells += held.drop(node);
  }

  private Behavior<Links.Command> onRoutes(Routes updated) {
    routes = updated;
    current.values().forEach(p -> p.tell(new PeerActor.UpdateRoutes(updated)));
    clients.links().forEach(p -> p.tell(new PeerActor.UpdateRoutes(updated)));
    return this;
  }

  private Behavior<Links.Command> onWatchLinks(Links.WatchLinks w) {
    watchers.add(w.listener());
    return this;
  }

  private Behavior<Links.Command> onGetPeers(Links.GetPeers g) {
    List<Links.PeerInfo> peers = new ArrayList<>();
    for (ActorRef<PeerActor.Command> ref : current.values()) {
      peers.add(connections.get(ref).counters.info(setup.clock().instant(), SUITE));
    }
    peers.sort((a, b) -> a.nodeId().compareTo(b.nodeId()));
    g.replyTo().tell(new Links.PeersView(List.copyOf(peers)));
    return this;
  }

  private Behavior<Links.Command> onDirectoryUpdated(DirectoryUpdated u) {
    Map<NodeId, NodeDescriptor> ids = new HashMap<>();
    Map<String, NodeId> keys = new HashMap<>();
    for (NodeDescriptor d : u.view().descriptors()) {
      ids.put(d.nodeId(), d);
      keys.put(d.linkKeyHex(), d.nodeId());
    }
    byId = Map.copyOf(ids);
    byLinkKey = Map.copyOf(keys);
    closeClientLinksOfRelays();
    return this;
  }

  private Behavior<Links.Command> onGetLocalAddress(GetLocalAddress g) {
    if (boundAddress != null) {
      g.replyTo().tell(boundAddress);
    }
    return this;
  }

  private Behavior<Links.Command> onGetStats(GetStats g) {
    g.replyTo().tell(tally.stats(admission,
        connections.values().stream().map(e -> e.counters).toList(), current.size()));
    return this;
  }

  private Behavior<Links.Command> onPostStop() {
    metrics.linksClosed(current.size()); // they stop with this actor
    current.clear();
    LinkAcceptor.closeQuietly(listener);
    return this;
  }

  private Behavior<Links.Command> onBindFailed(BindFailed f) {
    getContext().getLog().error("cannot listen for peer links: {}", f.reason());
    return Behaviors.stopped();
  }
}
