package io.shroud.rendezvous;

import io.shroud.admission.RelayFlag;
import io.shroud.circuit.RelayInfo;
import io.shroud.crypto.Ed25519;
import io.shroud.dht.SignedRecord;
import io.shroud.hidden.E2eHandshake;
import io.shroud.hidden.EffortController;
import io.shroud.hidden.EstablishIntro;
import io.shroud.hidden.HsLocation;
import io.shroud.hidden.HsPeriod;
import io.shroud.hidden.HsRelay;
import io.shroud.hidden.IntroPointPlan;
import io.shroud.hidden.SeederIntroductions;
import io.shroud.hidden.ServiceKeys;
import io.shroud.hidden.ShareSecret;
import io.shroud.identity.NodeId;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A hidden seeder's state for one share (protocol §11.3–§11.9; design.md §8.8), pure: its
 * {@link IntroPointPlan}s, one per period of {@link HsPeriod#publishPeriods()}, and the share's one
 * {@link SeederIntroductions}. It names each intro point by {@link Ref} (period, point id), keeps
 * the plans and the introductions in step (a point is registered for introductions while
 * ESTABLISHED, unregistered when lost or retired), signs ESTABLISH_INTRO and the descriptor
 * records. {@link HiddenSeederActor} owns one and only builds circuits and sends cells. Not
 * thread-safe.
 */
public final class SeederPlans {
  /** One intro point: the period of its plan and its id there. */
  public record Ref(long period, int id) {}

  /** A new point whose circuit to {@code relay} the caller builds. */
  public record NewPoint(Ref ref, NodeId relay) {}

  private final ShareSecret secret;
  private final NodeId self;
  private final Clock clock;
  private final SecureRandom random;
  private final HsPeriod periods;
  private final SeederIntroductions introductions;
  private final TreeMap<Long, IntroPointPlan> plans = new TreeMap<>();

  /** {@code self}: the seeder's own relay (never its own intro point), or null for a client. */
  public SeederPlans(ShareSecret secret, NodeId self, Clock clock, SecureRandom random) {
    this.secret = Objects.requireNonNull(secret, "secret");
    this.self = self;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.periods = new HsPeriod(clock);
    this.introductions = new SeederIntroductions(clock);
  }

  /** The circuit layer's relays as the plans see them (id, /16, weight, Fast, Stable). */
  public static List<HsRelay> relays(Collection<RelayInfo> relays) {
    return relays.stream().map(r -> new HsRelay(r.id(), r.slash16(), r.bandwidth(), r.has(RelayFlag.FAST),
        r.has(RelayFlag.STABLE))).toList();
  }

  /**
   * Starts the plans of the periods to publish for that have none (each with its own publisher
   * key) and tops every plan up to its target from {@code relays}; returns the new points.
   */
  public List<NewPoint> replenish(Collection<HsRelay> relays) {
    for (long n : IntroPointPlan.periodsToStart(periods, plans.keySet())) {
      plans.put(n, new IntroPointPlan(HsLocation.of(secret, n), Ed25519.generate(random), self,
          () -> ServiceKeys.generate(random), clock, random));
    }
    List<NewPoint> added = new ArrayList<>();
    plans.forEach((n, plan) -> {
      if (plan.missing() > 0 && !plan.over()) {
        plan.replenish(relays).forEach(p -> added.add(new NewPoint(new Ref(n, p.id()), p.relay().id())));
      }
    });
    return added;
  }

  /** Ends the plans that are over; returns their points that were not lost yet (close their circuits). */
  public List<Ref> endOver() {
    List<Ref> open = new ArrayList<>();
    for (IntroPointPlan plan : List.copyOf(plans.values())) {
      if (plan.over()) {
        for (IntroPointPlan.IntroPoint p : plan.points()) {
          if (p.state() != IntroPointPlan.State.LOST) {
            lost(new Ref(plan.period(), p.id()));
            open.add(new Ref(plan.period(), p.id()));
          }
        }
        plans.remove(plan.period());
      }
    }
    return open;
  }

  /** Marks lost the points whose relay left {@code relays}; returns them (close their circuits). */
  public List<Ref> consensusChanged(Collection<HsRelay> relays) {
    List<Ref> gone = new ArrayList<>();
    plans.forEach((n, plan) -> {
      for (IntroPointPlan.IntroPoint p : plan.points()) {
        if (p.state() != IntroPointPlan.State.LOST && relays.stream().noneMatch(r -> r.id().equals(p.relay().id()))) {
          gone.add(new Ref(n, p.id()));
        }
      }
    });
    gone.forEach(this::lost);
    return gone;
  }

  public Optional<IntroPointPlan.State> state(Ref ref) {
    return point(ref).map(IntroPointPlan.IntroPoint::state);
  }

  /**
   * The point's circuit is built and {@code kh} is its last hop's binding: the ESTABLISH_INTRO data
   * to send (the point is then ESTABLISHING); empty when the point is not BUILDING any more.
   */
  public Optional<byte[]> establishIntro(Ref ref, byte[] kh) {
    Optional<IntroPointPlan.IntroPoint> point = point(ref);
    if (point.isEmpty() || !plans.get(ref.period()).built(ref.id())) {
      return Optional.empty();
    }
    ServiceKeys keys = point.get().keys();
    return Optional.of(EstablishIntro.sign(keys.authKeyPair(), kh, keys.ekS()));
  }

  /** INTRO_ESTABLISHED came: the point takes introductions. False when it was not ESTABLISHING. */
  public boolean established(Ref ref) {
    IntroPointPlan plan = plans.get(ref.period());
    if (plan == null || !plan.established(ref.id())) {
      return false;
    }
    introductions.register(plan.byId(ref.id()).orElseThrow().keys());
    return true;
  }

  /** The point's circuit failed or closed: it takes no more introductions. False when unknown or lost already. */
  public boolean lost(Ref ref) {
    IntroPointPlan plan = plans.get(ref.period());
    Optional<IntroPointPlan.IntroPoint> point = point(ref);
    if (plan == null || point.isEmpty() || !plan.lost(ref.id())) {
      return false;
    }
    introductions.unregister(point.get().keys().authKey());
    return true;
  }

  /**
   * INTRODUCE2 data on the point's circuit: opened, checked and queued (or not,
   * {@link SeederIntroductions.Outcome}); a point whose replay filter filled is retired (LOST:
   * the caller closes its circuit and replenishes).
   */
  public SeederIntroductions.Received introduce2(Ref ref, byte[] data) {
    Optional<IntroPointPlan.IntroPoint> point = point(ref);
    if (point.isEmpty()) {
      return new SeederIntroductions.Received(SeederIntroductions.Outcome.UNKNOWN_AUTH_KEY, false);
    }
    IntroPointPlan plan = plans.get(ref.period());
    byte[] authKey = point.get().keys().authKey();
    byte[] claimed = Arrays.copyOf(data, Math.min(data.length, EstablishIntro.AUTH_KEY_BYTES));
    if (!Arrays.equals(claimed, authKey)) {
      return new SeederIntroductions.Received(SeederIntroductions.Outcome.UNKNOWN_AUTH_KEY, false);
    }
    SeederIntroductions.Received received = introductions.receive(authKey, data, plan.powSeeds());
    if (received.retire()) {
      plan.retire(authKey);
    }
    return received;
  }

  /** The introduction to serve now, if any. */
  public Optional<E2eHandshake.Opened> next() {
    return introductions.next();
  }

  /** The effort rule's minute (call at least once a minute). */
  public EffortController.Event tick() {
    return introductions.tick();
  }

  public SeederIntroductions introductions() {
    return introductions;
  }

  /** The descriptor records due now, sealed and signed (each plan counts its own as published). */
  public List<SignedRecord> publications() {
    List<SignedRecord> out = new ArrayList<>();
    for (IntroPointPlan plan : plans.values()) {
      plan.publication(introductions.effort()).ifPresent(p -> out.add(SignedRecord.sign(p.publisher(),
          NodeId.of(p.location().location()), p.seq(), p.expiry(), p.seal(random))));
    }
    return out;
  }

  /** Whether {@code record} is still its plan's latest publication (worth storing again after a failure). */
  public boolean latest(SignedRecord record) {
    for (IntroPointPlan plan : plans.values()) {
      Optional<IntroPointPlan.Publication> p = plan.published();
      if (p.isPresent() && p.get().seq() == record.seq()
          && Arrays.equals(p.get().publisher().publicKey(), record.publisher())) {
        return true;
      }
    }
    return false;
  }

  /** The earliest time a publication may fall due by time alone, over all plans. */
  public Optional<Instant> nextTimedCheck() {
    return plans.values().stream().map(IntroPointPlan::nextTimedCheck).flatMap(Optional::stream)
        .min(Instant::compareTo);
  }

  /** The plans now, by period (a copy of the list; the plans themselves are live: read only). */
  public List<IntroPointPlan> plans() {
    return List.copyOf(plans.values());
  }

  private Optional<IntroPointPlan.IntroPoint> point(Ref ref) {
    IntroPointPlan plan = plans.get(ref.period());
    return plan == null ? Optional.empty() : plan.byId(ref.id());
  }

  @Override
  public String toString() {
    return "SeederPlans[" + plans.values() + ", " + introductions + "]";
  }
}
