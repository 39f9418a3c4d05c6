package io.shroud.dht;

import io.shroud.identity.NodeId;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The timer and pinger of one k-bucket; the bucket's contents stay in the {@link RoutingTable}
 * that {@link DhtActor} owns, and this actor only asks it to apply decisions.
 *
 * <ul>
 *   <li><b>Ping-before-evict.</b> On {@link PingThenEvict} (the table found the bucket full) it
 *       PINGs the least-recently-seen contact through the DHT actor with the ping timeout and
 *       reports {@link DhtActor.PingResult}: an answer keeps the contact (the DHT actor has
 *       already marked it seen), silence makes the DHT actor remove it, which promotes the
 *       candidate from the replacement cache. One ping at a time per bucket.</li>
 *   <li><b>Refresh.</b> Every {@code min(maintenanceInterval, refreshInterval)} it asks the DHT
 *       actor to refresh the bucket if the table says it has been idle past the refresh
 *       interval (a FIND_NODE lookup for a random id in its range).</li>
 * </ul>
 */
public final class KBucketActor extends AbstractBehavior<KBucketActor.Command> {

  public sealed interface Command {}

  /** Ping {@code leastRecentlySeen}; {@code candidate} waits in the replacement cache. */
  public record PingThenEvict(Contact leastRecentlySeen, Contact candidate) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private record PingOutcome(DhtActor.Outcome outcome) implements Command {}

  private final int index;
  private final ActorRef<DhtActor.Command> dht;
  private final DhtSettings settings;
  private final ActorRef<DhtActor.Outcome> pingAdapter;
  private NodeId pinging;

  public static Behavior<Command> create(int index, ActorRef<DhtActor.Command> dht,
      DhtSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      Duration check = settings.maintenanceInterval().compareTo(settings.refreshInterval()) < 0
          ? settings.maintenanceInterval() : settings.refreshInterval();
      timers.startTimerWithFixedDelay(Tick.INSTANCE, check);
      return new KBucketActor(ctx, index, dht, settings);
    }));
  }

  private KBucketActor(ActorContext<Command> context, int index, ActorRef<DhtActor.Command> dht,
      DhtSettings settings) {
    super(context);
    this.index = index;
    this.dht = dht;
    this.settings = settings;
    this.pingAdapter = context.messageAdapter(DhtActor.Outcome.class, PingOutcome::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(PingThenEvict.class, this::onPingThenEvict)
        .onMessage(PingOutcome.class, this::onPingOutcome)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .build();
  }

  private Behavior<Command> onPingThenEvict(PingThenEvict msg) {
    if (pinging != null) {
      return this;
    }
    pinging = msg.leastRecentlySeen().id();
    dht.tell(new DhtActor.Request(msg.leastRecentlySeen(), new DhtMessage.Ping(0),
        settings.pingTimeout(), pingAdapter));
    return this;
  }

  private Behavior<Command> onPingOutcome(PingOutcome msg) {
    DhtActor.Outcome o = msg.outcome();
    boolean alive = o instanceof DhtActor.Answered;
    NodeId id = alive ? ((DhtActor.Answered) o).from().id() : ((DhtActor.TimedOut) o).to().id();
    if (id.equals(pinging)) {
      pinging = null;
      getContext().getLog().debug("bucket {}: ping of {} {}", index, id.shortHex(),
          alive ? "answered, it stays" : "unanswered, it is replaced");
      dht.tell(new DhtActor.PingResult(id, alive));
    }
    return this;
  }

  private Behavior<Command> onTick() {
    dht.tell(new DhtActor.RefreshIfIdle(index));
    return this;
  }
}
