package io.shroud.lookup;

import io.shroud.circuit.CircuitActor;
import io.shroud.circuit.CircuitProtocolException;
import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.Streams;
import io.shroud.dht.RecordVerifier;
import io.shroud.dht.SignedRecord;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Short-lived, origin side of a DHT lookup through a circuit: builds a circuit to a random
 * destination, asks its {@code dht} service for the key, verifies every record it gets back
 * (signature, expiry, key) and replies {@link RecordLookup}. The lookup never
 * leaves this node directly.
 */
public final class DhtLookupClientActor {
  private DhtLookupClientActor() {}

  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  private enum Timeout { INSTANCE }

  public static Behavior<Object> create(ActorRef<CircuitsActor.Command> circuits, RecordLookupsActor.LookupRecord request,
      Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startSingleTimer(Timeout.INSTANCE, TIMEOUT);
      circuits.tell(new CircuitsActor.BuildCircuit(Optional.empty(), request.hops(),
          ctx.messageAdapter(CircuitsActor.BuildResult.class, r -> r)));
      List<String>[] path = new List[] {List.of()};
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      ActorRef<?>[] stream = {null};
      return Behaviors.receiveMessage(message -> {
        if (message == Timeout.INSTANCE) {
          request.replyTo().tell(new RecordLookup(List.of(), path[0], "lookup through the circuit timed out"));
          return Behaviors.stopped();
        }
        if (message instanceof CircuitsActor.Failed failed) {
          request.replyTo().tell(new RecordLookup(List.of(), List.of(), "no circuit: " + failed.reason()));
          return Behaviors.stopped();
        }
        if (message instanceof CircuitsActor.Built built) {
          path[0] = built.path();
          built.circuit().tell(new CircuitActor.OpenStream(DhtOverCircuit.SERVICE,
              ctx.messageAdapter(Streams.StreamEvent.class, e -> e)));
        } else if (message instanceof Streams.StreamOpened opened) {
          stream[0] = opened.stream();
          streamOf(stream).tell(new Streams.Write(DhtOverCircuit.request(request.key())));
        } else if (message instanceof Streams.StreamData data) {
          received.writeBytes(data.data());
          streamOf(stream).tell(new Streams.Consumed(data.chunks()));
          try {
            Optional<List<SignedRecord>> records = DhtOverCircuit.parseResponse(received.toByteArray());
            if (records.isPresent()) {
              RecordVerifier verifier = new RecordVerifier(clock);
              List<SignedRecord> good = records.get().stream()
                  .filter(r -> Arrays.equals(r.key().toBytes(), request.key()) && verifier.check(r).isEmpty())
                  .toList();
              request.replyTo().tell(new RecordLookup(good, path[0], null));
              streamOf(stream).tell(Streams.EndStream.INSTANCE);
              return Behaviors.stopped();
            }
          } catch (CircuitProtocolException e) {
            request.replyTo().tell(new RecordLookup(List.of(), path[0], e.getMessage()));
            streamOf(stream).tell(Streams.EndStream.INSTANCE);
            return Behaviors.stopped();
          }
        } else if (message instanceof Streams.StreamRefused refused) {
          request.replyTo().tell(new RecordLookup(List.of(), path[0], refused.reason()));
          return Behaviors.stopped();
        } else if (message instanceof Streams.StreamEnded ended) {
          request.replyTo().tell(new RecordLookup(List.of(), path[0],
              "the last hop ended the stream: " + ended.reason()));
          return Behaviors.stopped();
        }
        return Behaviors.same();
      });
    }));
  }

  @SuppressWarnings("unchecked")
  private static ActorRef<Streams.StreamCommand> streamOf(ActorRef<?>[] holder) {
    return (ActorRef<Streams.StreamCommand>) holder[0];
  }
}
