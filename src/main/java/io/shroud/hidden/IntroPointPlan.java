package io.shroud.hidden;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * A seeder's introduction points for one share and one period {@code n} (protocol §11.3, §11.5),
 * pure: which relays, each one's {@link State} and {@link ServiceKeys}, when to pick replacements,
 * and when to (re)publish which descriptor. The actor that owns it builds the intro circuits and
 * reports what happens to them ({@link #built}, {@link #established}, {@link #lost}); it keeps one
 * plan per period of {@link HsPeriod#publishPeriods()} ({@link #periodsToStart}) and drops a plan
 * once {@link #over()}.
 *
 * <p>Choice ({@link #replenish}): up to {@link #TARGET} relays of the consensus, never the seeder's
 * own relay, never two in one /16 (nor the /16 of a lost point being replaced), Fast and Stable
 * ones first, weighted by consensus weight.
 *
 * <p>Publication ({@link #publication}) is due when at least one point is ESTABLISHED and: never
 * published yet and every point is ESTABLISHED (all {@link #TARGET}, or all the consensus allowed),
 * or {@link #PARTIAL_WAIT} has passed since the plan began; the established set differs from the
 * published one (a loss, or a replacement established); 3/4 of the record's lifetime has passed
 * (unless the record already lives to the end of its period); or the effort moved enough
 * ({@link EffortController#worthRepublishing}). Each publication has {@code seq + 1}, a fresh pow
 * seed and expiry {@code min(now + 24 h, end of n + 1 h)}. Not thread-safe.
 */
public final class IntroPointPlan {
  public static final int TARGET = HsDescriptor.MAX_INTRO_POINTS;
  /** How long a first publication waits for all points before it goes out with fewer. */
  public static final Duration PARTIAL_WAIT = Duration.ofSeconds(30);
  /** The longest a DHT record lives (§5.4). */
  public static final Duration MAX_RECORD_LIFETIME = Duration.ofHours(24);
  /** How long the seed of the publication before the latest still counts for work (§11.9). */
  public static final Duration PREVIOUS_SEED_GRACE = Duration.ofMinutes(5);

  /** Where an intro point's circuit is. LOST is final: the point waits to be replaced. */
  public enum State { BUILDING, ESTABLISHING, ESTABLISHED, LOST }

  /** One intro point of the plan, as it is now. */
  public record IntroPoint(int id, HsRelay relay, ServiceKeys keys, State state) {
    /** The descriptor's entry for this point. */
    public HsDescriptor.IntroPoint descriptorEntry() {
      return new HsDescriptor.IntroPoint(relay.id(), keys.authKey(), keys.b(), keys.ekSHash());
    }
  }

  /** A descriptor to publish: seal it under the plan's location and sign the record with seq and expiry. */
  public record Publication(HsLocation location, Ed25519.KeyPair publisher, long seq, Instant publishedAt,
      Instant expiry, HsDescriptor descriptor) {
    /** The 540-byte record value (§11.3), a fresh nonce from {@code random}. */
    public byte[] seal(RandomGenerator random) {
      return descriptor.seal(location, publisher.publicKey(), random);
    }
  }

  private final HsLocation location;
  private final Ed25519.KeyPair publisher;
  private final NodeId self;
  private final Supplier<ServiceKeys> keyMaker;
  private final Clock clock;
  private final RandomGenerator random;
  private final Instant began;
  private final List<IntroPoint> points = new ArrayList<>();
  private int nextId = 1;
  private boolean shortOfRelays;
  private Publication published;
  private Publication previous;
  private Set<Integer> publishedIds = Set.of();

  /**
   * @param location {@code L_n} and {@code D_n} of the share and period
   * @param publisher the record key made for this share, period and seeder alone
   * @param self the seeder's own relay, or null for a client
   * @param keyMaker fresh {@link ServiceKeys} for each new point ({@code ServiceKeys.generate})
   */
  public IntroPointPlan(HsLocation location, Ed25519.KeyPair publisher, NodeId self, Supplier<ServiceKeys> keyMaker,
      Clock clock, RandomGenerator random) {
    this.location = Objects.requireNonNull(location, "location");
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.self = self;
    this.keyMaker = Objects.requireNonNull(keyMaker, "keyMaker");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.began = clock.instant();
  }

  /** The periods of {@link HsPeriod#publishPeriods()} that have no plan among {@code running} yet. */
  public static List<Long> periodsToStart(HsPeriod periods, Collection<Long> running) {
    List<Long> out = new ArrayList<>();
    for (long n : periods.publishPeriods()) {
      if (!running.contains(n)) {
        out.add(n);
      }
    }
    return out;
  }

  public long period() {
    return location.period();
  }

  /** True from one hour after the period's end: no downloader looks it up any more. */
  public boolean over() {
    return !clock.instant().isBefore(periodCap());
  }

  /** The points, LOST ones included until replaced, in the order they were picked. */
  public List<IntroPoint> points() {
    return List.copyOf(points);
  }

  /** How many points are missing (LOST or never picked): call {@link #replenish} when above 0. */
  public int missing() {
    return TARGET - (int) points.stream().filter(p -> p.state() != State.LOST).count();
  }

  /**
   * Drops the LOST points and picks new ones up to {@link #TARGET} from {@code consensus}; returns
   * the new points (BUILDING), whose circuits the caller builds. Fewer when the consensus has no
   * more suitable relay.
   */
  public List<IntroPoint> replenish(Collection<HsRelay> consensus) {
    Set<NodeId> ids = new HashSet<>();
    Set<Integer> nets = new HashSet<>();
    if (self != null) {
      ids.add(self);
    }
    for (IntroPoint p : points) {
      ids.add(p.relay().id());
      nets.add(p.relay().slash16());
    }
    points.removeIf(p -> p.state() == State.LOST);
    List<IntroPoint> added = new ArrayList<>();
    while (points.size() < TARGET) {
      Optional<HsRelay> relay = RelayDraw.pick(consensus, ids, nets, random);
      if (relay.isEmpty()) {
        break;
      }
      ids.add(relay.get().id());
      nets.add(relay.get().slash16());
      IntroPoint p = new IntroPoint(nextId++, relay.get(), keyMaker.get(), State.BUILDING);
      points.add(p);
      added.add(p);
    }
    shortOfRelays = points.size() < TARGET;
    return added;
  }

  /** The point's circuit is built: ESTABLISH_INTRO goes out. False when not BUILDING. */
  public boolean built(int id) {
    return move(id, State.BUILDING, State.ESTABLISHING);
  }

  /** INTRO_ESTABLISHED came. False when not ESTABLISHING. */
  public boolean established(int id) {
    return move(id, State.ESTABLISHING, State.ESTABLISHED);
  }

  /** The point's circuit failed or closed (or it is retired). False when unknown or LOST already. */
  public boolean lost(int id) {
    return move(id, null, State.LOST);
  }

  /** Retires the point of this auth key (its replay filter is full, §11.6). */
  public boolean retire(byte[] authKey) {
    return byAuthKey(authKey).map(p -> lost(p.id())).orElse(false);
  }

  /** Marks LOST the points whose relay left the consensus; returns their ids. */
  public List<Integer> consensusChanged(Collection<HsRelay> consensus) {
    Set<NodeId> listed = new HashSet<>();
    consensus.forEach(r -> listed.add(r.id()));
    List<Integer> gone = new ArrayList<>();
    for (IntroPoint p : List.copyOf(points)) {
      if (!listed.contains(p.relay().id()) && lost(p.id())) {
        gone.add(p.id());
      }
    }
    return gone;
  }

  public Optional<IntroPoint> byId(int id) {
    return points.stream().filter(p -> p.id() == id).findFirst();
  }

  public Optional<IntroPoint> byAuthKey(byte[] authKey) {
    return points.stream().filter(p -> Arrays.equals(p.keys().authKey(), authKey)).findFirst();
  }

  /**
   * The descriptor to publish now, if one is due (see the class comment); the plan counts it as
   * published. {@code effort} is the work to ask ({@link EffortController#effort()}).
   */
  public Optional<Publication> publication(long effort) {
    if (!due(effort)) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    byte[] seed = new byte[HsDescriptor.SEED_BYTES];
    random.nextBytes(seed);
    List<HsDescriptor.IntroPoint> entries = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    for (IntroPoint p : points) {
      if (p.state() == State.ESTABLISHED) {
        entries.add(p.descriptorEntry());
        ids.add(p.id());
      }
    }
    Instant cap = periodCap();
    Instant expiry = now.plus(MAX_RECORD_LIFETIME).isBefore(cap) ? now.plus(MAX_RECORD_LIFETIME) : cap;
    long seq = published == null ? 1 : published.seq() + 1;
    previous = published;
    published = new Publication(location, publisher, seq, now, expiry,
        new HsDescriptor((int) Math.min(effort, HsPow.MAX_EFFORT), seed, entries));
    publishedIds = Set.copyOf(ids);
    return Optional.of(published);
  }

  /** The latest publication, if any. */
  public Optional<Publication> published() {
    return Optional.ofNullable(published);
  }

  /**
   * The pow seeds work is checked against now (§11.9): the latest publication's, and for
   * {@link #PREVIOUS_SEED_GRACE} after it the one before's. Empty before the first publication.
   */
  public List<byte[]> powSeeds() {
    List<byte[]> seeds = new ArrayList<>();
    if (published != null) {
      seeds.add(published.descriptor().powSeed());
      if (previous != null && clock.instant().isBefore(published.publishedAt().plus(PREVIOUS_SEED_GRACE))) {
        seeds.add(previous.descriptor().powSeed());
      }
    }
    return seeds;
  }

  /**
   * When a publication may next fall due by time alone (the end of {@link #PARTIAL_WAIT}, or 3/4
   * of the record's lifetime); empty when only an event can make it due.
   */
  public Optional<Instant> nextTimedCheck() {
    if (over()) {
      return Optional.empty();
    }
    if (published == null) {
      Instant partial = began.plus(PARTIAL_WAIT);
      return clock.instant().isBefore(partial) ? Optional.of(partial) : Optional.empty();
    }
    return refreshAt(published);
  }

  private boolean due(long effort) {
    if (over() || points.stream().noneMatch(p -> p.state() == State.ESTABLISHED)) {
      return false;
    }
    Instant now = clock.instant();
    if (published == null) {
      boolean all = points.stream().allMatch(p -> p.state() == State.ESTABLISHED)
          && (points.size() == TARGET || shortOfRelays);
      return all || !now.isBefore(began.plus(PARTIAL_WAIT));
    }
    Set<Integer> established = new HashSet<>();
    points.stream().filter(p -> p.state() == State.ESTABLISHED).forEach(p -> established.add(p.id()));
    if (!established.equals(publishedIds)) {
      return true;
    }
    Optional<Instant> refresh = refreshAt(published);
    if (refresh.isPresent() && !now.isBefore(refresh.get())) {
      return true;
    }
    return EffortController.worthRepublishing(published.descriptor().powEffort(), Math.min(effort, HsPow.MAX_EFFORT));
  }

  /** 3/4 of the record's lifetime, unless the record already lives to the period's cap. */
  private Optional<Instant> refreshAt(Publication p) {
    if (!p.expiry().isBefore(periodCap())) {
      return Optional.empty();
    }
    Duration life = Duration.between(p.publishedAt(), p.expiry());
    return Optional.of(p.publishedAt().plus(life.multipliedBy(3).dividedBy(4)));
  }

  private Instant periodCap() {
    return HsPeriod.end(location.period()).plus(HsPeriod.OVERLAP);
  }

  private boolean move(int id, State from, State to) {
    for (int i = 0; i < points.size(); i++) {
      IntroPoint p = points.get(i);
      if (p.id() == id) {
        if (p.state() == State.LOST || (from != null && p.state() != from)) {
          return false;
        }
        points.set(i, new IntroPoint(p.id(), p.relay(), p.keys(), to));
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "IntroPointPlan[period=" + location.period() + ", points=" + points.size() + ", seq="
        + (published == null ? 0 : published.seq()) + "]";
  }
}
