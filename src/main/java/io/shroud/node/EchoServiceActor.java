package io.shroud.node;

import io.shroud.circuit.Streams;
import java.util.ArrayDeque;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The node's {@code echo} circuit service: every stream opened to it gets its data back. Each
 * stream has a child that writes only within its credit and acknowledges a chunk
 * ({@code Consumed}) once it has written it back, so the far end's window bounds what it holds.
 * The node guardian binds it with {@code CircuitsActor.RegisterService(SERVICE, …)}.
 */
public final class EchoServiceActor {
  /** The service name streams are opened to. */
  public static final String SERVICE = "echo";

  private EchoServiceActor() {}

  public static Behavior<Streams.ServiceRequest> create() {
    return Behaviors.receive((ctx, request) -> {
      if (request instanceof Streams.OpenServiceStream open) {
        ActorRef<Streams.StreamEvent> stream = ctx.spawnAnonymous(echoStream(open.stream()));
        open.replyTo().tell(new Streams.Accept(stream));
      }
      return Behaviors.same();
    });
  }

  private static Behavior<Streams.StreamEvent> echoStream(ActorRef<Streams.StreamCommand> stream) {
    // pieces to echo (each at most one chunk); a received batch is acknowledged once its last
    // piece is written, so the far end's window follows what was echoed
    ArrayDeque<byte[]> pending = new ArrayDeque<>();
    ArrayDeque<Integer> ackAfter = new ArrayDeque<>();
    int[] credit = {0};
    Runnable flush = () -> {
      while (credit[0] > 0 && !pending.isEmpty()) {
        stream.tell(new Streams.Write(pending.poll()));
        int ack = ackAfter.poll();
        if (ack > 0) {
          stream.tell(new Streams.Consumed(ack));
        }
        credit[0]--;
      }
    };
    return Behaviors.receiveMessage(event -> {
      if (event instanceof Streams.StreamOpened opened) {
        credit[0] += opened.credit();
      } else if (event instanceof Streams.StreamData data) {
        byte[] bytes = data.data();
        int off = 0;
        do {
          int end = Math.min(bytes.length, off + Streams.MAX_CHUNK);
          pending.add(java.util.Arrays.copyOfRange(bytes, off, end));
          ackAfter.add(end == bytes.length ? data.chunks() : 0);
          off = end;
        } while (off < bytes.length);
      } else if (event instanceof Streams.StreamCredit more) {
        credit[0] += more.chunks();
      } else if (event instanceof Streams.StreamEnded) {
        return Behaviors.stopped();
      }
      flush.run();
      return Behaviors.same();
    });
  }
}
