package io.shroud.link;

import io.shroud.identity.NodeId;
import io.shroud.wire.Cell;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The node's open links by peer, for senders that need not go through {@code LinksActor}:
 * circuits and relays hand their cells straight to the link's {@code PeerActor}, which seals
 * and queues them, one actor hand-off per batch fewer on every node of a path. {@code
 * LinksActor} publishes a link here when it becomes the one link to its peer (after handing it
 * the cells it held while dialing) and withdraws it when the link stops.
 *
 * <p>For a peer without a published link, cells go through {@code LinksActor} as a {@link
 * Links.SendAll}, which dials when needed. One sender's cells to one peer stay in order across
 * the two paths as long as it takes the direct path only after the peer answered something sent
 * on the other. Circuits work that way: a circuit's first cell, CREATE, may wait in {@code
 * LinksActor} for a dial, and its next ones follow CREATED. Tests that run links in memory use
 * {@link #none()}: everything goes through their {@link Links} actor.
 */
public final class OpenLinks {
  private static final OpenLinks NONE = new OpenLinks();

  private final Map<NodeId, ActorRef<PeerActor.Command>> open = new ConcurrentHashMap<>();

  private OpenLinks() {}

  /** An empty table, for one node's {@code LinksActor} to fill. */
  public static OpenLinks create() {
    return new OpenLinks();
  }

  /** A table that never has a link: every send goes through the {@link Links} actor. */
  public static OpenLinks none() {
    return NONE;
  }

  /**
   * Sends {@code cells} to {@code to}, in order, as one write: to the open link's actor, or,
   * when there is none, through {@code links}. The list may be reused once this returns.
   */
  public void send(NodeId to, List<Cell> cells, ActorRef<Links.Command> links) {
    if (cells.isEmpty()) {
      return;
    }
    ActorRef<PeerActor.Command> link = open.get(to);
    if (link != null) {
      link.tell(new PeerActor.SendCells(List.copyOf(cells)));
    } else {
      links.tell(new Links.SendAll(to, cells));
    }
  }

  /** Sends one cell; see {@link #send(NodeId, List, ActorRef)}. */
  public void send(NodeId to, Cell cell, ActorRef<Links.Command> links) {
    send(to, List.of(cell), links);
  }

  void publish(NodeId peer, ActorRef<PeerActor.Command> link) {
    if (this != NONE) {
      open.put(peer, link);
    }
  }

  void withdraw(NodeId peer, ActorRef<PeerActor.Command> link) {
    open.remove(peer, link);
  }

  /** Whether a link to {@code peer} is published (for tests). */
  boolean hasOpenLink(NodeId peer) {
    return open.containsKey(peer);
  }
}
