package io.shroud.node;

import io.shroud.node.ShroudSettings.HostPort;
import java.time.Duration;
import java.util.List;

/**
 * How a relay forms or joins the cluster, from its seed list (docs/design.md, "Forming the
 * cluster"). Every relay of a network is given the same ordered list of the network's seed
 * relays. Pekko's seed-node process then never lets a relay other than the first seed start a
 * cluster, and the first seed starts one only after every other seed has answered that it is
 * not a member (Pekko's {@code InitJoinNack}): the timeout after which Pekko's first seed would
 * also start one on its own ({@code pekko.cluster.seed-node-timeout}) is set to
 * {@link #NEVER} for it. A restarted first seed therefore joins the running cluster (some other
 * seed answers {@code InitJoinAck}) or waits; it never forms an island.
 *
 * @param role what this node does
 * @param seeds the seeds in order ({@code [self]} when alone)
 */
public record ClusterForming(Role role, List<HostPort> seeds) {

  /** Stands for "no timeout": the first seed's wait for the other seeds' answers. */
  public static final Duration NEVER = Duration.ofDays(365);

  /** A node's part in forming the cluster. */
  public enum Role {
    /** No seeds, or only itself: a network of one, formed at once at every start. */
    ALONE,
    /** First of several seeds: forms the cluster when every other seed says it is not a member. */
    FIRST_SEED,
    /** Another seed: joins a seed that is a member; never forms a cluster. */
    SEED,
    /** Not a seed: joins a seed that is a member; never forms a cluster. */
    RELAY
  }

  public ClusterForming {
    seeds = List.copyOf(seeds);
  }

  /** The role of the node at {@code self} with the configured {@code seeds} (validated already). */
  public static ClusterForming of(HostPort self, List<HostPort> seeds) {
    if (seeds.isEmpty() || seeds.equals(List.of(self))) {
      return new ClusterForming(Role.ALONE, List.of(self));
    }
    if (seeds.get(0).equals(self)) {
      return new ClusterForming(Role.FIRST_SEED, seeds);
    }
    return new ClusterForming(seeds.contains(self) ? Role.SEED : Role.RELAY, seeds);
  }

  /** One line for the start log: what this node will do, in an operator's words. */
  public String describe() {
    return switch (role) {
      case ALONE -> "cluster: this node is its own only seed and forms a new cluster at every start "
          + "(a network of one); give every relay the same list of several seeds to let it rejoin";
      case FIRST_SEED -> "cluster: first of " + seeds.size() + " seeds " + seeds + "; joins a running cluster, "
          + "or forms one once every other seed has answered that it is not a member (never on a timeout)";
      case SEED, RELAY -> "cluster: " + (role == Role.SEED ? "a seed" : "not a seed") + "; joins a running "
          + "cluster through the seeds " + seeds + " and never forms one itself";
    };
  }
}
