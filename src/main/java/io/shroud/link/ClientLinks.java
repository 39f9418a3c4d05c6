package io.shroud.link;

import io.shroud.identity.NodeId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A relay's open client links (docs/protocol.md §4.10.3), by a local label: a random 32-byte id
 * made when the link opens, which names the link to the node's own handlers and nothing else (a
 * client has no node id; the label is never published, dialled or shown). Bounded by
 * {@link ClientLinkBudget}. Plain and single-threaded: {@code LinksActor}'s.
 *
 * @param <L> what a link is to its owner (the link's actor)
 */
final class ClientLinks<L> {
  private final ClientLinkBudget budget;
  private final RandomGenerator random;
  private final Map<NodeId, L> byLabel = new HashMap<>();
  private final Map<L, NodeId> byLink = new HashMap<>();

  ClientLinks(ClientLinkBudget.Limits limits, RandomGenerator random) {
    this.budget = new ClientLinkBudget(limits);
    this.random = random;
  }

  /** Opens {@code link} as a client link: its label, or empty when client links are at their limit. */
  Optional<NodeId> open(L link) {
    if (byLink.containsKey(link) || !budget.tryOpen()) {
      return Optional.empty();
    }
    NodeId label;
    do {
      byte[] b = new byte[NodeId.BYTES];
      random.nextBytes(b);
      label = NodeId.of(b);
    } while (byLabel.containsKey(label));
    byLabel.put(label, link);
    byLink.put(link, label);
    return Optional.of(label);
  }

  /** The client link labelled {@code label}, or null. */
  L get(NodeId label) {
    return byLabel.get(label);
  }

  /** Forgets {@code link}; its label when it was an open client link, else null. */
  NodeId close(L link) {
    NodeId label = byLink.remove(link);
    if (label == null) {
      return null;
    }
    byLabel.remove(label);
    budget.closed();
    return label;
  }

  List<L> links() {
    return new ArrayList<>(byLink.keySet());
  }

  int size() {
    return byLink.size();
  }
}
