package io.shroud.node;

import io.shroud.circuit.CircuitActor;
import io.shroud.circuit.CircuitsActor;
import io.shroud.identity.NodeId;
import java.time.Clock;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The origin side of echoes through circuits, for {@code POST /shroud/v1/circuits} and tests:
 * spawns one {@link EchoClientActor} per request, which builds circuits through the node's
 * {@link CircuitsActor} and streams to the {@code echo} service ({@link EchoServiceActor}) at
 * their last hop.
 */
public final class EchoActor {
  private EchoActor() {}

  /** What the echo actor accepts. */
  public sealed interface Command {}

  /** Echoes {@code payload} through {@code circuit} (the {@code echo} service at its last hop). */
  public record Echo(ActorRef<CircuitActor.Command> circuit, byte[] payload, ActorRef<EchoResult> replyTo)
      implements Command {}

  /** Builds a circuit, then echoes {@code echoBytes} random bytes through it: {@code POST /shroud/v1/circuits}. */
  public record BuildAndEcho(Optional<NodeId> destination, int hops, int echoBytes, ActorRef<BuildEchoReport> replyTo)
      implements Command {}

  public static Behavior<Command> create(ActorRef<CircuitsActor.Command> circuits, Clock clock,
      RandomGenerator random) {
    return Behaviors.receive((ctx, command) -> {
      if (command instanceof Echo echo) {
        ctx.spawnAnonymous(EchoClientActor.echo(echo.circuit(), echo.payload(), echo.replyTo(), clock));
      } else if (command instanceof BuildAndEcho request) {
        ctx.spawnAnonymous(EchoClientActor.buildAndEcho(circuits, request, clock, random));
      }
      return Behaviors.same();
    });
  }
}
