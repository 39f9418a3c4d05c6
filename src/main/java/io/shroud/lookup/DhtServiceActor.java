package io.shroud.lookup;

import io.shroud.circuit.CircuitProtocolException;
import io.shroud.circuit.Streams;
import io.shroud.dht.DhtActor;
import io.shroud.dht.IterativeLookup;
import io.shroud.dht.LookupResult;
import io.shroud.identity.NodeId;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The {@code dht} circuit service at a circuit's last hop: runs the iterative FIND_VALUE the
 * origin asks for ({@link DhtOverCircuit}) on this node's DHT and writes back the signed records
 * it found. The origin's own address never reaches the DHT; this node learns only the key.
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
      return Behaviors.receiveMessage(event -> {
        if (event instanceof Streams.StreamOpened opened) {
          credit[0] += opened.credit();
        } else if (event instanceof Streams.StreamCredit more) {
          credit[0] += more.chunks();
        } else if (event instanceof Streams.StreamData data && !asked[0]) {
          request.writeBytes(data.data());
          stream.tell(new Streams.Consumed(data.chunks()));
          if (request.size() >= DhtOverCircuit.REQUEST_BYTES) {
            asked[0] = true;
            byte[] key;
            try {
              key = DhtOverCircuit.parseRequest(request.toByteArray());
            } catch (CircuitProtocolException e) {
              ctx.getLog().debug("bad dht request on a circuit: {}", e.getMessage());
              stream.tell(Streams.EndStream.INSTANCE);
              return Behaviors.stopped();
            }
            dht.tell(new DhtActor.Lookup(NodeId.of(key), IterativeLookup.Kind.FIND_VALUE,
                ctx.messageAdapter(LookupResult.class, r -> r)));
          }
        } else if (event instanceof LookupResult result) {
          byte[] response = DhtOverCircuit.response(result.records());
          for (int off = 0; off < response.length; off += Streams.MAX_CHUNK) {
            pending.add(Arrays.copyOfRange(response, off, Math.min(response.length, off + Streams.MAX_CHUNK)));
          }
        } else if (event instanceof Streams.StreamEnded) {
          return Behaviors.stopped();
        }
        flush.run();
        return Behaviors.same();
      });
    });
  }
}
