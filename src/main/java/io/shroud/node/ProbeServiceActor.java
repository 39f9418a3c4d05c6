package io.shroud.node;

import io.shroud.circuit.Streams;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The node's {@code probe} circuit service (docs/protocol.md §6.14): every stream opened to it
 * gets {@link #BYTES} zero bytes, written within the stream's credit, and is then ended; what the
 * far end sends is acknowledged and ignored. Authorities time it through a one-hop circuit to
 * measure a relay's bandwidth. At most {@link #MAX_STREAMS} probe streams at once; more are
 * refused. The node guardian binds it with {@code CircuitsActor.RegisterService(SERVICE, …)}.
 */
public final class ProbeServiceActor {
  /** The service name probe streams are opened to. */
  public static final String SERVICE = "probe";
  /** What every probe stream carries: 256 KiB. */
  public static final int BYTES = 256 * 1024;
  /** Probe streams served at once. */
  public static final int MAX_STREAMS = 4;

  private ProbeServiceActor() {}

  public static Behavior<Streams.ServiceRequest> create() {
    return Behaviors.setup(ctx -> {
      int[] active = {0};
      return Behaviors.receive(Streams.ServiceRequest.class)
          .onMessage(Streams.OpenServiceStream.class, open -> {
            if (active[0] >= MAX_STREAMS) {
              open.replyTo().tell(new Streams.Reject("probe: " + MAX_STREAMS + " probe streams already open"));
              return Behaviors.same();
            }
            ActorRef<Streams.StreamEvent> stream = ctx.spawnAnonymous(probeStream(open.stream()));
            ctx.watch(stream);
            active[0]++;
            open.replyTo().tell(new Streams.Accept(stream));
            return Behaviors.same();
          })
          .onSignal(Terminated.class, t -> {
            active[0]--;
            return Behaviors.same();
          })
          .build();
    });
  }

  private static Behavior<Streams.StreamEvent> probeStream(ActorRef<Streams.StreamCommand> stream) {
    int[] sent = {0};
    int[] credit = {0};
    return Behaviors.receiveMessage(event -> {
      if (event instanceof Streams.StreamOpened opened) {
        credit[0] += opened.credit();
      } else if (event instanceof Streams.StreamCredit more) {
        credit[0] += more.chunks();
      } else if (event instanceof Streams.StreamData data) {
        stream.tell(new Streams.Consumed(data.chunks()));
      } else if (event instanceof Streams.StreamEnded || event instanceof Streams.StreamRefused) {
        return Behaviors.stopped();
      }
      while (credit[0] > 0 && sent[0] < BYTES) {
        int n = Math.min(Streams.MAX_CHUNK, BYTES - sent[0]);
        stream.tell(new Streams.Write(new byte[n]));
        sent[0] += n;
        credit[0]--;
      }
      if (sent[0] >= BYTES) {
        stream.tell(Streams.EndStream.INSTANCE);
        return Behaviors.stopped();
      }
      return Behaviors.same();
    });
  }
}
