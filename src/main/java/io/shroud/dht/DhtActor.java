package io.shroud.dht;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeId;
import io.shroud.link.Links;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.wire.CellCommand;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The DHT's root actor. Owns the {@link RoutingTable} (not thread-safe: only this actor
 * touches it) and the transactions of outgoing requests; speaks the DHT over
 * {@link CellCommand#DHT} cells through the links actor ({@link DhtCellFraming}); seeds the
 * table from the verified directory; spawns one {@link KBucketActor} per bucket
 * (ping-before-evict, refresh), one {@link LookupActor} per lookup, a {@link RecordsActor}
 * (stored and published records) and, when enabled, a {@link RoutingSnapshotActor} that
 * persists the table's contacts. Every DHT cell from a peer passes {@link DhtInbound} first: a
 * malformed one, or a request beyond its sender's query rate, is dropped and counted.
 */
public final class DhtActor extends AbstractBehavior<DhtActor.Command> {

  public sealed interface Command {}

  /** A verified directory view: every descriptor but our own becomes a contact. */
  public record DirectoryUpdated(DirectoryView view) implements Command {}

  /** Replies with the routing table ({@code GET /shroud/v1/dht}). */
  public record GetBuckets(ActorRef<DhtView> replyTo) implements Command {}

  /** Signs and stores a record on the k closest nodes to {@code key} (32 bytes). */
  public record PutRecord(byte[] key, byte[] value, Duration ttl, ActorRef<PutRecordResult> replyTo)
      implements Command {}

  /**
   * Publishes a record signed by another key (the {@code dht} circuit service's STORE): checked
   * (§5.4), stored on the k closest nodes as {@link PutRecord} does, never re-signed nor
   * republished here; a refused record gets 0 of 0 and the reason in {@code error}.
   */
  public record PublishSigned(SignedRecord record, ActorRef<PutRecordResult> replyTo) implements Command {}

  /**
   * Finds a record: from this node's own store when it holds one (0 rounds), otherwise with an
   * iterative FIND_VALUE lookup from this node.
   */
  public record GetRecord(byte[] key, ActorRef<RecordLookupView> replyTo) implements Command {}

  /** Runs an iterative lookup seeded from this node's table; replies with its result. */
  public record Lookup(NodeId target, IterativeLookup.Kind kind, ActorRef<LookupResult> replyTo)
      implements Command {}

  /** Replies with the records this node holds under {@code key} (diagnostics, tests). */
  public record GetStoredRecords(NodeId key, ActorRef<RecordsActor.StoredRecords> replyTo)
      implements Command {}

  /** Sends {@code query} (its txId is replaced) to {@code to}; one {@link Outcome} comes back. */
  record Request(Contact to, DhtMessage query, Duration timeout, ActorRef<Outcome> replyTo)
      implements Command {}

  /** The result of a {@link Request}. */
  sealed interface Outcome {}

  /** {@code from} answered with {@code answer} (of the type that matches the request). */
  record Answered(Contact from, DhtMessage answer) implements Outcome {}

  /** {@code to} did not answer in time. */
  record TimedOut(Contact to) implements Outcome {}

  /** A response (STORED, VALUES) built by the records actor, to be sent to {@code to}. */
  record SendMessage(NodeId to, DhtMessage message) implements Command {}

  /** From a bucket actor: the ping-before-evict ping of {@code id} was answered or not. */
  record PingResult(NodeId id, boolean alive) implements Command {}

  /** From a bucket actor's timer: refresh bucket {@code index} if it is idle. */
  record RefreshIfIdle(int index) implements Command {}

  /** From the snapshot actor after recovery. */
  record RestoreContacts(List<Contact> contacts) implements Command {}

  /** From the snapshot actor: a snapshot of {@code contacts} contacts is durable. */
  record SnapshotSaved(int contacts) implements Command {}

  private record InboundCell(Links.Inbound inbound) implements Command {}

  private record QueryTimedOut(long txId) implements Command {}

  private record LocalRecordsChecked(NodeId key, RecordsActor.StoredRecords held,
      ActorRef<RecordLookupView> replyTo) implements Command {}

  private enum SnapshotTick implements Command { INSTANCE }

  private enum LookupEnded implements Command { INSTANCE }

  private final TimerScheduler<Command> timers;
  private final ActorRef<Links.Command> links;
  private final DhtSettings settings;
  private final Clock clock;
  private final RoutingTable table;
  private final RecordVerifier verifier;
  private final ActorRef<RecordsActor.Command> records;
  private final ActorRef<RoutingSnapshotActor.Command> snapshots;
  private final AddressBook addressBook;
  private final Transactions<ActorRef<Outcome>> transactions;
  private final Map<Integer, ActorRef<KBucketActor.Command>> bucketActors = new HashMap<>();
  private final DhtInbound inbound;
  private final NodeMetrics metrics;
  private int changes;
  private boolean dirty;
  private boolean joined;
  private int persistedContacts = -1;
  private int activeLookups;

  /**
   * @param identity this node's Ed25519 identity (its id is SHA-256 of the public key); signs
   *     published records
   * @param links the links actor; DHT cells are routed here
   * @param directory the directory actor to subscribe to, or null (tests inject
   *     {@link DirectoryUpdated})
   */
  public static Behavior<Command> create(Ed25519.KeyPair identity, ActorRef<Links.Command> links,
      Consumer<ActorRef<DirectoryView>> directory, DhtSettings settings, Clock clock,
      RandomGenerator random) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new DhtActor(ctx, timers, identity, links, directory, settings, clock, random)));
  }

  private DhtActor(ActorContext<Command> context, TimerScheduler<Command> timers,
      Ed25519.KeyPair identity, ActorRef<Links.Command> links,
      Consumer<ActorRef<DirectoryView>> directory, DhtSettings settings, Clock clock,
      RandomGenerator random) {
    super(context);
    this.timers = timers;
    this.links = links;
    this.settings = settings;
    this.clock = clock;
    this.transactions = new Transactions<>(random);
    this.inbound = new DhtInbound(new PeerRateLimiter(clock, settings.queriesBurst(), settings.queriesPerSecond(),
        DhtSettings.QUERY_RATE_PEERS));
    this.metrics = Metrics.get(context.getSystem());
    NodeId self = NodeId.ofIdentityKey(identity.publicKey());
    this.table = new RoutingTable(self, settings.routingConfig(), clock, random);
    this.addressBook = new AddressBook(self);
    this.verifier = new RecordVerifier(clock, settings.recordMaxLifetime());
    // Children are restarted where they fail and watched: one that stops for good takes the
    // DHT actor down with it (a death pact), and the DHT actor's own supervisor restarts it.
    this.records = context.spawn(Behaviors.supervise(
            RecordsActor.create(self, identity, context.getSelf(), settings, clock))
        .onFailure(SupervisorStrategy.restart()), "records");
    context.watch(records);
    this.snapshots = settings.persistRoutingTable()
        ? context.spawn(Behaviors.supervise(RoutingSnapshotActor.create(self, context.getSelf()))
            .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
            "routing-snapshot")
        : null;
    if (snapshots != null) {
      context.watch(snapshots);
      timers.startTimerWithFixedDelay(SnapshotTick.INSTANCE, settings.snapshotInterval());
    }
    links.tell(new Links.Route(CellCommand.DHT,
        context.messageAdapter(Links.Inbound.class, InboundCell::new)));
    if (directory != null) {
      directory.accept(context.messageAdapter(DirectoryView.class, DirectoryUpdated::new));
    }
    ensureBucketActors();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(InboundCell.class, this::onInbound)
        .onMessage(DirectoryUpdated.class, this::onDirectoryUpdated)
        .onMessage(GetBuckets.class, this::onGetBuckets)
        .onMessage(PutRecord.class, this::onPutRecord)
        .onMessage(PublishSigned.class, m -> {
          records.tell(new RecordsActor.PublishSigned(m.record(), m.replyTo()));
          return this;
        })
        .onMessage(GetRecord.class, this::onGetRecord)
        .onMessage(LocalRecordsChecked.class, this::onLocalRecordsChecked)
        .onMessage(Lookup.class, this::onLookup)
        .onMessage(GetStoredRecords.class, this::onGetStoredRecords)
        .onMessage(Request.class, this::onRequest)
        .onMessage(QueryTimedOut.class, this::onQueryTimedOut)
        .onMessage(SendMessage.class, this::onSendMessage)
        .onMessage(PingResult.class, this::onPingResult)
        .onMessage(RefreshIfIdle.class, this::onRefreshIfIdle)
        .onMessage(RestoreContacts.class, this::onRestoreContacts)
        .onMessage(SnapshotSaved.class, this::onSnapshotSaved)
        .onMessageEquals(SnapshotTick.INSTANCE, this::onSnapshotTick)
        .onMessageEquals(LookupEnded.INSTANCE, () -> {
          activeLookups--;
          return this;
        })
        .build();
  }

  private Behavior<Command> onInbound(InboundCell msg) {
    NodeId from = msg.inbound().from();
    DhtInbound.Verdict verdict = inbound.admit(from, msg.inbound().cell());
    if (verdict instanceof DhtInbound.Request request) {
      addressBook.seen(from, clock.instant()).ifPresent(this::heardFrom); // unknown to the directory: answered only
      answer(from, request.message());
    } else if (verdict instanceof DhtInbound.Response response) {
      onResponse(from, response.message());
    } else if (verdict instanceof DhtInbound.Dropped dropped) {
      metrics.dhtDropped(dropped.reason());
      getContext().getLog().debug("dropped a DHT message from {}: {}", from.shortHex(), dropped.detail());
    }
    return this;
  }

  private void answer(NodeId from, DhtMessage m) {
    int n = Math.min(settings.k(), DhtMessageCodec.MAX_CONTACTS);
    if (m instanceof DhtMessage.Ping p) {
      send(from, new DhtMessage.Pong(p.txId()));
    } else if (m instanceof DhtMessage.FindNode f) {
      send(from, new DhtMessage.Nodes(f.txId(), table.closest(f.target(), n)));
    } else if (m instanceof DhtMessage.FindValue f) {
      records.tell(new RecordsActor.HandleFindValue(from, f.txId(), f.key(), table.closest(f.key(), n)));
    } else if (m instanceof DhtMessage.Store s) {
      records.tell(new RecordsActor.HandleStore(from, s.txId(), s.record(),
          table.isAmongClosest(s.record().key(), settings.k())));
    }
  }

  private void onResponse(NodeId from, DhtMessage m) {
    Transactions.Pending<ActorRef<Outcome>> p = transactions.complete(from, m).orElse(null);
    if (p == null) {
      return;
    }
    timers.cancel(m.txId());
    // the address comes from the verified directory when it knows the node, never only from
    // a NODES answer of some other peer
    heardFrom(addressBook.seen(from, clock.instant()).orElseGet(() -> p.to().withLastSeen(clock.instant())));
    p.replyTo().tell(new Answered(p.to(), m));
  }

  /** A contact sent a valid request or answered: it moves up, or is offered to the table. */
  private void heardFrom(Contact c) {
    if (table.markSeen(c.id())) {
      dirty = true;
      return;
    }
    offer(c);
  }

  private void offer(Contact c) {
    AddResult result = table.add(c);
    if (result instanceof AddResult.Added) {
      changed();
    } else if (result instanceof AddResult.Updated) {
      dirty = true;
    } else if (result instanceof AddResult.PingThenEvict p) {
      ensureBucketActors();
      bucketActors.get(table.bucketIndexOf(p.leastRecentlySeen().id()))
          .tell(new KBucketActor.PingThenEvict(p.leastRecentlySeen(), p.candidate()));
    }
    ensureBucketActors();
  }

  private Behavior<Command> onDirectoryUpdated(DirectoryUpdated msg) {
    for (Contact c : addressBook.update(msg.view())) {
      if (table.get(c.id()).isEmpty()) {
        offer(c);
      }
    }
    if (!joined && table.size() > 0) {
      joined = true; // join: look up our own id, which fills the buckets near us
      startLookup(table.self(), IterativeLookup.Kind.FIND_NODE,
          getContext().getSystem().ignoreRef(), Function.identity());
    }
    return this;
  }

  private Behavior<Command> onGetBuckets(GetBuckets msg) {
    msg.replyTo().tell(DhtView.of(table, inbound.malformed(), inbound.rateLimited(), transactions.unmatched(),
        transactions.open(), activeLookups, persistedContacts));
    return this;
  }

  private Behavior<Command> onPutRecord(PutRecord msg) {
    records.tell(new RecordsActor.Publish(msg.key(), msg.value(), msg.ttl(), msg.replyTo()));
    return this;
  }

  private Behavior<Command> onGetRecord(GetRecord msg) {
    if (msg.key() == null || msg.key().length != NodeId.BYTES) {
      msg.replyTo().tell(new RecordLookupView(null, false, null, null, null, 0, 0, 0));
      return this;
    }
    NodeId key = NodeId.of(msg.key());
    getContext().ask(RecordsActor.StoredRecords.class, records, settings.queryTimeout(),
        ref -> new RecordsActor.GetStored(key, ref),
        (held, failure) -> new LocalRecordsChecked(key, held, msg.replyTo()));
    return this;
  }

  /** A node that holds the record answers from its own store (0 rounds), else it looks it up. */
  private Behavior<Command> onLocalRecordsChecked(LocalRecordsChecked msg) {
    if (msg.held() != null && !msg.held().records().isEmpty()) {
      metrics.dhtLookup(NodeMetrics.LookupOutcome.LOCAL, 0);
      msg.replyTo().tell(RecordLookupView.of(new LookupResult(msg.key(),
          IterativeLookup.Kind.FIND_VALUE, List.of(), msg.held().records(), 0, 0, 0, 0)));
    } else {
      startLookup(msg.key(), IterativeLookup.Kind.FIND_VALUE, msg.replyTo(), RecordLookupView::of);
    }
    return this;
  }

  private Behavior<Command> onLookup(Lookup msg) {
    startLookup(msg.target(), msg.kind(), msg.replyTo(), Function.identity());
    return this;
  }

  private <T> void startLookup(NodeId target, IterativeLookup.Kind kind, ActorRef<T> replyTo,
      Function<LookupResult, T> adapt) {
    table.touchBucket(target);
    IterativeLookup lookup = new IterativeLookup(target, kind, table.self(),
        table.closest(target, settings.k()), settings.k(), settings.alpha());
    ActorRef<LookupActor.Command> actor = getContext().spawnAnonymous(LookupActor.create(lookup,
        getContext().getSelf(), settings.queryTimeout(), verifier, replyTo, adapt));
    getContext().watchWith(actor, LookupEnded.INSTANCE);
    activeLookups++;
  }

  private Behavior<Command> onGetStoredRecords(GetStoredRecords msg) {
    records.tell(new RecordsActor.GetStored(msg.key(), msg.replyTo()));
    return this;
  }

  private Behavior<Command> onRequest(Request msg) {
    long txId = transactions.open(msg.to(), DhtRequests.responseType(msg.query().type()), msg.replyTo());
    DhtMessage query = DhtRequests.withTxId(msg.query(), txId);
    timers.startSingleTimer(txId, new QueryTimedOut(txId), msg.timeout());
    send(msg.to().id(), query);
    return this;
  }

  private Behavior<Command> onQueryTimedOut(QueryTimedOut msg) {
    transactions.expire(msg.txId()).ifPresent(p -> {
      if (table.markFailed(p.to().id())) {
        changed();
      }
      p.replyTo().tell(new TimedOut(p.to()));
    });
    return this;
  }

  private Behavior<Command> onSendMessage(SendMessage msg) {
    send(msg.to(), msg.message());
    return this;
  }

  private Behavior<Command> onPingResult(PingResult msg) {
    if (!msg.alive()) {
      Optional<Contact> promoted = table.remove(msg.id());
      getContext().getLog().debug("evicted {} after an unanswered ping{}", msg.id().shortHex(),
          promoted.map(c -> ", promoted " + c).orElse(""));
      changed();
    }
    return this;
  }

  private Behavior<Command> onRefreshIfIdle(RefreshIfIdle msg) {
    for (RefreshTarget t : table.refreshTargets()) {
      if (t.bucketIndex() == msg.index() && table.size() > 0) {
        startLookup(t.target(), IterativeLookup.Kind.FIND_NODE,
            getContext().getSystem().ignoreRef(), Function.identity());
      }
    }
    return this;
  }

  private Behavior<Command> onRestoreContacts(RestoreContacts msg) {
    for (Contact c : msg.contacts()) {
      addressBook.restore(c);
      if (table.get(c.id()).isEmpty()) {
        offer(c);
      }
    }
    changes = 0;
    if (!msg.contacts().isEmpty()) {
      getContext().getLog().info("restored {} saved contacts into the routing table ({} now)",
          msg.contacts().size(), table.size());
    }
    return this;
  }

  private Behavior<Command> onSnapshotSaved(SnapshotSaved msg) {
    persistedContacts = msg.contacts();
    return this;
  }

  private Behavior<Command> onSnapshotTick() {
    if (changes > 0 || dirty) {
      saveSnapshot();
    }
    return this;
  }

  /** A contact joined or left the table: persist after {@code snapshotEveryChanges} of these. */
  private void changed() {
    changes++;
    if (snapshots != null && changes >= settings.snapshotEveryChanges()) {
      saveSnapshot();
    }
  }

  private void saveSnapshot() {
    if (snapshots != null) {
      snapshots.tell(new RoutingSnapshotActor.Save(table.contacts()));
    }
    changes = 0;
    dirty = false;
  }

  /** One bucket actor per bucket; buckets only ever get added at the end. */
  private void ensureBucketActors() {
    for (int i = bucketActors.size(); i < table.bucketCount(); i++) {
      ActorRef<KBucketActor.Command> bucket = getContext().spawn(Behaviors.supervise(
          KBucketActor.create(i, getContext().getSelf(), settings)).onFailure(SupervisorStrategy.restart()),
          "bucket-" + i);
      getContext().watch(bucket);
      bucketActors.put(i, bucket);
    }
  }

  private void send(NodeId to, DhtMessage m) {
    links.tell(new Links.Send(to, DhtCellFraming.toCell(m)));
  }
}
