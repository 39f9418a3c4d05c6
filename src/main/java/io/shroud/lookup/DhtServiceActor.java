package io.shroud.lookup;

import io.shroud.circuit.CircuitProtocolException;
import io.shroud.circuit.Streams;
import io.shroud.dht.DhtActor;
import io.shroud.dht.IterativeLookup;
import io.shroud.dht.LookupResult;
import io.shroud.dht.PutRecordResult;
import io.shroud.identity.NodeId;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The {@code dht} circuit service at a circuit's last hop, on this node's DHT
 * ({@link DhtOverCircuit}): a FIND_VALUE runs the iterative lookup and writes back the signed
 * records found; a STORE publishes the origin's signed record at the k closest nodes
 * ({@link DhtActor.PublishSigned}: checked, not re-signed, not republished here) and writes back
 * how many accepted it. The origin's own address never reaches the DHT; this node learns the key
 * (and for a STORE the record, whose publisher key is the origin's choice), not who asked.
 */
public final class DhtServiceActor {
  private DhtServiceActor() {}

  public static Behavior<Streams.ServiceRequest> create(ActorRef<DhtActor.Command> dht) {
    return Behaviors.receive((ctx, request) -> {
      if (request instanceof Streams.OpenServiceStream open) {
        ActorRef<Object> session = ctx.spawnAnonymous(session(open.stream(), dht));
        open.replyTo().tell(new Streams.Accept(session.narrow()));
      }
      return Behaviors.same();
    });
  }

  private static Behavior<Object> session(ActorRef<Streams.StreamCommand> stream,
      ActorRef<DhtActor.Command> dht) {
    return Behaviors.setup(ctx -> {
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      ArrayDeque<byte[]> pending = new ArrayDeque<>();
      int[] credit = {0};
      boolean[] asked = {false};
      Runnable flush = () -> {
        while (credit[0] > 0 && !pending.isEmpty()) {
          stream.tell(new Streams.Write(pending.poll()));
          credit[0]--;
          if (pending.isEmpty()) {
            stream.tell(Streams.EndStream.INSTANCE);
          }
        }
      };
      Consumer<byte[]> respond = response -> {
        for (int off = 0; off < response.length; off += Streams.MAX_CHUNK) {
          pending.add(Arrays.copyOfRange(response, off, Math.min(response.length, off + Streams.MAX_CHUNK)));
        }
      };
      return Behaviors.receiveMessage(event -> {
        if (event instanceof Streams.StreamOpened opened) {
          credit[0] += opened.credit();
        } else if (event instanceof Streams.StreamCredit more) {
          credit[0] += more.chunks();
        } else if (event instanceof Streams.StreamData data && !asked[0]) {
          request.writeBytes(data.data());
          stream.tell(new Streams.Consumed(data.chunks()));
          Optional<DhtOverCircuit.Request> whole;
          try {
            whole = DhtOverCircuit.parseRequest(request.toByteArray());
          } catch (CircuitProtocolException e) {
            ctx.getLog().debug("bad dht request on a circuit: {}", e.getMessage());
            stream.tell(Streams.EndStream.INSTANCE);
            return Behaviors.stopped();
          }
          if (whole.isPresent()) {
            asked[0] = true;
            if (whole.get() instanceof DhtOverCircuit.FindValue find) {
              dht.tell(new DhtActor.Lookup(NodeId.of(find.key()), IterativeLookup.Kind.FIND_VALUE,
                  ctx.messageAdapter(LookupResult.class, r -> r)));
            } else if (whole.get() instanceof DhtOverCircuit.Store store) {
              dht.tell(new DhtActor.PublishSigned(store.record(),
                  ctx.messageAdapter(PutRecordResult.class, r -> r)));
            }
          }
        } else if (event instanceof Streams.StreamData data) {
          stream.tell(new Streams.Consumed(data.chunks()));
          ctx.getLog().debug("bytes after a whole dht request on a circuit");
          stream.tell(Streams.EndStream.INSTANCE);
          return Behaviors.stopped();
        } else if (event instanceof LookupResult result) {
          respond.accept(DhtOverCircuit.response(result.records()));
        } else if (event instanceof PutRecordResult published) {
          respond.accept(DhtOverCircuit.storeResponse(published.error() != null
              ? new DhtOverCircuit.Stored(0, 0)
              : new DhtOverCircuit.Stored(Math.min(published.stored(), 255), Math.min(published.attempted(), 255))));
        } else if (event instanceof Streams.StreamEnded) {
          return Behaviors.stopped();
        }
        flush.run();
        return Behaviors.same();
      });
    });
  }
}
