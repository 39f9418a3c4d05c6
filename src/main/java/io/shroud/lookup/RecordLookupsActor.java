package io.shroud.lookup;

import io.shroud.circuit.CircuitsActor;
import io.shroud.dht.SignedRecord;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The node's DHT lookups and publications through circuits: takes {@link LookupRecord} and
 * {@link StoreRecord} and spawns one {@link DhtLookupClientActor} or {@link DhtStoreClientActor}
 * per request, which builds its circuit through the node's {@link CircuitsActor} and asks the
 * {@code dht} service at its last hop. Keeps no state.
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

  /**
   * Publishes {@code record}, already signed by its publisher (any Ed25519 key, e.g. a seeder's
   * throwaway key: {@link io.shroud.dht.SignedRecord#sign}), through a circuit of {@code hops} to
   * a random destination, whose {@code dht} service stores it at the k closest nodes to its key
   * (protocol §6.13 kind 2). Not republished by anyone but the caller: publish again before
   * 3/4 of its lifetime, re-signed with a higher seq.
   */
  public record StoreRecord(SignedRecord record, int hops, ActorRef<RecordPublication> replyTo) implements Command {}

  public static Behavior<Command> create(ActorRef<CircuitsActor.Command> circuits, Clock clock) {
    return Behaviors.receive((ctx, command) -> {
      if (command instanceof LookupRecord request) {
        ctx.spawnAnonymous(DhtLookupClientActor.create(circuits, request, clock));
      } else if (command instanceof StoreRecord request) {
        ctx.spawnAnonymous(DhtStoreClientActor.create(circuits, request, clock));
      }
      return Behaviors.same();
    });
  }
}
