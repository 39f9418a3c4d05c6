package io.shroud.swarm.serve;

import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.Streams;
import io.shroud.content.Magnet;
import io.shroud.hidden.ShareSecret;
import io.shroud.identity.NodeId;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.metrics.Metrics;
import io.shroud.rendezvous.HiddenSeederActor;
import io.shroud.rendezvous.HiddenSeederSettings;
import io.shroud.swarm.transfer.SwarmSettings;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Serves every share of this node hidden (protocol §11; design.md §8.9): one
 * {@link HiddenSeederActor} per share that is not stale, each a hidden service of its own, with
 * its share's secret from the share's link. It polls {@link SharesActor.ListShares} at start and
 * every {@link SwarmSettings#announceInterval()}: a new share gets its seeder at the next poll, a
 * removed or stale one's seeder stops (its intro circuits close; its descriptors expire).
 *
 * <p>A seeder's end-to-end streams reach the {@code transfer} service through a gate of its
 * own that takes only {@code transfer} streams and only for its share
 * ({@link TransferServiceActor.ServeOnly}): through one share's descriptor nobody can open
 * another service of this node, nor learn which other shares it holds.
 */
public final class HiddenSharesActor extends AbstractBehavior<HiddenSharesActor.Command> {
  public sealed interface Command {}

  /** Asks for the info-hashes (hex) served hidden now, each with its seeder's status. */
  public record GetHidden(ActorRef<Map<String, HiddenSeederActor.Status>> replyTo) implements Command {}

  /** The {@code transfer} gate of one share refuses everything else with this reason. */
  public static final String REFUSED = "a hidden service serves only its share's transfer streams";

  private enum Poll implements Command { INSTANCE }

  private record Listed(List<ShareView> shares) implements Command {}

  private record SeederStopped(String infoHashHex) implements Command {}

  private record StatusIn(Collector collector, String infoHashHex, HiddenSeederActor.Status status)
      implements Command {}

  private final NodeId self;
  private final ActorRef<SharesActor.Command> shares;
  private final ActorRef<CircuitsActor.Command> circuits;
  private final ActorRef<RecordLookupsActor.Command> lookups;
  private final ActorRef<TransferServiceActor.Command> transfer;
  private final HiddenSeederSettings settings;
  private final Clock clock;
  private final Map<String, ActorRef<HiddenSeederActor.Command>> seeders = new LinkedHashMap<>();
  private final ActorRef<List<ShareView>> listAdapter;

  /**
   * @param self this node's relay id (never its own intro point), or null on a client
   * @param transfer the node's {@code transfer} service, which serves each seeder's streams
   */
  public static Behavior<Command> create(NodeId self, ActorRef<SharesActor.Command> shares,
      ActorRef<CircuitsActor.Command> circuits, ActorRef<RecordLookupsActor.Command> lookups,
      ActorRef<TransferServiceActor.Command> transfer, HiddenSeederSettings settings, Duration poll,
      Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Poll.INSTANCE, poll);
      ctx.getSelf().tell(Poll.INSTANCE);
      return new HiddenSharesActor(ctx, self, shares, circuits, lookups, transfer, settings, clock);
    }));
  }

  private HiddenSharesActor(ActorContext<Command> ctx, NodeId self, ActorRef<SharesActor.Command> shares,
      ActorRef<CircuitsActor.Command> circuits, ActorRef<RecordLookupsActor.Command> lookups,
      ActorRef<TransferServiceActor.Command> transfer, HiddenSeederSettings settings, Clock clock) {
    super(ctx);
    this.self = self;
    this.shares = shares;
    this.circuits = circuits;
    this.lookups = lookups;
    this.transfer = transfer;
    this.settings = settings;
    this.clock = clock;
    this.listAdapter = listAdapter();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Poll.INSTANCE, () -> {
          shares.tell(new SharesActor.ListShares(listAdapter));
          return this;
        })
        .onMessage(Listed.class, this::onListed)
        .onMessage(SeederStopped.class, stopped -> {
          // a seeder that failed is started again at the next poll
          seeders.remove(stopped.infoHashHex());
          return this;
        })
        .onMessage(GetHidden.class, this::onGetHidden)
        .onMessage(StatusIn.class, in -> {
          in.collector().add(in.infoHashHex(), in.status());
          return this;
        })
        .build();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private ActorRef<List<ShareView>> listAdapter() {
    ActorRef adapter = getContext().messageAdapter(List.class, l -> new Listed((List<ShareView>) l));
    return adapter;
  }

  private Behavior<Command> onListed(Listed listed) {
    Set<String> live = new HashSet<>();
    for (ShareView share : listed.shares()) {
      if (share.stale()) {
        continue;
      }
      String hash = share.infoHash().toLowerCase(java.util.Locale.ROOT);
      live.add(hash);
      if (!seeders.containsKey(hash)) {
        start(hash, share.link());
      }
    }
    for (String hash : new ArrayList<>(seeders.keySet())) {
      if (!live.contains(hash)) {
        ActorRef<HiddenSeederActor.Command> seeder = seeders.remove(hash);
        getContext().unwatch(seeder);
        getContext().stop(seeder);
      }
    }
    Metrics.get(getContext().getSystem()).hiddenServices(seeders.size());
    return this;
  }

  private void start(String infoHashHex, String link) {
    ShareSecret secret;
    try {
      secret = ShareSecret.of(Magnet.parse(link));
    } catch (RuntimeException e) {
      // not the message: a link parser may quote the link, and an encrypted share's carries its key
      getContext().getLog().warn("share {} is not served hidden: its link does not parse ({})", infoHashHex,
          e.getClass().getSimpleName());
      return;
    }
    ActorRef<Streams.ServiceRequest> gate = getContext().spawnAnonymous(gate(infoHashHex, transfer));
    // a new random source per seeder: nothing drawn for one share says anything about another's
    ActorRef<HiddenSeederActor.Command> seeder = getContext().spawnAnonymous(
        Behaviors.supervise(HiddenSeederActor.create(secret, self, circuits, lookups, gate, settings, clock,
            new SecureRandom())).onFailure(SupervisorStrategy.stop()));
    getContext().watchWith(seeder, new SeederStopped(infoHashHex));
    seeders.put(infoHashHex, seeder);
  }

  /** The gate of one share: {@code transfer} streams for it alone, everything else refused. */
  static Behavior<Streams.ServiceRequest> gate(String infoHashHex, ActorRef<TransferServiceActor.Command> transfer) {
    return Behaviors.receiveMessage(request -> {
      if (request instanceof Streams.OpenServiceStream open) {
        if (TransferServiceActor.SERVICE.equals(open.service())) {
          transfer.tell(new TransferServiceActor.ServeOnly(infoHashHex, open));
        } else {
          open.replyTo().tell(new Streams.Reject(REFUSED));
        }
      }
      return Behaviors.same();
    });
  }

  private Behavior<Command> onGetHidden(GetHidden get) {
    Collector collector = new Collector(seeders.size(), get.replyTo());
    if (seeders.isEmpty()) {
      collector.finish();
    }
    seeders.forEach((hash, seeder) -> getContext().ask(HiddenSeederActor.Status.class, seeder,
        Duration.ofSeconds(5), HiddenSeederActor.GetStatus::new,
        (status, error) -> new StatusIn(collector, hash, status)));
    return this;
  }

  /** Gathers the seeders' status answers of one {@link GetHidden}; a seeder that did not answer maps to null. */
  private static final class Collector {
    private final Map<String, HiddenSeederActor.Status> answers = new LinkedHashMap<>();
    private final ActorRef<Map<String, HiddenSeederActor.Status>> replyTo;
    private int waiting;

    Collector(int waiting, ActorRef<Map<String, HiddenSeederActor.Status>> replyTo) {
      this.waiting = waiting;
      this.replyTo = replyTo;
    }

    void add(String hash, HiddenSeederActor.Status status) {
      answers.put(hash, status);
      if (--waiting == 0) {
        finish();
      }
    }

    void finish() {
      replyTo.tell(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(answers)));
    }
  }
}
