package io.shroud.link;

import io.shroud.identity.NodeId;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * An in-memory stand-in for {@code LinksActor} in actor tests: one links actor per simulated
 * node, all in one actor system, delivering {@link Links.Send} cells straight to the
 * destination's registered handler. {@link #cut(NodeId, NodeId)} drops a link in both
 * directions (and tells watchers), {@link #crash(NodeId)} makes a node unreachable.
 */
public final class InMemoryLinks {
  private final ActorTestKit testKit;
  private final Map<NodeId, ActorRef<Links.Command>> nodes = new ConcurrentHashMap<>();
  private final Map<NodeId, Map<CellCommand, ActorRef<Links.Inbound>>> routes = new ConcurrentHashMap<>();
  private final Map<NodeId, Map<CellCommand, ActorRef<Links.InboundCells>>> batchRoutes = new ConcurrentHashMap<>();
  private final Map<NodeId, List<ActorRef<Links.LinkEvent>>> watchers = new ConcurrentHashMap<>();
  private final Set<NodeId> crashed = ConcurrentHashMap.newKeySet();
  private final Set<Set<NodeId>> open = ConcurrentHashMap.newKeySet();
  private final Set<Set<NodeId>> cut = ConcurrentHashMap.newKeySet();

  public InMemoryLinks(ActorTestKit testKit) {
    this.testKit = testKit;
  }

  /** The links actor of simulated node {@code self} (created on first use). */
  public ActorRef<Links.Command> linksOf(NodeId self) {
    return nodes.computeIfAbsent(self, id -> {
      routes.put(id, new ConcurrentHashMap<>());
      batchRoutes.put(id, new ConcurrentHashMap<>());
      watchers.put(id, new ArrayList<>());
      return testKit.spawn(behavior(id), "links-" + id.shortHex());
    });
  }

  /** True once {@code node} has registered a handler for {@code command} (tests wait on it). */
  public boolean hasRoute(NodeId node, CellCommand command) {
    Map<CellCommand, ActorRef<Links.Inbound>> r = routes.get(node);
    Map<CellCommand, ActorRef<Links.InboundCells>> b = batchRoutes.get(node);
    return r != null && (r.containsKey(command) || b.containsKey(command));
  }

  /** Drops the link between {@code a} and {@code b}; later sends between them are lost. */
  public void cut(NodeId a, NodeId b) {
    cut.add(Set.of(a, b));
    if (open.remove(Set.of(a, b))) {
      notify(a, new Links.LinkDown(b, "cut by test"));
      notify(b, new Links.LinkDown(a, "cut by test"));
    }
  }

  /** Makes {@code node} unreachable, as if killed: its links go down at every peer. */
  public void crash(NodeId node) {
    crashed.add(node);
    for (Set<NodeId> pair : new HashSet<>(open)) {
      if (pair.contains(node)) {
        open.remove(pair);
        for (NodeId other : pair) {
          if (!other.equals(node)) {
            notify(other, new Links.LinkDown(node, "peer crashed"));
          }
        }
      }
    }
  }

  private void notify(NodeId at, Links.LinkEvent event) {
    watchers.getOrDefault(at, List.of()).forEach(w -> w.tell(event));
  }

  /** Delivers cells like one TCP read would: one batch per batch handler, in order. */
  private Behavior<Links.Command> deliver(NodeId self, NodeId to, List<Cell> cells) {
    if (crashed.contains(self) || crashed.contains(to) || cut.contains(Set.of(self, to))
        || !routes.containsKey(to)) {
      return Behaviors.same();
    }
    if (open.add(Set.of(self, to))) {
      notify(self, new Links.LinkUp(to, true));
      notify(to, new Links.LinkUp(self, false));
    }
    Map<ActorRef<Links.InboundCells>, List<Cell>> batches = new LinkedHashMap<>();
    for (Cell cell : cells) {
      ActorRef<Links.InboundCells> batchHandler = batchRoutes.get(to).get(cell.command());
      if (batchHandler != null) {
        batches.computeIfAbsent(batchHandler, h -> new ArrayList<>()).add(cell);
        continue;
      }
      ActorRef<Links.Inbound> handler = routes.get(to).get(cell.command());
      if (handler != null) {
        handler.tell(new Links.Inbound(self, cell));
      }
    }
    batches.forEach((handler, batch) -> handler.tell(new Links.InboundCells(self, batch)));
    return Behaviors.same();
  }

  private Behavior<Links.Command> behavior(NodeId self) {
    return Behaviors.receive(Links.Command.class)
        .onMessage(Links.Route.class, r -> {
          batchRoutes.get(self).remove(r.command());
          routes.get(self).put(r.command(), r.handler());
          return Behaviors.same();
        })
        .onMessage(Links.RouteCells.class, r -> {
          routes.get(self).remove(r.command());
          batchRoutes.get(self).put(r.command(), r.handler());
          return Behaviors.same();
        })
        .onMessage(Links.WatchLinks.class, w -> {
          watchers.get(self).add(w.listener());
          return Behaviors.same();
        })
        .onMessage(Links.GetPeers.class, g -> {
          g.replyTo().tell(new Links.PeersView(List.of()));
          return Behaviors.same();
        })
        .onMessage(Links.Send.class, s -> deliver(self, s.to(), List.of(s.cell())))
        .onMessage(Links.SendAll.class, s -> deliver(self, s.to(), s.cells()))
        .build();
  }
}
