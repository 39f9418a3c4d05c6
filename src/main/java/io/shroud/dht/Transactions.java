package io.shroud.dht;

import io.shroud.identity.NodeId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The DHT queries this node has sent and not yet seen answered or timed out, by transaction id.
 * An answer completes a query only if it carries the query's transaction id, comes from the node
 * the query went to and has the response type the query expects; anything else is counted as
 * unmatched and dropped (protocol §5.7). Transaction ids are random, so an off-path node cannot
 * guess one. Not thread-safe: its {@link DhtActor} is the only caller.
 *
 * @param <R> where the outcome of a query goes (the actor's reply address)
 */
final class Transactions<R> {
  /** One query in flight. */
  record Pending<R>(Contact to, DhtMessageType expect, R replyTo) {}

  private final Map<Long, Pending<R>> pending = new HashMap<>();
  private final RandomGenerator random;
  private long unmatched;

  Transactions(RandomGenerator random) {
    this.random = random;
  }

  /** Registers a query to {@code to} that {@code expect} answers; returns its fresh transaction id. */
  long open(Contact to, DhtMessageType expect, R replyTo) {
    long txId;
    do {
      txId = random.nextLong();
    } while (pending.containsKey(txId));
    pending.put(txId, new Pending<>(to, expect, replyTo));
    return txId;
  }

  /** The query {@code answer} from {@code from} completes, removed; empty (and counted) if none. */
  Optional<Pending<R>> complete(NodeId from, DhtMessage answer) {
    Pending<R> p = pending.get(answer.txId());
    if (p == null || !p.to().id().equals(from) || p.expect() != answer.type()) {
      unmatched++;
      return Optional.empty();
    }
    pending.remove(answer.txId());
    return Optional.of(p);
  }

  /** The query {@code txId}, removed because its time ran out; empty if it was answered first. */
  Optional<Pending<R>> expire(long txId) {
    return Optional.ofNullable(pending.remove(txId));
  }

  int open() {
    return pending.size();
  }

  long unmatched() {
    return unmatched;
  }
}
