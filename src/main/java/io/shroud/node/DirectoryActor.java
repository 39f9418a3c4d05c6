package io.shroud.node;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.OnionKeys;
import io.shroud.identity.DescriptorVerifier;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.SignedDescriptor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 * Distributed Data (an {@link LWWMap} keyed by cluster address) whenever its onion key
 * changes and before the descriptor expires, and keeps the verified view: cluster members
 * that are Up and whose descriptor passes {@link DescriptorVerifier}. A forged, expired or
 * mismatched descriptor is logged once and never used.
 */
public final class DirectoryActor extends AbstractBehavior<DirectoryActor.Command> {

  public static final Key<LWWMap<String, SignedDescriptor>> DESCRIPTORS =
      LWWMapKey.create("shroud-descriptors");

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

  /** Safety net: recompute the view even if no event came (the cluster's read view can lag). */
  private enum Recheck implements Command {
    INSTANCE
  }

  /** What the directory needs to know about this node to describe it. */
  public record Self(Ed25519.KeyPair identity, byte[] linkPublicKey, ShroudSettings settings) {}

  /** Tells {@code subscriber} the verified view now and whenever it changes. */
  public record Subscribe(ActorRef<DirectoryView> subscriber) implements Command {}

  /** How lower layers subscribe without naming this actor: each ref given is sent {@link Subscribe}. */
  public static Consumer<ActorRef<DirectoryView>> subscriptions(ActorRef<Command> directory) {
    return subscriber -> directory.tell(new Subscribe(subscriber));
  }

  private final Self self;
  private final Clock clock;
  private final DescriptorVerifier verifier;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, SignedDescriptor>> replicator;
  private final SelfUniqueAddress selfUniqueAddress;
  private final Cluster cluster;
  private final Map<String, SignedDescriptor> published = new HashMap<>();
  private final Set<String> loggedRejections = new HashSet<>();
  private OnionKeys keys;
  private List<NodeDescriptor> verified = List.of();
  /** Member statuses as the membership events told them; newer than {@code cluster.state()}. */
  private final Map<Address, MemberStatus> statusFromEvents = new HashMap<>();
  static final Duration RECHECK_INTERVAL = Duration.ofSeconds(5);
  private final List<ActorRef<DirectoryView>> subscribers = new ArrayList<>();

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
    this.replicator = replicator;
    this.verifier = new DescriptorVerifier(clock, self.settings().clockSkew());
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
        .onMessage(KeysUpdated.class, this::onKeysUpdated)
        .onMessage(DescriptorsChanged.class, this::onDescriptorsChanged)
        .onMessage(Published.class, this::onPublished)
        .onMessage(MembershipChanged.class, this::onMembershipChanged)
        .onMessageEquals(Republish.INSTANCE, this::onRepublish)
        .onMessageEquals(Recheck.INSTANCE, () -> {
          recompute();
          return this;
        })
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
        io.shroud.identity.NodeId.ofIdentityKey(self.identity().publicKey()),
        self.identity().publicKey(),
        self.linkPublicKey(),
        keys.current().publicKey().encode(),
        s.clusterAddress().toString(),
        s.dataAddress().toString(),
        s.managementAddress().toString(),
        now.minus(Duration.ofMinutes(1)),
        now.plus(s.descriptorValidity()),
        s.advertisedBandwidth());
    SignedDescriptor signed = SignedDescriptor.sign(descriptor, self.identity());
    String key = s.clusterAddress().toString();
    replicator.askUpdate(
        replyTo -> new Replicator.Update<>(DESCRIPTORS, LWWMap.empty(), Replicator.writeLocal(), replyTo,
            map -> map.put(selfUniqueAddress, key, signed)),
        Published::new);
  }

  private Behavior<Command> onPublished(Published msg) {
    if (!(msg.rsp() instanceof Replicator.UpdateSuccess)) {
      getContext().getLog().warn("publishing this node's descriptor failed: {}", msg.rsp());
    }
    return this;
  }

  private Behavior<Command> onDescriptorsChanged(DescriptorsChanged msg) {
    if (msg.rsp() instanceof Replicator.Changed<LWWMap<String, SignedDescriptor>> changed) {
      published.clear();
      published.putAll(changed.get(DESCRIPTORS).getEntries());
      recompute();
    }
    return this;
  }

  private Behavior<Command> onMembershipChanged(MembershipChanged msg) {
    Member changed = msg.event().member();
    if (msg.event() instanceof ClusterEvent.MemberRemoved) {
      statusFromEvents.put(changed.address(), MemberStatus.removed());
    } else {
      statusFromEvents.put(changed.address(), changed.status());
    }
    if (msg.event() instanceof ClusterEvent.MemberRemoved removed) {
      String key = hostPort(removed.member().address());
      if (published.containsKey(key) && cluster.selfMember().status() == MemberStatus.up()) {
        replicator.askUpdate(
            replyTo -> new Replicator.Update<>(DESCRIPTORS, LWWMap.empty(), Replicator.writeLocal(), replyTo,
                map -> map.remove(selfUniqueAddress, key)),
            Published::new);
      }
    }
    recompute();
    return this;
  }

  private void recompute() {
    List<NodeDescriptor> view = new ArrayList<>();
    Set<io.shroud.identity.NodeId> seen = new HashSet<>();
    // the cluster's read view can lag behind the events just delivered: the events win
    Map<Address, MemberStatus> statuses = new HashMap<>();
    for (Member m : cluster.state().getMembers()) {
      statuses.put(m.address(), m.status());
    }
    statuses.putAll(statusFromEvents);
    for (Map.Entry<Address, MemberStatus> m : statuses.entrySet()) {
      if (m.getValue() != MemberStatus.up()) {
        continue;
      }
      String address = hostPort(m.getKey());
      SignedDescriptor signed = published.get(address);
      if (signed == null) {
        continue;
      }
      DescriptorVerifier.Result result = verifier.verify(signed, address);
      if (result instanceof DescriptorVerifier.Verified v) {
        if (seen.add(v.descriptor().nodeId())) {
          view.add(v.descriptor());
        }
      } else if (result instanceof DescriptorVerifier.Rejected r
          && loggedRejections.add(address + " " + r.reason())) {
        getContext().getLog().warn("descriptor from {} rejected: {}", address, r.reason());
      }
    }
    view.sort(Comparator.comparing(NodeDescriptor::nodeId));
    List<NodeDescriptor> next = List.copyOf(view);
    if (!next.equals(verified)) {
      verified = next;
      DirectoryView update = new DirectoryView(verified);
      subscribers.forEach(s -> s.tell(update));
    }
  }

  static String hostPort(Address address) {
    return address.host().get() + ":" + address.port().get();
  }
}
