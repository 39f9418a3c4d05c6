package io.shroud.lookup;

import io.shroud.circuit.CircuitActor;
import io.shroud.circuit.CircuitProtocolException;
import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.Streams;
import io.shroud.dht.RecordRejection;
import io.shroud.dht.RecordVerifier;
import io.shroud.dht.SignedRecord;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Short-lived, origin side of a DHT publication through a circuit (protocol §6.13 kind 2,
 * §11.3): checks the record as a DHT node would (§5.4), builds a circuit to a random
 * destination, hands the signed record to its {@code dht} service, which stores it at the k
 * closest nodes, and replies {@link RecordPublication} with the counts. The publication never
 * leaves this node directly, and the record is never re-signed: its publisher key is the
 * caller's (a seeder's throwaway key), not this node's.
 */
public final class DhtStoreClientActor {
  private DhtStoreClientActor() {}

  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  private enum Timeout { INSTANCE }

  public static Behavior<Object> create(ActorRef<CircuitsActor.Command> circuits, RecordLookupsActor.StoreRecord request,
      Clock clock) {
    return Behaviors.setup(ctx -> {
      ActorRef<RecordPublication> replyTo = request.replyTo();
      SignedRecord record = request.record();
      Optional<RecordRejection> refusal = record.valueLength() > SignedRecord.MAX_VALUE_BYTES
          ? Optional.of(RecordRejection.VALUE_TOO_LARGE) : new RecordVerifier(clock).check(record);
      if (refusal.isPresent()) {
        replyTo.tell(new RecordPublication(0, 0, List.of(), "record refused before sending: " + refusal.get()));
        return Behaviors.stopped();
      }
      return Behaviors.withTimers(timers -> {
        timers.startSingleTimer(Timeout.INSTANCE, TIMEOUT);
        circuits.tell(new CircuitsActor.BuildCircuit(Optional.empty(), request.hops(),
            ctx.messageAdapter(CircuitsActor.BuildResult.class, r -> r)));
        List<String>[] path = new List[] {List.of()};
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ActorRef<?>[] stream = {null};
        return Behaviors.receiveMessage(message -> {
          String error = null;
          if (message == Timeout.INSTANCE) {
            error = "publication through the circuit timed out";
          } else if (message instanceof CircuitsActor.Failed failed) {
            error = "no circuit: " + failed.reason();
          } else if (message instanceof CircuitsActor.Built built) {
            path[0] = built.path();
            built.circuit().tell(new CircuitActor.OpenStream(DhtOverCircuit.SERVICE,
                ctx.messageAdapter(Streams.StreamEvent.class, e -> e)));
          } else if (message instanceof Streams.StreamOpened opened) {
            stream[0] = opened.stream();
            streamOf(stream).tell(new Streams.Write(DhtOverCircuit.storeRequest(record)));
          } else if (message instanceof Streams.StreamData data) {
            received.writeBytes(data.data());
            streamOf(stream).tell(new Streams.Consumed(data.chunks()));
            try {
              Optional<DhtOverCircuit.Stored> stored = DhtOverCircuit.parseStoreResponse(received.toByteArray());
              if (stored.isEmpty()) {
                return Behaviors.same();
              }
              DhtOverCircuit.Stored counts = stored.get();
              replyTo.tell(new RecordPublication(counts.stored(), counts.attempted(), path[0],
                  counts.refused() ? "the last hop refused the record" : null));
            } catch (CircuitProtocolException e) {
              replyTo.tell(new RecordPublication(0, 0, path[0], e.getMessage()));
            }
            streamOf(stream).tell(Streams.EndStream.INSTANCE);
            return Behaviors.stopped();
          } else if (message instanceof Streams.StreamRefused refused) {
            error = refused.reason();
          } else if (message instanceof Streams.StreamEnded ended) {
            error = "the last hop ended the stream: " + ended.reason();
          }
          if (error == null) {
            return Behaviors.same();
          }
          replyTo.tell(new RecordPublication(0, 0, path[0], error));
          if (stream[0] != null) {
            streamOf(stream).tell(Streams.EndStream.INSTANCE);
          }
          return Behaviors.stopped();
        });
      });
    });
  }

  @SuppressWarnings("unchecked")
  private static ActorRef<Streams.StreamCommand> streamOf(ActorRef<?>[] holder) {
    return (ActorRef<Streams.StreamCommand>) holder[0];
  }
}
