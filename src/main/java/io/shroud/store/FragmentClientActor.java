package io.shroud.store;

import io.shroud.circuit.CircuitActor;
import io.shroud.circuit.CircuitProtocolException;
import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.Streams;
import io.shroud.identity.NodeId;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Short-lived, origin side of one {@link FragmentWire} request (docs/protocol.md §12.8): builds a
 * circuit of {@code hops} ending at the storer, opens its {@code fragments} stream, writes the
 * request within the stream's credit, reads the response and replies {@link Result}, then closes
 * the circuit. The storer sees the circuit's previous hop, never this node (unless hops is 1).
 * A GET's fragment is handed back as received: the caller checks it against its address.
 */
public final class FragmentClientActor {
  private FragmentClientActor() {}

  /** The storer's answer ({@code status} null when there was none: {@code error} says why). */
  public record Result(FragmentWire.Status status, byte[] fragment, String error) {}

  private enum Timeout { INSTANCE }

  public static Behavior<Object> create(ActorRef<CircuitsActor.Command> circuits, NodeId storer, int hops,
      FragmentWire.Kind kind, byte[] request, Duration timeout, ActorRef<Result> replyTo) {
    return create(circuits, storer, hops, Optional.empty(), kind, request, timeout, replyTo);
  }

  /**
   * As above; with {@code circuit} (a circuit to the storer that a {@link StorerCircuitsActor}
   * keeps) the request opens a stream on it instead of building one, and leaves it open.
   */
  public static Behavior<Object> create(ActorRef<CircuitsActor.Command> circuits, NodeId storer, int hops,
      Optional<ActorRef<CircuitActor.Command>> circuit, FragmentWire.Kind kind, byte[] request, Duration timeout,
      ActorRef<Result> replyTo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startSingleTimer(Timeout.INSTANCE, timeout);
      if (circuit.isPresent()) {
        circuit.get().tell(new CircuitActor.OpenStream(FragmentWire.SERVICE,
            ctx.messageAdapter(Streams.StreamEvent.class, e -> e)));
      } else {
        circuits.tell(new CircuitsActor.BuildCircuit(Optional.of(storer), hops,
            ctx.messageAdapter(CircuitsActor.BuildResult.class, r -> r)));
      }
      boolean own = circuit.isEmpty();
      ArrayDeque<byte[]> pending = new ArrayDeque<>();
      for (int off = 0; off < request.length; off += Streams.MAX_CHUNK) {
        pending.add(Arrays.copyOfRange(request, off, Math.min(request.length, off + Streams.MAX_CHUNK)));
      }
      FragmentWire.Reader reader = FragmentWire.Reader.responseTo(kind);
      Object[] held = {null, null}; // the circuit, the stream
      int[] credit = {0};
      return Behaviors.receiveMessage(message -> {
        String error = null;
        if (message == Timeout.INSTANCE) {
          error = "no answer from the storer within " + timeout.toSeconds() + " s";
        } else if (message instanceof CircuitsActor.Failed failed) {
          error = "no circuit to the storer: " + failed.reason();
        } else if (message instanceof CircuitsActor.Built built) {
          held[0] = built.circuit();
          built.circuit().tell(new CircuitActor.OpenStream(FragmentWire.SERVICE,
              ctx.messageAdapter(Streams.StreamEvent.class, e -> e)));
        } else if (message instanceof Streams.StreamOpened opened) {
          held[1] = opened.stream();
          credit[0] += opened.credit();
        } else if (message instanceof Streams.StreamCredit more) {
          credit[0] += more.chunks();
        } else if (message instanceof Streams.StreamData data) {
          stream(held).tell(new Streams.Consumed(data.chunks()));
          try {
            Optional<Object> whole = Optional.empty();
            for (byte[] part : data.parts()) {
              whole = reader.feed(part);
            }
            if (whole.isEmpty()) {
              return Behaviors.same();
            }
            FragmentWire.Response response = (FragmentWire.Response) whole.get();
            replyTo.tell(new Result(response.status(), response.fragment(), null));
            return end(held, own);
          } catch (CircuitProtocolException e) {
            error = "bad answer from the storer: " + e.getMessage();
          }
        } else if (message instanceof Streams.StreamRefused refused) {
          error = refused.reason();
        } else if (message instanceof Streams.StreamEnded ended) {
          error = "the storer ended the stream: " + ended.reason();
        }
        if (error != null) {
          replyTo.tell(new Result(null, null, error));
          return end(held, own);
        }
        while (held[1] != null && credit[0] > 0 && !pending.isEmpty()) {
          stream(held).tell(new Streams.Write(pending.poll()));
          credit[0]--;
        }
        return Behaviors.same();
      });
    }));
  }

  /** Ends the stream, and the circuit when this request built it ({@code own}). */
  private static Behavior<Object> end(Object[] held, boolean own) {
    if (held[1] != null) {
      stream(held).tell(Streams.EndStream.INSTANCE);
    }
    if (own && held[0] != null) {
      @SuppressWarnings("unchecked")
      ActorRef<CircuitActor.Command> circuit = (ActorRef<CircuitActor.Command>) held[0];
      circuit.tell(CircuitActor.Close.INSTANCE);
    }
    return Behaviors.stopped();
  }

  @SuppressWarnings("unchecked")
  private static ActorRef<Streams.StreamCommand> stream(Object[] held) {
    return (ActorRef<Streams.StreamCommand>) held[1];
  }
}
