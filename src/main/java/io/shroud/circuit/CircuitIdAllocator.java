package io.shroud.circuit;

import io.shroud.identity.NodeId;
import java.util.Objects;
import java.util.function.IntPredicate;
import java.util.random.RandomGenerator;

/**
 * Allocates link circuit ids (u32, non-zero) so the two ends of a link never pick the same id:
 * the end whose node id is numerically smaller uses ids with the top bit set, the other end ids
 * with it clear. A CREATE from a peer must carry an id from the peer's half. Pure.
 */
public final class CircuitIdAllocator {
  public static final int HIGH_BIT = 0x8000_0000;
  private static final int ATTEMPTS = 64;

  private final NodeId self;
  private final RandomGenerator random;
  /** A client allocates from the top half on every link (docs/protocol.md §4.10.3). */
  private final boolean client;

  public CircuitIdAllocator(NodeId self, RandomGenerator random) {
    this(self, random, false);
  }

  private CircuitIdAllocator(NodeId self, RandomGenerator random, boolean client) {
    this.self = Objects.requireNonNull(self, "self");
    this.random = Objects.requireNonNull(random, "random");
    this.client = client;
  }

  /**
   * The ids of a client: it has no node id on its links, so it always allocates ids with the top
   * bit set, and the relay at the other end none (it never sends a client a CREATE).
   */
  public static CircuitIdAllocator forClient(NodeId self, RandomGenerator random) {
    return new CircuitIdAllocator(self, random, true);
  }

  /** True when this node allocates top-bit-set ids on its link to {@code peer}. */
  public boolean usesHighHalf(NodeId peer) {
    return client || self.compareTo(peer) < 0;
  }

  /** A fresh id from this node's half for the link to {@code peer}, not accepted by {@code inUse}. */
  public int allocate(NodeId peer, IntPredicate inUse) {
    boolean high = usesHighHalf(peer);
    for (int i = 0; i < ATTEMPTS; i++) {
      int id = high ? random.nextInt() | HIGH_BIT : random.nextInt() & ~HIGH_BIT;
      if (id != 0 && !inUse.test(id)) {
        return id;
      }
    }
    throw new IllegalStateException("no free circuit id on the link to " + peer.shortHex());
  }

  /** True when {@code id} belongs to the half {@code peer} allocates from. */
  public boolean isPeersId(NodeId peer, int id) {
    return id != 0 && ((id & HIGH_BIT) != 0) == !usesHighHalf(peer);
  }
}
