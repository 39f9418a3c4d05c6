package io.shroud.link;

import io.shroud.dht.NodeId;
import io.shroud.wire.Cell;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who owns each circuit a node knows, by link (the neighbour) and circuit id, for the link
 * readers: a read's RELAY cells of a known circuit go straight to their owner (the circuit's
 * {@code CircuitActor} at the origin, its {@code RelayActor} at a relay) instead of through the
 * node's RELAY handler ({@code CircuitsActor}), one actor hand-off per read fewer on every node
 * of a path. The {@code CircuitsActor} keeps this table in step with its own; every other cell
 * (CREATE, CREATED, DESTROY, and RELAY cells of circuits not in the table) still goes to the
 * handlers registered with {@link Links.RouteCells}.
 *
 * <p>Order: a reader hands a read's cells to owners before it hands the rest to the handlers,
 * so a RELAY cell read before a DESTROY reaches the owner before the DESTROY does (which comes
 * through the {@code CircuitsActor}). A reader that opens a DESTROY removes the circuit from
 * the table at once, so RELAY cells behind the DESTROY go to the handler after it, which no
 * longer knows the circuit and drops them, as it always did. Tests that run links in memory
 * use {@link #none()}.
 */
public final class CircuitOwners {
  /** Where the cells of one circuit go: its actor, told in the order the cells arrived. */
  public interface Owner {
    void deliver(NodeId from, List<Cell> cells);
  }

  private record Key(NodeId peer, int circuitId) {}

  private static final CircuitOwners NONE = new CircuitOwners();

  private final Map<Key, Owner> owners = new ConcurrentHashMap<>();

  private CircuitOwners() {}

  /** An empty table, for one node's {@code CircuitsActor} to keep and its link readers to read. */
  public static CircuitOwners create() {
    return new CircuitOwners();
  }

  /** A table that never has an owner: every cell goes to the handlers. */
  public static CircuitOwners none() {
    return NONE;
  }

  /** From now on RELAY cells of circuit {@code circuitId} on the link to {@code peer} go to {@code owner}. */
  public void put(NodeId peer, int circuitId, Owner owner) {
    if (this != NONE) {
      owners.put(new Key(peer, circuitId), owner);
    }
  }

  public void remove(NodeId peer, int circuitId) {
    owners.remove(new Key(peer, circuitId));
  }

  /** Circuits in the table. */
  public int size() {
    return owners.size();
  }

  /** The owner of circuit {@code circuitId} on the link to {@code peer}, or null. */
  Owner get(NodeId peer, int circuitId) {
    return this == NONE ? null : owners.get(new Key(peer, circuitId));
  }
}
