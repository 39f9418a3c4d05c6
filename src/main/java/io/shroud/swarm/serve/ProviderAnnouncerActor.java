package io.shroud.swarm.serve;

import io.shroud.dht.DhtActor;
import io.shroud.dht.PutRecordResult;
import io.shroud.identity.NodeId;
import io.shroud.swarm.transfer.ProviderKey;
import io.shroud.swarm.transfer.ProviderRecord;
import io.shroud.swarm.transfer.SwarmSettings;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Announces this node as a provider of every share it serves: a {@link ProviderRecord} sealed
 * for the share's info-hash, published under {@link ProviderKey} through {@link DhtActor.PutRecord}
 * (the DHT actor signs it with the node's identity) and valid for
 * {@link SwarmSettings#recordValidity()}. It polls {@link SharesActor.ListShares} at start and
 * every {@link SwarmSettings#announceInterval()}: new shares are announced at the next poll,
 * announced ones again once half their validity has passed, stale and removed ones are dropped
 * (their records expire).
 */
public final class ProviderAnnouncerActor extends AbstractBehavior<ProviderAnnouncerActor.Command> {

  public sealed interface Command {}

  /** Replies with the announcement state of every share. */
  public record GetAnnouncements(ActorRef<List<AnnouncementView>> replyTo) implements Command {}

  private enum Poll implements Command { INSTANCE }

  private record Listed(List<ShareView> shares) implements Command {}

  private record Published(String infoHashHex, Instant at, PutRecordResult result) implements Command {}

  private record Announcement(Instant at, int stored, String error) {}

  private final NodeId self;
  private final ActorRef<SharesActor.Command> shares;
  private final ActorRef<DhtActor.Command> dht;
  private final SwarmSettings settings;
  private final Clock clock;
  private final SecureRandom random;
  private final Map<String, Announcement> announced = new LinkedHashMap<>();
  private final Set<String> pending = new HashSet<>();
  private final ActorRef<List<ShareView>> listAdapter;

  public static Behavior<Command> create(NodeId self, ActorRef<SharesActor.Command> shares,
      ActorRef<DhtActor.Command> dht, SwarmSettings settings, Clock clock, SecureRandom random) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Poll.INSTANCE, settings.announceInterval());
      ctx.getSelf().tell(Poll.INSTANCE);
      return new ProviderAnnouncerActor(ctx, self, shares, dht, settings, clock, random);
    }));
  }

  private ProviderAnnouncerActor(ActorContext<Command> ctx, NodeId self, ActorRef<SharesActor.Command> shares,
      ActorRef<DhtActor.Command> dht, SwarmSettings settings, Clock clock, SecureRandom random) {
    super(ctx);
    this.self = self;
    this.shares = shares;
    this.dht = dht;
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.listAdapter = listAdapter();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Poll.INSTANCE, this::onPoll)
        .onMessage(Listed.class, this::onListed)
        .onMessage(Published.class, this::onPublished)
        .onMessage(GetAnnouncements.class, this::onGet)
        .build();
  }

  private Behavior<Command> onPoll() {
    shares.tell(new SharesActor.ListShares(listAdapter));
    return this;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private ActorRef<List<ShareView>> listAdapter() {
    ActorRef adapter = getContext().messageAdapter(List.class, l -> new Listed(cast(l)));
    return adapter;
  }

  @SuppressWarnings("unchecked")
  private static List<ShareView> cast(List<?> list) {
    return (List<ShareView>) list;
  }

  private Behavior<Command> onListed(Listed listed) {
    Instant now = clock.instant();
    Set<String> live = new HashSet<>();
    for (ShareView share : listed.shares()) {
      if (share.stale()) {
        continue;
      }
      live.add(share.infoHash());
      Announcement last = announced.get(share.infoHash());
      boolean due = last == null || last.stored() == 0
          || !now.isBefore(last.at().plus(settings.recordValidity().dividedBy(2)));
      if (due && !pending.contains(share.infoHash())) {
        publish(share.infoHash(), now);
      }
    }
    announced.keySet().retainAll(live);
    return this;
  }

  private void publish(String infoHashHex, Instant now) {
    byte[] infoHash = HexFormat.of().parseHex(infoHashHex);
    byte[] value = new ProviderRecord(self, now, true).seal(infoHash, random);
    pending.add(infoHashHex);
    dht.tell(new DhtActor.PutRecord(ProviderKey.of(infoHash).toBytes(), value, settings.recordValidity(),
        getContext().messageAdapter(PutRecordResult.class, r -> new Published(infoHashHex, now, r))));
  }

  private Behavior<Command> onPublished(Published p) {
    pending.remove(p.infoHashHex());
    PutRecordResult r = p.result();
    if (r.error() != null || r.stored() == 0) {
      getContext().getLog().info("provider announcement of {} stored nowhere: {}", p.infoHashHex(),
          r.error() != null ? r.error() : "no node accepted it");
    }
    announced.put(p.infoHashHex(), new Announcement(p.at(), r.stored(),
        r.error() != null ? r.error() : r.stored() == 0 ? "no node accepted the record" : null));
    return this;
  }

  private Behavior<Command> onGet(GetAnnouncements get) {
    List<AnnouncementView> out = new ArrayList<>();
    announced.forEach((hash, a) -> out.add(new AnnouncementView(hash, a.at().toString(), a.stored(), a.error())));
    get.replyTo().tell(out);
    return this;
  }
}
