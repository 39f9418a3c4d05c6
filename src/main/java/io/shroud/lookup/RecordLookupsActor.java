package io.shroud.lookup;

import io.shroud.circuit.CircuitsActor;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The node's DHT lookups through circuits: takes {@link LookupRecord} and spawns one
 * {@link DhtLookupClientActor} per request, which builds its circuit through the node's
 * {@link CircuitsActor} and asks the {@code dht} service at its last hop. Keeps no state.
 */
public final class RecordLookupsActor {
  private RecordLookupsActor() {}

  /** What the lookups actor accepts. */
  public sealed interface Command {}

  /**
   * Looks up {@code key} in the DHT through a circuit of {@code hops} to a random destination,
   * whose {@code dht} service runs the lookup; replies with the records that verified.
   */
  public record LookupRecord(byte[] key, int hops, ActorRef<RecordLookup> replyTo) implements Command {}

  public static Behavior<Command> create(ActorRef<CircuitsActor.Command> circuits, Clock clock) {
    return Behaviors.receive((ctx, command) -> {
      if (command instanceof LookupRecord request) {
        ctx.spawnAnonymous(DhtLookupClientActor.create(circuits, request, clock));
      }
      return Behaviors.same();
    });
  }
}
