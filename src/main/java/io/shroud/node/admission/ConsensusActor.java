package io.shroud.node.admission;

import io.shroud.admission.AdmissionException;
import io.shroud.admission.Consensus;
import io.shroud.admission.ConsensusAssembly;
import io.shroud.admission.ConsensusSettings;
import io.shroud.admission.NetworkDefinition;
import io.shroud.admission.RelayMeasurement;
import io.shroud.admission.SignedVote;
import io.shroud.circuit.CircuitsActor;
import io.shroud.content.DurableFiles;
import io.shroud.crypto.Ed25519;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;

/**
 * The network's consensus on this relay (design.md §8.2, protocol §10.11). Every relay gathers
 * the parts the authorities publish in Distributed Data (key {@code shroud-consensus}: each
 * authority's signed vote and its signature over the consensus body), assembles a consensus once
 * a majority signed one body ({@link ConsensusAssembly}), keeps the newest valid one (saved as
 * {@code consensus.pem} in the data directory, read back at start) and hands it to its
 * subscribers (the circuits). A relay given an authority key also votes, once per period, with
 * its {@link MeasurementActor}'s measurements, and signs the body built from a majority of votes.
 */
public final class ConsensusActor extends AbstractBehavior<ConsensusActor.Command> {
  static final Key<LWWMap<String, PublishedConsensusPart>> KEY = LWWMapKey.create("shroud-consensus");
  /** The saved consensus, in the data directory. */
  public static final String FILE = "consensus.pem";

  public sealed interface Command {}

  /** {@code subscriber} gets the current consensus now (if any) and every newer one. */
  public record Subscribe(ActorRef<CircuitsActor.UseConsensus> subscriber) implements Command {}

  /** Replies with the current consensus, if any. */
  public record GetCurrent(ActorRef<Optional<Consensus>> replyTo) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private record Replicated(Replicator.SubscribeResponse<LWWMap<String, PublishedConsensusPart>> rsp)
      implements Command {}

  private record Stored(Replicator.UpdateResponse<LWWMap<String, PublishedConsensusPart>> rsp) implements Command {}

  private record Measured(Instant period, MeasurementActor.Measurements measured) implements Command {}

  /**
   * The network, where the consensus is saved, the consensus settings; {@code authority} is this
   * relay's authority key when it is one (then {@code measurements} is its measurement actor).
   */
  public record Setup(NetworkDefinition network, Path dataDir, Optional<Ed25519.KeyPair> authority,
      ConsensusSettings settings, Duration probeInterval) {}

  private final Setup setup;
  private final Clock clock;
  private final Optional<ActorRef<MeasurementActor.Command>> measurements;
  private final ConsensusAssembly assembly;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, PublishedConsensusPart>> replicator;
  private final SelfUniqueAddress selfUniqueAddress;
  private final List<ActorRef<CircuitsActor.UseConsensus>> subscribers = new ArrayList<>();
  private final Map<String, byte[]> seen = new HashMap<>();
  private final Map<String, byte[]> published = new HashMap<>();
  private Instant votedFor;
  private Instant asked;
  private byte[] signedBody;

  public static Behavior<Command> create(Setup setup, Optional<ActorRef<MeasurementActor.Command>> measurements,
      Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, tick(setup.settings()));
      return DistributedData.<Command, LWWMap<String, PublishedConsensusPart>>withReplicatorMessageAdapter(
          replicator -> new ConsensusActor(ctx, replicator, setup, measurements, clock));
    }));
  }

  /** A tenth of the period, between 1 and 30 seconds. */
  static Duration tick(ConsensusSettings settings) {
    Duration d = settings.freshFor().dividedBy(10);
    return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
        : d.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : d;
  }

  private ConsensusActor(ActorContext<Command> ctx,
      ReplicatorMessageAdapter<Command, LWWMap<String, PublishedConsensusPart>> replicator, Setup setup,
      Optional<ActorRef<MeasurementActor.Command>> measurements, Clock clock) {
    super(ctx);
    this.setup = setup;
    this.clock = clock;
    this.measurements = measurements;
    this.assembly = new ConsensusAssembly(setup.network(), setup.settings(), clock);
    this.replicator = replicator;
    this.selfUniqueAddress = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
    readSaved();
    replicator.subscribe(KEY, Replicated::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Subscribe.class, msg -> {
          subscribers.add(msg.subscriber());
          assembly.current().ifPresent(c -> msg.subscriber().tell(new CircuitsActor.UseConsensus(c)));
          return this;
        })
        .onMessage(GetCurrent.class, msg -> {
          msg.replyTo().tell(assembly.current());
          return this;
        })
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(Measured.class, this::onMeasured)
        .onMessage(Replicated.class, this::onReplicated)
        .onMessage(Stored.class, msg -> {
          if (!(msg.rsp() instanceof Replicator.UpdateSuccess)) {
            getContext().getLog().warn("publishing a consensus part failed: {}", msg.rsp());
          }
          return this;
        })
        .build();
  }

  private void readSaved() {
    Path file = setup.dataDir().resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return;
    }
    try {
      if (Files.size(file) > 4L * 1024 * 1024) {
        getContext().getLog().warn("saved consensus {} is over 4 MiB; ignored", file);
        return;
      }
      Consensus c = Consensus.dearmor(Files.readString(file, StandardCharsets.US_ASCII));
      outcome(assembly.offer(c), "this node's saved copy");
    } catch (IOException | AdmissionException e) {
      getContext().getLog().info("saved consensus {} not used: {}", file, e.getMessage());
    }
  }

  /**
   * An authority votes once per period: as soon as every relay it measures was reached and timed;
   * else once every one has a finished probe and a quarter of the period is over (a failed probe
   * is tried again meanwhile); else when half the period is over, with what it has.
   */
  private Behavior<Command> onTick() {
    // told again at every tick: a restarted circuits actor has lost it
    assembly.current().ifPresent(c -> subscribers.forEach(s -> s.tell(new CircuitsActor.UseConsensus(c))));
    if (setup.authority().isEmpty() || measurements.isEmpty()) {
      return this;
    }
    Instant period = assembly.currentPeriod();
    if (!period.equals(votedFor) && !period.equals(asked)) {
      asked = period;
      getContext().ask(MeasurementActor.Measurements.class, measurements.get(), Duration.ofSeconds(10),
          MeasurementActor.GetMeasurements::new,
          (m, failure) -> new Measured(period, m == null ? new MeasurementActor.Measurements(List.of(), 1) : m));
    }
    signIfReady();
    return this;
  }

  private Behavior<Command> onMeasured(Measured msg) {
    asked = null;
    if (!msg.period().equals(assembly.currentPeriod()) || msg.period().equals(votedFor)) {
      return this;
    }
    List<RelayMeasurement> measured = msg.measured().relays();
    Duration into = Duration.between(msg.period(), clock.instant());
    Duration period = setup.settings().freshFor();
    boolean allReached = measured.stream().allMatch(m -> m.reachable() && m.measuredKiBps() > 0);
    boolean allProbed = msg.measured().unprobed() == 0;
    boolean ready = allReached || (allProbed && into.compareTo(period.dividedBy(4)) >= 0)
        || into.compareTo(period.dividedBy(2)) >= 0;
    if (measured.isEmpty() || !ready) {
      return this; // the next tick asks again: probes are still running, or a failed one may yet succeed
    }
    Ed25519.KeyPair key = setup.authority().get();
    SignedVote vote = SignedVote.sign(key, setup.network().id(), msg.period(), measured);
    votedFor = msg.period();
    getContext().getLog().info("voting for the consensus of {}: {} relays measured, {} reached", msg.period(),
        measured.size(), measured.stream().filter(RelayMeasurement::reachable).count());
    byte[] encoded = vote.encode();
    publish("vote/" + HexFormat.of().formatHex(key.publicKey()), encoded);
    outcome(assembly.offerVote(encoded), "this authority");
    signIfReady();
    return this;
  }

  /** Signs the body built from the votes of the current period once there is one, again when the votes change it. */
  private void signIfReady() {
    if (setup.authority().isEmpty() || votedFor == null) {
      return;
    }
    Optional<Consensus> body = assembly.toSign(votedFor);
    if (body.isEmpty() || Arrays.equals(body.get().body(), signedBody)) {
      return;
    }
    if (body.get().relays().isEmpty()) {
      getContext().getLog().warn("the votes for {} list no relay; not signing a consensus that would stop every circuit",
          votedFor);
      signedBody = body.get().body();
      return;
    }
    signedBody = body.get().body();
    Ed25519.KeyPair key = setup.authority().get();
    byte[] encoded = body.get().sign(key).encode();
    getContext().getLog().info("signing the consensus of {}: {} relays", votedFor, body.get().relays().size());
    publish("consensus/" + HexFormat.of().formatHex(key.publicKey()), encoded);
    outcome(assembly.offerSigned(encoded), "this authority");
  }

  private Behavior<Command> onReplicated(Replicated msg) {
    if (msg.rsp() instanceof Replicator.Changed<LWWMap<String, PublishedConsensusPart>> changed) {
      Map<String, PublishedConsensusPart> entries = changed.get(KEY).getEntries();
      List<String> keys = new ArrayList<>(entries.keySet());
      keys.sort(null); // votes ("vote/…") after signatures ("consensus/…"): either order works
      for (String k : keys) {
        byte[] bytes = entries.get(k).encoded();
        byte[] ours = published.get(k);
        if (ours != null && !Arrays.equals(ours, bytes)) {
          // another member replaced this authority's entry (a relay may write any key): put it back
          getContext().getLog().warn("consensus entry {} was replaced by another member; publishing it again", k);
          publish(k, ours);
          continue;
        }
        if (bytes == null || Arrays.equals(seen.get(k), bytes)) {
          continue;
        }
        seen.put(k, bytes.clone());
        boolean isVote = bytes.length >= 4 && new String(bytes, 0, 4, StandardCharsets.US_ASCII).equals("SHVT");
        outcome(isVote ? assembly.offerVote(bytes) : assembly.offerSigned(bytes), "another relay (" + k + ")");
      }
      signIfReady();
    }
    return this;
  }

  private void outcome(ConsensusAssembly.Outcome outcome, String source) {
    if (outcome instanceof ConsensusAssembly.Accepted accepted) {
      Consensus c = accepted.consensus();
      getContext().getLog().info("consensus valid {} to {} from {}: {} relays, signed by {} of {} authorities",
          c.validAfter(), c.validUntil(), source, c.relays().size(), c.signatures().size(),
          setup.network().authorities().size());
      save(c);
      subscribers.forEach(s -> s.tell(new CircuitsActor.UseConsensus(c)));
    } else if (outcome instanceof ConsensusAssembly.Invalid invalid) {
      getContext().getLog().warn("consensus part from {} refused: {}", source, invalid.reason());
    }
  }

  private void save(Consensus c) {
    Path file = setup.dataDir().resolve(FILE);
    try {
      DurableFiles.writeAtomically(file, c.armor().getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      getContext().getLog().warn("cannot save the consensus to {}: {}", file, e.getMessage());
    }
  }

  private void publish(String entry, byte[] encoded) {
    published.put(entry, encoded.clone());
    PublishedConsensusPart value = new PublishedConsensusPart(encoded);
    replicator.askUpdate(
        replyTo -> new Replicator.Update<>(KEY, LWWMap.empty(), Replicator.writeLocal(), replyTo,
            map -> map.put(selfUniqueAddress, entry, value)),
        Stored::new);
  }
}
