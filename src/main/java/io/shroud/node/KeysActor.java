package io.shroud.node;

import io.shroud.circuit.GuardSet;
import io.shroud.crypto.OnionKeyPair;
import io.shroud.crypto.OnionKeys;
import io.shroud.identity.NodeId;
import io.shroud.serialization.ShroudSerializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * Owns the node's onion keys. Event-sourced: the journal records which onion key is current
 * and which is previous (serial, public key, creation time); the private halves live in
 * {@link NodeKeyStore} files and never enter an event. Keys rotate every
 * {@code rotationPeriod}; the previous key stays usable for one more period. A restarted node
 * recovers the same current and previous keys.
 */
public final class KeysActor
    extends EventSourcedBehavior<KeysActor.Command, KeysActor.Event, KeysActor.KeysState> {

  public sealed interface Command {}

  /** Replies with the current (and previous) onion keys once they exist. */
  public record GetOnionKeys(ActorRef<OnionKeys> replyTo) implements Command {}

  /** Tells {@code subscriber} the keys now and after every rotation. */
  public record Subscribe(ActorRef<OnionKeys> subscriber) implements Command {}

  /** How lower layers subscribe without naming this actor: each ref given is sent {@link Subscribe}. */
  public static Consumer<ActorRef<OnionKeys>> subscriptions(ActorRef<Command> keys) {
    return subscriber -> keys.tell(new Subscribe(subscriber));
  }

  /** Replies with the persisted guard set (empty before the first circuit picked guards). */
  public record GetGuards(ActorRef<List<GuardSet.Entry>> replyTo) implements Command {}

  /** Persists the guard set when it differs from the recorded one. */
  public record RecordGuards(List<GuardSet.Entry> entries) implements Command {}

  /** Timer tick: rotate when the current key is older than the period. */
  public enum RotateIfDue implements Command {
    INSTANCE
  }

  private record SubscriberGone(ActorRef<OnionKeys> subscriber) implements Command {}


  public sealed interface Event extends ShroudSerializable {}

  /**
   * A new onion key became current; the one before it became previous. {@code publicKey} is
   * the encoded {@link io.shroud.crypto.OnionPublicKey}.
   */
  public record OnionKeyCreated(long serial, byte[] publicKey, Instant createdAt) implements Event {}

  /** The guard set changed to {@code guards} (persistent first hops, as Tor's guards). */
  public record GuardsRecorded(ArrayList<GuardEntry> guards) implements Event {}

  /** One guard as the journal knows it. */
  public record GuardEntry(byte[] nodeId, Instant added, Instant expires) implements ShroudSerializable {
    GuardSet.Entry toEntry() {
      return new GuardSet.Entry(NodeId.of(nodeId), added, expires);
    }

    static GuardEntry of(GuardSet.Entry e) {
      return new GuardEntry(e.id().toBytes(), e.added(), e.expires());
    }
  }

  /** Public facts about one onion key, as the journal knows it. */
  public record OnionKeyRef(long serial, byte[] publicKey, Instant createdAt)
      implements ShroudSerializable {}

  /** Current and previous key (either may be null before the first key exists) and the guards. */
  public record KeysState(OnionKeyRef current, OnionKeyRef previous, ArrayList<GuardEntry> guards)
      implements ShroudSerializable {
    static final KeysState EMPTY = new KeysState(null, null, new ArrayList<>());

    KeysState apply(Event e) {
      if (e instanceof OnionKeyCreated c) {
        return new KeysState(new OnionKeyRef(c.serial(), c.publicKey(), c.createdAt()), current, guards);
      }
      return new KeysState(current, previous, ((GuardsRecorded) e).guards());
    }

    List<GuardSet.Entry> guardEntries() {
      return guards == null ? List.of() : guards.stream().map(GuardEntry::toEntry).toList();
    }
  }

  private final ActorContext<Command> context;
  private final NodeKeyStore store;
  private final Duration rotationPeriod;
  private final Clock clock;
  private final Map<Long, OnionKeyPair> loaded = new HashMap<>();
  private final List<ActorRef<OnionKeys>> subscribers = new ArrayList<>();

  public static Behavior<Command> create(
      NodeId nodeId, NodeKeyStore store, Duration rotationPeriod, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      startTimer(timers, rotationPeriod);
      return new KeysActor(ctx, nodeId, store, rotationPeriod, clock);
    }));
  }

  private static void startTimer(TimerScheduler<Command> timers, Duration period) {
    Duration check = period.dividedBy(10);
    if (check.compareTo(Duration.ofMinutes(1)) > 0) {
      check = Duration.ofMinutes(1);
    }
    timers.startTimerWithFixedDelay(RotateIfDue.INSTANCE, check);
  }

  private KeysActor(ActorContext<Command> context, NodeId nodeId, NodeKeyStore store,
      Duration rotationPeriod, Clock clock) {
    super(PersistenceId.of("keys", nodeId.toHex()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(500), Duration.ofSeconds(30), 0.2));
    this.context = context;
    this.store = store;
    this.rotationPeriod = rotationPeriod;
    this.clock = clock;
  }

  @Override
  public KeysState emptyState() {
    return KeysState.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(50, 2);
  }

  @Override
  public SignalHandler<KeysState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> context.getSelf().tell(RotateIfDue.INSTANCE))
        .build();
  }

  @Override
  public CommandHandler<Command, Event, KeysState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(GetOnionKeys.class, this::onGetOnionKeys)
        .onCommand(Subscribe.class, this::onSubscribe)
        .onCommand(RotateIfDue.class, this::onRotateIfDue)
        .onCommand(SubscriberGone.class, this::onSubscriberGone)
        .onCommand(GetGuards.class, (state, cmd) -> Effect().reply(cmd.replyTo(), state.guardEntries()))
        .onCommand(RecordGuards.class, this::onRecordGuards)
        .build();
  }

  @Override
  public EventHandler<KeysState, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent(KeysState::apply);
  }

  private Effect<Event, KeysState> onRecordGuards(KeysState state, RecordGuards cmd) {
    if (cmd.entries().equals(state.guardEntries())) {
      return Effect().none();
    }
    ArrayList<GuardEntry> guards = new ArrayList<>();
    cmd.entries().forEach(e -> guards.add(GuardEntry.of(e)));
    return Effect().persist(new GuardsRecorded(guards));
  }

  private Effect<Event, KeysState> onGetOnionKeys(KeysState state, GetOnionKeys cmd) {
    if (state.current() == null) {
      return Effect().stash();
    }
    return Effect().reply(cmd.replyTo(), keys(state));
  }

  private Effect<Event, KeysState> onSubscribe(KeysState state, Subscribe cmd) {
    subscribers.add(cmd.subscriber());
    context.watchWith(cmd.subscriber(), new SubscriberGone(cmd.subscriber()));
    if (state.current() == null) {
      return Effect().none();
    }
    return Effect().reply(cmd.subscriber(), keys(state));
  }

  private Effect<Event, KeysState> onSubscriberGone(KeysState state, SubscriberGone cmd) {
    subscribers.remove(cmd.subscriber());
    return Effect().none();
  }

  private Effect<Event, KeysState> onRotateIfDue(KeysState state, RotateIfDue cmd) {
    Instant now = clock.instant();
    OnionKeyRef current = state.current();
    if (current != null && current.createdAt().plus(rotationPeriod).isAfter(now)
        && store.hasOnionKey(current.serial())) {
      return Effect().none();
    }
    long serial = current == null ? 1 : current.serial() + 1;
    OnionKeyPair key = store.createOnionKey(serial, now.plus(rotationPeriod.multipliedBy(2)));
    loaded.put(serial, key);
    context.getLog().info("onion key {} created{}", serial,
        current == null ? "" : ", key " + current.serial() + " is now previous");
    return Effect()
        .persist(new OnionKeyCreated(serial, key.publicKey().encode(), now))
        .thenRun(this::afterRotation)
        .thenUnstashAll();
  }

  private void afterRotation(KeysState state) {
    long keep = state.previous() == null ? state.current().serial() : state.previous().serial();
    store.deleteOnionKeysBelow(keep);
    loaded.keySet().removeIf(serial -> serial < keep);
    OnionKeys keys = keys(state);
    subscribers.forEach(s -> s.tell(keys));
  }

  private OnionKeys keys(KeysState state) {
    OnionKeyRef cur = state.current();
    Optional<OnionKeyPair> previous = Optional.empty();
    if (state.previous() != null && store.hasOnionKey(state.previous().serial())) {
      previous = Optional.of(load(state.previous()));
    }
    return new OnionKeys(cur.serial(), load(cur), cur.createdAt(), previous);
  }

  private OnionKeyPair load(OnionKeyRef ref) {
    return loaded.computeIfAbsent(ref.serial(),
        serial -> store.readOnionKey(serial, ref.createdAt().plus(rotationPeriod.multipliedBy(2))));
  }
}
