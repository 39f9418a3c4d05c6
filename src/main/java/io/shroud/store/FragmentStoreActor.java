package io.shroud.store;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A relay's fragments kept for others (docs/protocol.md §12.5): the {@link FragmentStore} behind
 * the {@code fragments} service, its leases capped at {@code maxLease}, expired leases dropped
 * every {@code expireEvery}. Its file work blocks: spawn it on a blocking dispatcher. A disk error
 * answers REFUSED and is logged without the address.
 */
public final class FragmentStoreActor extends AbstractBehavior<FragmentStoreActor.Command> {
  public sealed interface Command {}

  /** Store {@code fragment} under {@code address} for {@code leaseSeconds} (capped). */
  public record Put(byte[] address, byte[] fragment, long leaseSeconds, ActorRef<FragmentWire.Status> replyTo)
      implements Command {}

  /** The fragment under {@code address}, if held. */
  public record Get(byte[] address, ActorRef<Got> replyTo) implements Command {}

  public record Got(Optional<byte[]> fragment) {}

  /** Extend the lease of {@code address} by {@code leaseSeconds} from now (capped). */
  public record Renew(byte[] address, long leaseSeconds, ActorRef<FragmentWire.Status> replyTo) implements Command {}

  /** What is held: the operator's view (addresses, sizes, times; nothing else is known). */
  public record ListHeld(ActorRef<List<FragmentStore.Entry>> replyTo) implements Command {}

  private enum Expire implements Command { INSTANCE }

  private final FragmentStore store;
  private final Duration maxLease;
  private final Clock clock;

  /** How often a node's store drops the fragments whose lease ended. */
  public static final Duration EXPIRE_EVERY = Duration.ofMinutes(10);

  /**
   * A node's store in {@code dir} under {@code settings}, opened when the actor starts (again on a
   * restart); fragments found there get the longest lease until their leases are journaled.
   */
  public static Behavior<Command> create(java.nio.file.Path dir, StoreSettings settings, Clock clock) {
    return Behaviors.setup(ctx -> create(FragmentStore.open(dir, settings.quotaBytes(),
        StorageManifest.MAX_FRAGMENT_BYTES, clock.instant().plus(settings.maxLease()), clock), settings.maxLease(),
        EXPIRE_EVERY, clock));
  }

  public static Behavior<Command> create(FragmentStore store, Duration maxLease, Duration expireEvery, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Expire.INSTANCE, expireEvery);
      return new FragmentStoreActor(ctx, store, maxLease, clock);
    }));
  }

  private FragmentStoreActor(ActorContext<Command> ctx, FragmentStore store, Duration maxLease, Clock clock) {
    super(ctx);
    this.store = store;
    this.maxLease = maxLease;
    this.clock = clock;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Put.class, this::onPut)
        .onMessage(Get.class, this::onGet)
        .onMessage(Renew.class, this::onRenew)
        .onMessage(ListHeld.class, list -> {
          list.replyTo().tell(store.list());
          return this;
        })
        .onMessageEquals(Expire.INSTANCE, this::onExpire)
        .build();
  }

  private Behavior<Command> onPut(Put put) {
    FragmentWire.Status status;
    try {
      FragmentStore.Put result = store.put(put.address(), put.fragment(), leaseEnd(put.leaseSeconds()));
      if (result instanceof FragmentStore.Refused refused) {
        getContext().getLog().debug("fragment refused: {}", refused.reason());
        status = FragmentWire.Status.REFUSED;
      } else {
        status = FragmentWire.Status.OK;
      }
    } catch (IOException e) {
      getContext().getLog().warn("fragment store: a fragment could not be written: {}", e.getClass().getSimpleName());
      status = FragmentWire.Status.REFUSED;
    }
    put.replyTo().tell(status);
    return this;
  }

  private Behavior<Command> onGet(Get get) {
    Optional<byte[]> fragment;
    try {
      fragment = store.get(get.address());
    } catch (IOException e) {
      getContext().getLog().warn("fragment store: a fragment could not be read: {}", e.getClass().getSimpleName());
      fragment = Optional.empty();
    }
    get.replyTo().tell(new Got(fragment));
    return this;
  }

  private Behavior<Command> onRenew(Renew renew) {
    renew.replyTo().tell(store.renew(renew.address(), leaseEnd(renew.leaseSeconds()))
        ? FragmentWire.Status.OK : FragmentWire.Status.NOT_HELD);
    return this;
  }

  private Behavior<Command> onExpire() {
    try {
      List<String> gone = store.expire();
      if (!gone.isEmpty()) {
        getContext().getLog().debug("{} fragments' leases ended", gone.size());
      }
    } catch (IOException e) {
      getContext().getLog().warn("fragment store: expired fragments could not be deleted: {}",
          e.getClass().getSimpleName());
    }
    return this;
  }

  private java.time.Instant leaseEnd(long seconds) {
    Duration asked = Duration.ofSeconds(Math.max(0, seconds));
    return clock.instant().plus(asked.compareTo(maxLease) > 0 ? maxLease : asked);
  }
}
