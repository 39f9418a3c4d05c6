package io.shroud.dht;

import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One iterative lookup, short-lived: drives an {@link IterativeLookup} (α queries in flight,
 * closest-k convergence) by sending its queries as {@link DhtActor.Request}s with the
 * per-query timeout, verifies every record of a VALUES answer with the {@link RecordVerifier}
 * before feeding it in, replies once with the {@link LookupResult} (adapted to the caller's
 * type) and stops. The lookup's outcome and rounds go to the node's {@link NodeMetrics}.
 */
public final class LookupActor extends AbstractBehavior<LookupActor.Command> {

  public sealed interface Command {}

  private record QueryOutcome(DhtActor.Outcome outcome) implements Command {}

  private final IterativeLookup lookup;
  private final ActorRef<DhtActor.Command> dht;
  private final Duration queryTimeout;
  private final RecordVerifier verifier;
  private final Runnable reply;
  private final ActorRef<DhtActor.Outcome> adapter;

  /**
   * @param lookup a fresh lookup, seeded from the routing table
   * @param replyTo gets {@code adapt.apply(result)} when the lookup ends
   */
  public static <T> Behavior<Command> create(IterativeLookup lookup, ActorRef<DhtActor.Command> dht,
      Duration queryTimeout, RecordVerifier verifier, ActorRef<T> replyTo,
      Function<LookupResult, T> adapt) {
    return Behaviors.setup(ctx -> {
      NodeMetrics metrics = Metrics.get(ctx.getSystem());
      return new LookupActor(ctx, lookup, dht, queryTimeout, verifier, () -> {
        LookupResult result = lookup.result();
        metrics.dhtLookup(outcome(result), result.rounds());
        replyTo.tell(adapt.apply(result));
      }).step();
    });
  }

  /** How {@code result} is counted: a value found or not, closest nodes found, or no answer at all. */
  static NodeMetrics.LookupOutcome outcome(LookupResult result) {
    if (result.responses() == 0) {
      return NodeMetrics.LookupOutcome.NO_ANSWER;
    }
    if (result.kind() == IterativeLookup.Kind.FIND_VALUE) {
      return result.valueFound() ? NodeMetrics.LookupOutcome.VALUE_FOUND : NodeMetrics.LookupOutcome.VALUE_NOT_FOUND;
    }
    return NodeMetrics.LookupOutcome.NODES_FOUND;
  }

  private LookupActor(ActorContext<Command> context, IterativeLookup lookup,
      ActorRef<DhtActor.Command> dht, Duration queryTimeout, RecordVerifier verifier,
      Runnable reply) {
    super(context);
    this.lookup = lookup;
    this.dht = dht;
    this.queryTimeout = queryTimeout;
    this.verifier = verifier;
    this.reply = reply;
    this.adapter = context.messageAdapter(DhtActor.Outcome.class, QueryOutcome::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(QueryOutcome.class, this::onQueryOutcome).build();
  }

  private Behavior<Command> onQueryOutcome(QueryOutcome msg) {
    DhtActor.Outcome o = msg.outcome();
    if (o instanceof DhtActor.TimedOut t) {
      lookup.onTimeout(t.to());
    } else if (o instanceof DhtActor.Answered a) {
      if (a.answer() instanceof DhtMessage.Nodes n) {
        lookup.onResponse(a.from(), n.contacts());
      } else if (a.answer() instanceof DhtMessage.Values v) {
        lookup.onValue(a.from(), verified(v.records()), v.contacts());
      } else {
        lookup.onTimeout(a.from());
      }
    }
    return step();
  }

  private List<SignedRecord> verified(List<SignedRecord> records) {
    List<SignedRecord> ok = new ArrayList<>(records.size());
    for (SignedRecord r : records) {
      if (verifier.check(r).isEmpty()) {
        ok.add(r);
      }
    }
    return ok;
  }

  private Behavior<Command> step() {
    DhtMessage query = lookup.kind() == IterativeLookup.Kind.FIND_VALUE
        ? new DhtMessage.FindValue(0, lookup.target())
        : new DhtMessage.FindNode(0, lookup.target());
    for (Contact c : lookup.nextQueries()) {
      dht.tell(new DhtActor.Request(c, query, queryTimeout, adapter));
    }
    if (lookup.isFinished()) {
      reply.run();
      return Behaviors.stopped();
    }
    return this;
  }
}
