package io.shroud.node;

import io.shroud.circuit.CircuitActor;
import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.Streams;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Short-lived: opens an {@code echo} stream on a circuit, writes a payload in chunks within its
 * credit, acknowledges what comes back, and reports whether it came back intact and how long
 * it took ({@link EchoResult}). {@link #buildAndEcho} first builds the circuit.
 */
public final class EchoClientActor {
  private EchoClientActor() {}

  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  private enum Timeout { INSTANCE }

  /** The circuit's actor stopped: no stream event will come (it may have closed before OpenStream arrived). */
  private enum CircuitGone { INSTANCE }

  public static Behavior<Object> echo(ActorRef<CircuitActor.Command> circuit, byte[] payload,
      ActorRef<EchoResult> replyTo, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startSingleTimer(Timeout.INSTANCE, TIMEOUT);
      long started = clock.millis();
      ctx.watchWith(circuit, CircuitGone.INSTANCE);
      circuit.tell(new CircuitActor.OpenStream(EchoServiceActor.SERVICE, ctx.messageAdapter(Streams.StreamEvent.class, e -> e)));
      // what came back is compared as it arrives: holding it too would double an echo's memory
      int[] received = {0};
      boolean[] altered = {false};
      int[] sent = {0};
      int[] credit = {0};
      ActorRef<?>[] streamRef = {null};
      return Behaviors.receiveMessage(message -> {
        if (message == Timeout.INSTANCE) {
          replyTo.tell(new EchoResult(false, payload.length, clock.millis() - started, "echo timed out"));
          return Behaviors.stopped();
        }
        if (message == CircuitGone.INSTANCE) {
          replyTo.tell(new EchoResult(false, payload.length, clock.millis() - started, "circuit closed"));
          return Behaviors.stopped();
        }
        if (message instanceof Streams.StreamOpened opened) {
          streamRef[0] = opened.stream();
          credit[0] += opened.credit();
          if (payload.length == 0) {
            replyTo.tell(new EchoResult(true, 0, clock.millis() - started, null));
            stream(streamRef).tell(Streams.EndStream.INSTANCE);
            return Behaviors.stopped();
          }
        } else if (message instanceof Streams.StreamCredit more) {
          credit[0] += more.chunks();
        } else if (message instanceof Streams.StreamData data) {
          byte[] chunk = data.data();
          int at = received[0];
          altered[0] |= at + chunk.length > payload.length
              || !Arrays.equals(chunk, 0, chunk.length, payload, at, at + chunk.length);
          received[0] += chunk.length;
          stream(streamRef).tell(new Streams.Consumed(data.chunks()));
          if (received[0] >= payload.length) {
            boolean intact = !altered[0] && received[0] == payload.length;
            replyTo.tell(new EchoResult(intact, payload.length, clock.millis() - started,
                intact ? null : "echo came back altered"));
            stream(streamRef).tell(Streams.EndStream.INSTANCE);
            return Behaviors.stopped();
          }
        } else if (message instanceof Streams.StreamRefused refused) {
          replyTo.tell(new EchoResult(false, payload.length, clock.millis() - started, refused.reason()));
          return Behaviors.stopped();
        } else if (message instanceof Streams.StreamEnded ended) {
          replyTo.tell(new EchoResult(false, payload.length, clock.millis() - started, ended.reason()));
          return Behaviors.stopped();
        }
        while (streamRef[0] != null && credit[0] > 0 && sent[0] < payload.length) {
          int n = Math.min(Streams.MAX_CHUNK, payload.length - sent[0]);
          stream(streamRef).tell(new Streams.Write(Arrays.copyOfRange(payload, sent[0], sent[0] + n)));
          sent[0] += n;
          credit[0]--;
        }
        return Behaviors.same();
      });
    }));
  }

  @SuppressWarnings("unchecked")
  private static ActorRef<Streams.StreamCommand> stream(ActorRef<?>[] holder) {
    return (ActorRef<Streams.StreamCommand>) holder[0];
  }

  /** Builds a circuit through {@code circuits}, then echoes random bytes; answers a {@link BuildEchoReport}. */
  public static Behavior<Object> buildAndEcho(ActorRef<CircuitsActor.Command> circuits,
      EchoActor.BuildAndEcho request, Clock clock, RandomGenerator random) {
    return Behaviors.setup(ctx -> {
      circuits.tell(new CircuitsActor.BuildCircuit(request.destination(), request.hops(),
          ctx.messageAdapter(CircuitsActor.BuildResult.class, r -> r)));
      return Behaviors.receiveMessage(message -> {
        if (message instanceof CircuitsActor.Failed failed) {
          request.replyTo().tell(new BuildEchoReport(false, null, List.of(), 0, 0, 0, failed.reason()));
          return Behaviors.stopped();
        }
        CircuitsActor.Built built = (CircuitsActor.Built) message;
        byte[] payload = new byte[Math.max(0, request.echoBytes())];
        random.nextBytes(payload);
        ActorRef<EchoResult> echoReply = ctx.messageAdapter(EchoResult.class, r -> r);
        ctx.spawnAnonymous(echo(built.circuit(), payload, echoReply, clock));
        return Behaviors.receiveMessage(result -> {
          if (result instanceof EchoResult echo) {
            request.replyTo().tell(new BuildEchoReport(echo.ok(), built.circuitId(), built.path(), built.buildMillis(),
                echo.bytes(), echo.roundTripMillis(), echo.error()));
            return Behaviors.stopped();
          }
          return Behaviors.same();
        });
      });
    });
  }
}
