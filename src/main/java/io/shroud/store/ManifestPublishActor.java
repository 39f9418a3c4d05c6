package io.shroud.store;

import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.RelayInfo;
import io.shroud.dht.SignedRecord;
import io.shroud.hidden.ShareSecret;
import io.shroud.identity.NodeId;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.lookup.RecordPublication;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
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
 * Publishes a stored share's manifest (docs/protocol.md §12.10): puts each chunk of the sealed
 * manifest on the {@code replicas} relays closest to its address (through circuits, as
 * fragments), then stores the sealed root at the manifest's location in the DHT through a
 * circuit, signed by the link's publisher key. Replies {@link Published} (with the chunk copies
 * stored and the DHT nodes that took the root) or {@link Failed} when a chunk found no storer or
 * no DHT node took the root. The record lives {@code recordLifetime} (at most a DHT record's 24 h):
 * whoever pins the share publishes it again.
 */
public final class ManifestPublishActor extends AbstractBehavior<ManifestPublishActor.Command> {
  public sealed interface Command {}

  /** What to publish, and how. */
  public record Publish(ShareSecret secret, byte[] sealedManifest, int hops, int replicas, Duration lease,
      Duration recordLifetime) {}

  public sealed interface Result {}

  public record Published(int chunkCopies, int dhtNodes) implements Result {}

  public record Failed(String reason) implements Result {}

  private record Relays(CircuitsActor.Relays relays) implements Command {}

  private record Put(int chunk, FragmentClientActor.Result result) implements Command {}

  private record Stored(RecordPublication publication) implements Command {}

  private final ActorRef<CircuitsActor.Command> circuits;
  /** One circuit per storer, closed with this actor. */
  private final ActorRef<Object> storers;
  private final ActorRef<RecordLookupsActor.Command> lookups;
  private final Set<NodeId> exclude;
  private final Publish publish;
  private final Clock clock;
  private final SecureRandom random;
  private final Duration timeout;
  private final ActorRef<Result> replyTo;
  private final ManifestRoot root;
  private final List<byte[]> chunks;
  private final Map<Integer, Integer> copies = new HashMap<>();
  private int inFlight;

  public static Behavior<Command> create(ActorRef<CircuitsActor.Command> circuits,
      ActorRef<RecordLookupsActor.Command> lookups, Set<NodeId> exclude, Publish publish, Clock clock,
      SecureRandom random, Duration timeout, ActorRef<Result> replyTo) {
    return Behaviors.setup(ctx -> new ManifestPublishActor(ctx, circuits, lookups, exclude, publish, clock, random,
        timeout, replyTo));
  }

  private ManifestPublishActor(ActorContext<Command> ctx, ActorRef<CircuitsActor.Command> circuits,
      ActorRef<RecordLookupsActor.Command> lookups, Set<NodeId> exclude, Publish publish, Clock clock,
      SecureRandom random, Duration timeout, ActorRef<Result> replyTo) {
    super(ctx);
    this.circuits = circuits;
    this.lookups = lookups;
    this.exclude = Set.copyOf(exclude);
    this.publish = publish;
    this.clock = clock;
    this.random = random;
    this.timeout = timeout;
    this.replyTo = replyTo;
    this.root = ManifestRoot.of(publish.sealedManifest());
    this.chunks = ManifestRoot.split(publish.sealedManifest());
    this.storers = ctx.spawn(StorerCircuitsActor.create(circuits, publish.hops(), timeout), "storers");
    circuits.tell(new CircuitsActor.GetRelays(ctx.messageAdapter(CircuitsActor.Relays.class, Relays::new)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Relays.class, this::onRelays)
        .onMessage(Put.class, this::onPut)
        .onMessage(Stored.class, this::onStored)
        .build();
  }

  private Behavior<Command> onRelays(Relays r) {
    List<RelayInfo> relays = r.relays().relays().stream().filter(x -> !exclude.contains(x.id())).toList();
    if (relays.isEmpty()) {
      return fail("no relay to store the manifest on");
    }
    for (int c = 0; c < chunks.size(); c++) {
      int chunk = c;
      byte[] address = root.chunks().get(c);
      for (RelayInfo storer : StorerChoice.closest(address, relays, publish.replicas())) {
        inFlight++;
        StorerCircuitsActor.ask(getContext(), storers, storer.id(), FragmentWire.Kind.PUT,
            FragmentWire.put(address, publish.lease().toSeconds(), chunks.get(c)), res -> new Put(chunk, res));
      }
    }
    return this;
  }

  private Behavior<Command> onPut(Put put) {
    inFlight--;
    if (put.result().status() == FragmentWire.Status.OK) {
      copies.merge(put.chunk(), 1, Integer::sum);
    }
    if (inFlight > 0) {
      return this;
    }
    for (int c = 0; c < chunks.size(); c++) {
      if (!copies.containsKey(c)) {
        return fail("manifest chunk " + c + " found no storer");
      }
    }
    SignedRecord record = SignedRecord.sign(ManifestRoot.publisher(publish.secret()),
        NodeId.of(ManifestSeal.location(publish.secret())), clock.millis(),
        clock.instant().plus(publish.recordLifetime()), root.seal(publish.secret(), random));
    lookups.tell(new RecordLookupsActor.StoreRecord(record, publish.hops(),
        getContext().messageAdapter(RecordPublication.class, Stored::new)));
    return this;
  }

  private Behavior<Command> onStored(Stored stored) {
    RecordPublication p = stored.publication();
    if (p.error() != null || p.stored() == 0) {
      return fail("the manifest's root was not stored in the DHT: " + (p.error() != null ? p.error() : "no node took it"));
    }
    replyTo.tell(new Published(copies.values().stream().mapToInt(Integer::intValue).sum(), p.stored()));
    return Behaviors.stopped();
  }

  private Behavior<Command> fail(String reason) {
    replyTo.tell(new Failed(reason));
    return Behaviors.stopped();
  }
}
