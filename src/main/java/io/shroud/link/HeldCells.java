package io.shroud.link;

import io.shroud.identity.NodeId;
import io.shroud.wire.Cell;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cells for nodes without an open link, kept while their link is dialed: at most {@code limit}
 * per node, the excess dropped and counted. Plain and single-threaded: {@code LinksActor}'s.
 */
final class HeldCells {
  private final int limit;
  private final Map<NodeId, ArrayDeque<Cell>> held = new HashMap<>();

  HeldCells(int limit) {
    this.limit = limit;
  }

  /** Keeps {@code cells} for {@code to} in order; returns how many did not fit. */
  int hold(NodeId to, List<Cell> cells) {
    ArrayDeque<Cell> queue = held.computeIfAbsent(to, n -> new ArrayDeque<>());
    int dropped = 0;
    for (Cell cell : cells) {
      if (queue.size() >= limit) {
        dropped++;
      } else {
        queue.add(cell);
      }
    }
    return dropped;
  }

  /** The cells held for {@code node}, in order, now no longer held (empty when none). */
  List<Cell> take(NodeId node) {
    ArrayDeque<Cell> cells = held.remove(node);
    return cells == null ? List.of() : List.copyOf(cells);
  }

  /** Forgets the cells held for {@code node}; returns how many there were. */
  int drop(NodeId node) {
    ArrayDeque<Cell> cells = held.remove(node);
    return cells == null ? 0 : cells.size();
  }
}
