package io.shroud.dht;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Records: the ones this node stores for others ({@link RecordStore}, expired ones evicted on
 * every maintenance tick) and the ones it publishes itself ({@link Republisher}).
 *
 * <ul>
 *   <li><b>STORE</b>: the record is checked ({@link RecordVerifier}: size, expiry, signature),
 *       then refused with NOT_RESPONSIBLE when the DHT actor knows k nodes closer to the key,
 *       then offered to the store (STALE_SEQ, KEY_FULL, STORE_FULL); the STORED answer carries
 *       the reason code.</li>
 *   <li><b>FIND_VALUE</b>: VALUES with the live records under the key (packed to fit a cell)
 *       and the closest contacts the DHT actor knows.</li>
 *   <li><b>Publish</b>: sign (seq = max(previous + 1, now in epoch seconds), so a restarted
 *       publisher still outranks its old copies), look up the k closest nodes to the key,
 *       store on the k closest of them and this node, reply how many accepted. Published
 *       records are re-signed (seq + 1, same ttl from now) and published again when the
 *       republish fraction of their lifetime has passed.</li>
 *   <li><b>PublishSigned</b>: a record signed by another key, checked as a STORE is, then
 *       published the same way but not re-signed and not republished by this node.</li>
 * </ul>
 */
public final class RecordsActor extends AbstractBehavior<RecordsActor.Command> {

  public sealed interface Command {}

  /** A peer's STORE; {@code responsible} is false when k known nodes are closer to the key. */
  record HandleStore(NodeId from, long txId, SignedRecord record, boolean responsible)
      implements Command {}

  /** A peer's FIND_VALUE with the closest contacts the routing table knows. */
  record HandleFindValue(NodeId from, long txId, NodeId key, List<Contact> closest)
      implements Command {}

  /** Publish a record signed by this node; replies when every STORE was answered or timed out. */
  record Publish(byte[] key, byte[] value, Duration ttl, ActorRef<PutRecordResult> replyTo)
      implements Command {}

  /**
   * Publish a record signed by someone else (the {@code dht} circuit service's STORE, §11.3):
   * checked as a STORE is (§5.4), then published as {@link Publish} does, but neither re-signed
   * nor republished (its publisher republishes). A refused record gets 0 of 0 and the reason.
   */
  record PublishSigned(SignedRecord record, ActorRef<PutRecordResult> replyTo) implements Command {}

  /** Replies with the live records held under {@code key}. */
  record GetStored(NodeId key, ActorRef<StoredRecords> replyTo) implements Command {}

  /** Records this node holds under one key, latest expiry first. */
  public record StoredRecords(List<SignedRecord> records) {}

  private enum Tick implements Command { INSTANCE }

  private record ClosestFound(long publishId, LookupResult result, Throwable failure)
      implements Command {}

  private record StoreAnswered(long publishId, DhtActor.Outcome outcome, Throwable failure)
      implements Command {}

  private static final class Publishing {
    final SignedRecord record;
    final ActorRef<PutRecordResult> replyTo;
    int waiting;
    int stored;
    int attempted;

    Publishing(SignedRecord record, ActorRef<PutRecordResult> replyTo) {
      this.record = record;
      this.replyTo = replyTo;
    }
  }

  private final NodeId self;
  private final Ed25519.KeyPair identity;
  private final ActorRef<DhtActor.Command> dht;
  private final DhtSettings settings;
  private final Clock clock;
  private final RecordVerifier verifier;
  private final RecordStore store;
  private final Republisher republisher;
  private final Map<NodeId, Long> lastSeq = new HashMap<>();
  private final Map<NodeId, Duration> ttls = new HashMap<>();
  private final Map<Long, Publishing> publishing = new HashMap<>();
  private long nextPublishId;

  public static Behavior<Command> create(NodeId self, Ed25519.KeyPair identity,
      ActorRef<DhtActor.Command> dht, DhtSettings settings, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.maintenanceInterval());
      return new RecordsActor(ctx, self, identity, dht, settings, clock);
    }));
  }

  private RecordsActor(ActorContext<Command> context, NodeId self, Ed25519.KeyPair identity,
      ActorRef<DhtActor.Command> dht, DhtSettings settings, Clock clock) {
    super(context);
    this.self = self;
    this.identity = identity;
    this.dht = dht;
    this.settings = settings;
    this.clock = clock;
    this.verifier = new RecordVerifier(clock, settings.recordMaxLifetime());
    this.store = new RecordStore(clock, verifier);
    this.republisher = new Republisher(clock, settings.republishFraction());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(HandleStore.class, this::onHandleStore)
        .onMessage(HandleFindValue.class, this::onHandleFindValue)
        .onMessage(Publish.class, this::onPublish)
        .onMessage(PublishSigned.class, this::onPublishSigned)
        .onMessage(GetStored.class, this::onGetStored)
        .onMessage(ClosestFound.class, this::onClosestFound)
        .onMessage(StoreAnswered.class, this::onStoreAnswered)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .build();
  }

  private Behavior<Command> onHandleStore(HandleStore msg) {
    Optional<RecordRejection> refusal = verifier.check(msg.record());
    if (refusal.isEmpty() && !msg.responsible()) {
      refusal = Optional.of(RecordRejection.NOT_RESPONSIBLE);
    }
    if (refusal.isEmpty()) {
      refusal = store.put(msg.record());
    }
    refusal.ifPresent(r -> getContext().getLog().debug("refused STORE of {} from {}: {}",
        msg.record(), msg.from().shortHex(), r));
    dht.tell(new DhtActor.SendMessage(msg.from(), new DhtMessage.Stored(msg.txId(), refusal.orElse(null))));
    return this;
  }

  private Behavior<Command> onHandleFindValue(HandleFindValue msg) {
    DhtMessage.Values values = DhtMessageCodec.valuesFitting(msg.txId(), store.get(msg.key()),
        msg.closest(), DhtCellFraming.MAX_FRAMED_MESSAGE_BYTES);
    dht.tell(new DhtActor.SendMessage(msg.from(), values));
    return this;
  }

  private Behavior<Command> onGetStored(GetStored msg) {
    msg.replyTo().tell(new StoredRecords(store.get(msg.key())));
    return this;
  }

  private Behavior<Command> onPublish(Publish msg) {
    String problem = problem(msg);
    if (problem != null) {
      msg.replyTo().tell(new PutRecordResult(
          msg.key() == null ? null : java.util.HexFormat.of().formatHex(msg.key()), 0, 0, 0, problem));
      return this;
    }
    NodeId key = NodeId.of(msg.key());
    ttls.put(key, msg.ttl());
    publish(sign(key, msg.value(), msg.ttl()), msg.replyTo());
    return this;
  }

  private Behavior<Command> onPublishSigned(PublishSigned msg) {
    SignedRecord record = msg.record();
    Optional<RecordRejection> refusal = verifier.check(record);
    if (refusal.isPresent()) {
      getContext().getLog().debug("refused to publish {}: {}", record, refusal.get());
      msg.replyTo().tell(new PutRecordResult(record.key().toHex(), record.seq(), 0, 0,
          "record refused: " + refusal.get()));
      return this;
    }
    publish(record, msg.replyTo());
    return this;
  }

  private String problem(Publish msg) {
    if (msg.key() == null || msg.key().length != NodeId.BYTES) {
      return "key must be " + NodeId.BYTES + " bytes";
    }
    if (msg.value() == null || msg.value().length > SignedRecord.MAX_VALUE_BYTES) {
      return "value must be at most " + SignedRecord.MAX_VALUE_BYTES + " bytes";
    }
    if (msg.ttl() == null || msg.ttl().getSeconds() < 1
        || msg.ttl().compareTo(settings.recordMaxLifetime()) > 0) {
      return "ttl must be 1 s.." + settings.recordMaxLifetime().toSeconds() + " s";
    }
    return null;
  }

  private SignedRecord sign(NodeId key, byte[] value, Duration ttl) {
    Instant now = clock.instant();
    long seq = Math.max(lastSeq.getOrDefault(key, 0L) + 1, now.getEpochSecond());
    lastSeq.put(key, seq);
    SignedRecord record = SignedRecord.sign(identity, key, seq, now.plus(ttl), value);
    republisher.track(record);
    return record;
  }

  private void publish(SignedRecord record, ActorRef<PutRecordResult> replyTo) {
    long id = nextPublishId++;
    publishing.put(id, new Publishing(record, replyTo));
    Duration patience = settings.queryTimeout().multipliedBy(64);
    getContext().ask(LookupResult.class, dht, patience,
        ref -> new DhtActor.Lookup(record.key(), IterativeLookup.Kind.FIND_NODE, ref),
        (result, failure) -> new ClosestFound(id, result, failure));
  }

  private Behavior<Command> onClosestFound(ClosestFound msg) {
    Publishing p = publishing.get(msg.publishId());
    if (p == null) {
      return this;
    }
    List<Contact> closest = msg.result() == null ? List.of() : msg.result().closest();
    NodeId key = p.record.key();
    int k = settings.k();
    boolean selfAmongClosest = closest.size() < k
        || key.compareDistance(self, closest.get(k - 1).id()) < 0;
    List<Contact> targets = new ArrayList<>(closest.subList(0,
        Math.min(closest.size(), selfAmongClosest ? k - 1 : k)));
    if (selfAmongClosest) {
      p.attempted++;
      if (store.put(p.record).isEmpty()) {
        p.stored++;
      }
    }
    for (Contact c : targets) {
      p.attempted++;
      p.waiting++;
      getContext().ask(DhtActor.Outcome.class, dht, settings.queryTimeout().multipliedBy(2),
          ref -> new DhtActor.Request(c, new DhtMessage.Store(0, p.record), settings.queryTimeout(), ref),
          (outcome, failure) -> new StoreAnswered(msg.publishId(), outcome, failure));
    }
    finishIfDone(msg.publishId(), p);
    return this;
  }

  private Behavior<Command> onStoreAnswered(StoreAnswered msg) {
    Publishing p = publishing.get(msg.publishId());
    if (p == null) {
      return this;
    }
    p.waiting--;
    if (msg.outcome() instanceof DhtActor.Answered a
        && a.answer() instanceof DhtMessage.Stored s && s.isAccepted()) {
      p.stored++;
    }
    finishIfDone(msg.publishId(), p);
    return this;
  }

  private void finishIfDone(long id, Publishing p) {
    if (p.waiting > 0) {
      return;
    }
    publishing.remove(id);
    getContext().getLog().debug("published {} on {} of {} nodes", p.record, p.stored, p.attempted);
    if (p.replyTo != null) {
      p.replyTo.tell(new PutRecordResult(p.record.key().toHex(), p.record.seq(), p.stored,
          p.attempted, null));
    }
  }

  private Behavior<Command> onTick() {
    store.evictExpired();
    for (SignedRecord due : republisher.due()) {
      Duration ttl = ttls.getOrDefault(due.key(), settings.recordMaxLifetime());
      publish(sign(due.key(), due.value(), ttl), null);
    }
    return this;
  }
}
