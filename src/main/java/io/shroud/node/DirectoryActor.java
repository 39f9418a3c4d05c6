package io.shroud.node;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.OnionKeys;
import io.shroud.identity.DescriptorVerifier;
import io.shroud.identity.DirectoryCache;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.identity.SignedDescriptor;
import io.shroud.node.admission.AdmittedPeers;
import io.shroud.node.admission.Revocations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The network's directory of relays. Publishes this node's signed descriptor through
 * Distributed Data (an {@link LWWMap} keyed by node id, lower-case hex) whenever its onion key
 * changes and before the descriptor expires, and keeps the verified view in a
 * {@link DirectoryCache}: per node id the newest descriptor that verified under that node's own
 * key, whatever a member writes into the map later; listed if it names an Up member, is not
 * revoked ({@link Revocations}) and no other id holds that member's address.
 *
 * <p>Nothing here removes a descriptor that verifies: a value is removed from the map only if it
 * can never count under its key (forged, malformed, another node's, expired), and only if the map
 * still holds exactly those bytes. A node that finds its own key holding anything but its latest
 * descriptor (or a newer one of its own) puts its own back at once. docs/security.md, "Directory
 * writes".
 */
public final class DirectoryActor extends AbstractBehavior<DirectoryActor.Command> {

  /** The replicated map: node id (hex) → that node's signed descriptor. */
  public static final Key<LWWMap<String, SignedDescriptor>> DESCRIPTORS =
      LWWMapKey.create("shroud-descriptors-by-id");

  public sealed interface Command {}

  /** Replies with the verified descriptors, ordered by node id. */
  public record GetDirectory(ActorRef<DirectoryView> replyTo) implements Command {}

  private record KeysUpdated(OnionKeys keys) implements Command {}

  private record DescriptorsChanged(Replicator.SubscribeResponse<LWWMap<String, SignedDescriptor>> rsp)
      implements Command {}

  private record Published(Replicator.UpdateResponse<LWWMap<String, SignedDescriptor>> rsp)
      implements Command {}

  private record MembershipChanged(ClusterEvent.MemberEvent event) implements Command {}

  private enum Republish implements Command {
    INSTANCE
  }

  /**
   * Recomputes the view even if no event came (the cluster's read view can lag; a descriptor
   * expires; a revocation arrives), and removes from the map what can never count.
   */
  private enum Recheck implements Command {
    INSTANCE
  }

  /** What the directory needs to know about this node to describe it. */
  public record Self(Ed25519.KeyPair identity, byte[] linkPublicKey, ShroudSettings settings) {}

  /** Tells {@code subscriber} the verified view now and whenever it changes. */
  public record Subscribe(ActorRef<DirectoryView> subscriber) implements Command {}

  /**
   * Tells {@code subscriber} the signed descriptors now and whenever they change: this node's own
   * latest (empty before its first publication) and every verified one kept ({@link
   * DirectoryCache#kept()}). For what a relay offers clients (its proof, its directory answer).
   */
  public record SubscribeSigned(ActorRef<SignedView> subscriber) implements Command {}

  public record SignedView(Optional<SignedDescriptor> own, List<DirectoryCache.Kept> kept) {
    public SignedView {
      kept = List.copyOf(kept);
    }
  }

  /** How lower layers subscribe without naming this actor: each ref given is sent {@link Subscribe}. */
  public static Consumer<ActorRef<DirectoryView>> subscriptions(ActorRef<Command> directory) {
    return subscriber -> directory.tell(new Subscribe(subscriber));
  }

  static final Duration RECHECK_INTERVAL = Duration.ofSeconds(5);
  /** Distinct rejection and conflict lines remembered (logged once each); forgotten all at once beyond. */
  private static final int MAX_LOGGED = 1024;

  private final Self self;
  private final Clock clock;
  private final NodeId selfId;
  private final String selfKey;
  private final DirectoryCache cache;
  private final Revocations revocations;
  private final AdmittedPeers admittedPeers;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, SignedDescriptor>> replicator;
  private final SelfUniqueAddress selfUniqueAddress;
  private final Cluster cluster;
  /** The replicated map as last notified. */
  private Map<String, SignedDescriptor> published = Map.of();
  private final Set<String> logged = new HashSet<>();
  private OnionKeys keys;
  private SignedDescriptor ownLatest;
  /** When this node last put its own entry back (null: never). */
  private Instant lastHeal;
  private List<NodeDescriptor> verified = List.of();
  /** Member statuses as the membership events told them; newer than {@code cluster.state()}. */
  private final Map<Address, MemberStatus> statusFromEvents = new HashMap<>();
  private final List<ActorRef<DirectoryView>> subscribers = new ArrayList<>();
  private final List<ActorRef<SignedView>> signedSubscribers = new ArrayList<>();
  private SignedView signed = new SignedView(Optional.empty(), List.of());

  public static Behavior<Command> create(Self self, ActorRef<KeysActor.Command> keysActor, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        DistributedData.withReplicatorMessageAdapter(
            (ReplicatorMessageAdapter<Command, LWWMap<String, SignedDescriptor>> replicator) ->
                new DirectoryActor(ctx, timers, replicator, self, keysActor, clock))));
  }

  private DirectoryActor(ActorContext<Command> context, TimerScheduler<Command> timers,
      ReplicatorMessageAdapter<Command, LWWMap<String, SignedDescriptor>> replicator,
      Self self, ActorRef<KeysActor.Command> keysActor, Clock clock) {
    super(context);
    this.self = self;
    this.clock = clock;
    this.selfId = NodeId.ofIdentityKey(self.identity().publicKey());
    this.selfKey = DirectoryCache.keyOf(selfId);
    this.replicator = replicator;
    this.cache = new DirectoryCache(new DescriptorVerifier(clock, self.settings().clockSkew()));
    this.revocations = Revocations.get(context.getSystem());
    this.admittedPeers = AdmittedPeers.get(context.getSystem());
    this.selfUniqueAddress = DistributedData.get(context.getSystem()).selfUniqueAddress();
    this.cluster = Cluster.get(context.getSystem());
    replicator.subscribe(DESCRIPTORS, DescriptorsChanged::new);
    cluster.subscriptions().tell(org.apache.pekko.cluster.typed.Subscribe.create(
        context.messageAdapter(ClusterEvent.MemberEvent.class, MembershipChanged::new),
        ClusterEvent.MemberEvent.class));
    keysActor.tell(new KeysActor.Subscribe(context.messageAdapter(OnionKeys.class, KeysUpdated::new)));
    timers.startTimerWithFixedDelay(Republish.INSTANCE, self.settings().descriptorValidity().dividedBy(3));
    timers.startTimerWithFixedDelay(Recheck.INSTANCE, RECHECK_INTERVAL);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(GetDirectory.class, this::onGetDirectory)
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(SubscribeSigned.class, cmd -> {
          signedSubscribers.add(cmd.subscriber());
          getContext().watch(cmd.subscriber());
          cmd.subscriber().tell(signed);
          return this;
        })
        .onMessage(KeysUpdated.class, this::onKeysUpdated)
        .onMessage(DescriptorsChanged.class, this::onDescriptorsChanged)
        .onMessage(Published.class, this::onPublished)
        .onMessage(MembershipChanged.class, this::onMembershipChanged)
        .onMessageEquals(Republish.INSTANCE, this::onRepublish)
        .onMessageEquals(Recheck.INSTANCE, this::onRecheck)
        .onSignal(Terminated.class, this::onTerminated)
        .build();
  }

  private Behavior<Command> onGetDirectory(GetDirectory cmd) {
    recompute();
    cmd.replyTo().tell(new DirectoryView(verified));
    return this;
  }

  private Behavior<Command> onSubscribe(Subscribe cmd) {
    subscribers.add(cmd.subscriber());
    getContext().watch(cmd.subscriber());
    cmd.subscriber().tell(new DirectoryView(verified));
    return this;
  }

  private Behavior<Command> onTerminated(Terminated t) {
    subscribers.remove(t.getRef());
    signedSubscribers.remove(t.getRef());
    return this;
  }

  private Behavior<Command> onKeysUpdated(KeysUpdated msg) {
    keys = msg.keys();
    publish();
    return this;
  }

  private Behavior<Command> onRepublish() {
    publish();
    return this;
  }

  private void publish() {
    if (keys == null) {
      return;
    }
    ShroudSettings s = self.settings();
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    NodeDescriptor descriptor = new NodeDescriptor(
        NodeDescriptor.PROTOCOL_VERSION,
        selfId,
        self.identity().publicKey(),
        self.linkPublicKey(),
        keys.current().publicKey().encode(),
        s.clusterAddress().toString(),
        s.dataAddress().toString(),
        now.minus(Duration.ofMinutes(1)),
        now.plus(s.descriptorValidity()),
        s.advertisedBandwidth());
    ownLatest = SignedDescriptor.sign(descriptor, self.identity());
    cache.offer(selfKey, ownLatest);
    putOwn();
    recompute();
  }

  private void putOwn() {
    SignedDescriptor signed = ownLatest;
    replicator.askUpdate(
        replyTo -> new Replicator.Update<>(DESCRIPTORS, LWWMap.empty(), Replicator.writeLocal(), replyTo,
            map -> map.put(selfUniqueAddress, selfKey, signed)),
        Published::new);
  }

  private Behavior<Command> onPublished(Published msg) {
    if (!(msg.rsp() instanceof Replicator.UpdateSuccess)) {
      getContext().getLog().warn("writing the directory map failed: {}", msg.rsp());
    }
    return this;
  }

  private Behavior<Command> onDescriptorsChanged(DescriptorsChanged msg) {
    if (msg.rsp() instanceof Replicator.Changed<LWWMap<String, SignedDescriptor>> changed) {
      published = Map.copyOf(changed.get(DESCRIPTORS).getEntries());
      offerPublished();
      healOwnEntry(false);
      recompute();
    }
    return this;
  }

  private Behavior<Command> onRecheck() {
    Map<String, DirectoryCache.Offer> offers = offerPublished();
    removeWhatCanNeverCount(offers);
    healOwnEntry(true);
    recompute();
    return this;
  }

  /** Offers the whole map to the cache (cheap for what it has seen), logging each refusal once. */
  private Map<String, DirectoryCache.Offer> offerPublished() {
    Map<String, DirectoryCache.Offer> offers = cache.offerAll(published);
    offers.forEach((key, offer) -> {
      if (offer instanceof DirectoryCache.Refused r && logOnce(key + " " + r.reason())) {
        getContext().getLog().warn("directory entry {} not used: {}", abbreviate(key), r.reason());
      }
    });
    return offers;
  }

  /**
   * Our key must hold our latest descriptor: anything else (a forgery, an older one, nothing) is
   * replaced at once. If it comes back within a recheck interval of our last put (a member that
   * keeps writing, or one whose write carries a timestamp no later write beats), we put ours again
   * only on each recheck, so that the two writers do not spin.
   */
  private void healOwnEntry(boolean onRecheck) {
    if (ownLatest == null) {
      return;
    }
    SignedDescriptor there = published.get(selfKey);
    if (cache.shouldRepublish(ownLatest, there)) {
      Instant now = clock.instant();
      boolean recent = lastHeal != null && Duration.between(lastHeal, now).compareTo(RECHECK_INTERVAL) < 0;
      if (recent && !onRecheck) {
        return;
      }
      if (there != null && logOnce("healed " + there.hashCode())) {
        getContext().getLog().warn("this node's directory entry held a value that is not its latest descriptor;"
            + " putting its own back (a member writing under this node's key?)");
      }
      lastHeal = now;
      putOwn();
    } else if (there != null && !there.equals(ownLatest) && logOnce("clone " + there.hashCode())) {
      getContext().getLog().warn("this node's directory entry holds a newer descriptor signed with this node's"
          + " own identity key: another process runs with this identity");
    }
  }

  /**
   * Removes the values that can never count under their key, each only if the map still holds
   * exactly those bytes when the update runs (a value put back meanwhile is left alone).
   */
  private void removeWhatCanNeverCount(Map<String, DirectoryCache.Offer> offers) {
    Map<String, SignedDescriptor> doomed = new HashMap<>();
    offers.forEach((key, offer) -> {
      if (offer instanceof DirectoryCache.Refused r && r.removable() && published.containsKey(key)) {
        doomed.put(key, published.get(key));
      }
    });
    if (doomed.isEmpty() || cluster.selfMember().status() != MemberStatus.up()) {
      return;
    }
    replicator.askUpdate(
        replyTo -> new Replicator.Update<>(DESCRIPTORS, LWWMap.empty(), Replicator.writeLocal(), replyTo,
            map -> removeIfUnchanged(map, doomed, selfUniqueAddress)),
        Published::new);
  }

  static LWWMap<String, SignedDescriptor> removeIfUnchanged(LWWMap<String, SignedDescriptor> map,
      Map<String, SignedDescriptor> doomed, SelfUniqueAddress node) {
    Map<String, SignedDescriptor> now = map.getEntries();
    LWWMap<String, SignedDescriptor> out = map;
    for (Map.Entry<String, SignedDescriptor> e : doomed.entrySet()) {
      if (e.getValue().equals(now.get(e.getKey()))) {
        out = out.remove(node, e.getKey());
      }
    }
    return out;
  }

  private Behavior<Command> onMembershipChanged(MembershipChanged msg) {
    Member changed = msg.event().member();
    if (msg.event() instanceof ClusterEvent.MemberRemoved) {
      statusFromEvents.put(changed.address(), MemberStatus.removed());
    } else {
      statusFromEvents.put(changed.address(), changed.status());
    }
    recompute();
    return this;
  }

  private void recompute() {
    // the cluster's read view can lag behind the events just delivered: the events win
    Map<Address, MemberStatus> statuses = new HashMap<>();
    for (Member m : cluster.state().getMembers()) {
      statuses.put(m.address(), m.status());
    }
    statuses.putAll(statusFromEvents);
    Set<String> up = new HashSet<>();
    statuses.forEach((address, status) -> {
      if (status == MemberStatus.up()) {
        up.add(hostPort(address));
      }
    });
    DirectoryCache.Selection selection = cache.select(up, revocations::isRevoked, admittedPeers::at);
    for (DirectoryCache.Conflict c : selection.conflicts()) {
      if (logOnce("conflict " + c)) {
        getContext().getLog().warn("node ids {} all claim cluster address {}; listed: {}", c.claimants(),
            c.address(), c.listed().map(NodeId::toString).orElse("none of them"));
      }
    }
    List<NodeDescriptor> next = selection.listed();
    if (!next.equals(verified)) {
      verified = next;
      DirectoryView update = new DirectoryView(verified);
      subscribers.forEach(s -> s.tell(update));
    }
    SignedView nextSigned = new SignedView(Optional.ofNullable(ownLatest), cache.kept());
    if (!nextSigned.equals(signed)) {
      signed = nextSigned;
      signedSubscribers.forEach(s -> s.tell(nextSigned));
    }
  }

  private boolean logOnce(String line) {
    if (logged.size() >= MAX_LOGGED) {
      logged.clear();
    }
    return logged.add(line);
  }

  private static String abbreviate(String key) {
    String printable = key.replaceAll("[^\\x21-\\x7e]", "?");
    return printable.length() > 16 ? printable.substring(0, 16) + "…" : printable;
  }

  static String hostPort(Address address) {
    return address.host().get() + ":" + address.port().get();
  }
}
