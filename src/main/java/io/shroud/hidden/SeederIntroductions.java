package io.shroud.hidden;

import io.shroud.crypto.HandshakeException;
import java.time.Clock;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A seeder's introductions for one share (protocol §11.6, §11.9), pure: INTRODUCE2 data for one of
 * its intro points is opened ({@link E2eHandshake#open} with that point's {@link ReplayFilter}),
 * its claimed work checked ({@link HsPow#verify} against the pow seeds given, at most two), and
 * queued ({@link IntroQueue}: highest effort first); {@link #next()} gives the one to serve. It
 * feeds one {@link EffortController}, whose {@link #tick()} the owner calls. An intro point whose
 * replay filter is full is unregistered and reported ({@link Received#retire()}): the owner retires
 * it in its {@link IntroPointPlan}. Each outcome is counted. Not thread-safe: one actor owns it.
 */
public final class SeederIntroductions {
  /** What became of one INTRODUCE2. */
  public enum Outcome {
    /** Opened, work valid, queued. */
    QUEUED,
    /** Opened and valid, but the queue was full of higher efforts: dropped. */
    DROPPED_FULL,
    /** No registered intro point has this auth key (retired, or never ours). */
    UNKNOWN_AUTH_KEY,
    /** The replay check refused it. */
    REPLAY,
    /** Did not open (size, keys, tag, padding) or the replay filter was already full. */
    UNREADABLE,
    /** Opened, but the claimed work does not verify under any current seed. */
    BAD_WORK
  }

  /**
   * The outcome, and whether the intro point it came to must now be retired (its replay filter
   * is full; it is unregistered already).
   */
  public record Received(Outcome outcome, boolean retire) {}

  private final Clock clock;
  private final IntroQueue<E2eHandshake.Opened> queue;
  private final EffortController effort;
  private final Map<String, Point> points = new HashMap<>();
  private final Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);

  private record Point(ServiceKeys keys, ReplayFilter replay) {}

  public SeederIntroductions(Clock clock) {
    this(clock, new IntroQueue<>(clock));
  }

  /** With a queue of another size or age (tests). */
  public SeederIntroductions(Clock clock, IntroQueue<E2eHandshake.Opened> queue) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.queue = Objects.requireNonNull(queue, "queue");
    this.effort = new EffortController(clock);
    for (Outcome o : Outcome.values()) {
      counts.put(o, 0L);
    }
  }

  /** Starts taking introductions for this intro point, with a fresh replay filter. */
  public void register(ServiceKeys keys) {
    register(keys, new ReplayFilter(keys.authKey(), clock));
  }

  /** As {@link #register(ServiceKeys)} with a given filter (its auth key must be the point's). */
  public void register(ServiceKeys keys, ReplayFilter replay) {
    if (!java.util.Arrays.equals(keys.authKey(), replay.authKey())) {
      throw new IllegalArgumentException("the replay filter is for another auth key");
    }
    points.put(hex(keys.authKey()), new Point(keys, replay));
  }

  /** Stops taking introductions for this auth key (its point is lost or retired). */
  public void unregister(byte[] authKey) {
    points.remove(hex(authKey));
  }

  public boolean registered(byte[] authKey) {
    return points.containsKey(hex(authKey));
  }

  /**
   * Takes INTRODUCE2 data that arrived on the intro circuit of {@code authKey}. {@code powSeeds}:
   * the seeds of the descriptors naming this point that still count
   * ({@link IntroPointPlan#powSeeds()}); claimed work is verified against each in turn (at most
   * two Argon2id evaluations).
   */
  public Received receive(byte[] authKey, byte[] introduce2, List<byte[]> powSeeds) {
    Point point = points.get(hex(authKey));
    if (point == null) {
      return count(Outcome.UNKNOWN_AUTH_KEY, false);
    }
    E2eHandshake.Opened opened;
    try {
      opened = E2eHandshake.open(introduce2, point.keys(), point.replay());
    } catch (HandshakeException e) {
      return count(e.isReplay() ? Outcome.REPLAY : Outcome.UNREADABLE, retireIfFull(authKey, point));
    }
    boolean retire = retireIfFull(authKey, point);
    Introduction intro = opened.introduction();
    long claimed = intro.powEffort();
    if (claimed > 0 && !workValid(intro.powNonce(), powSeeds, authKey, opened.x(), claimed)) {
      opened.discard();
      return count(Outcome.BAD_WORK, retire);
    }
    IntroQueue.Offer<E2eHandshake.Opened> offer = queue.offer(opened, claimed);
    offer.dropped().ifPresent(d -> {
      d.item().discard();
      effort.dropped(d.effort());
    });
    if (!offer.queued()) {
      return count(Outcome.DROPPED_FULL, retire);
    }
    effort.queued(claimed);
    return count(Outcome.QUEUED, retire);
  }

  /** The introduction to serve now (highest effort, oldest first), if any: respond to it once. */
  public Optional<E2eHandshake.Opened> next() {
    Optional<IntroQueue.Entry<E2eHandshake.Opened>> entry = queue.poll();
    entry.ifPresent(e -> effort.served(queue.size()));
    return entry.map(IntroQueue.Entry::item);
  }

  /** Applies the effort rule when its period is over (call it at least once a minute). */
  public EffortController.Event tick() {
    return effort.tick(queue.size(), queue.topEffort());
  }

  /** The effort to publish now. */
  public long effort() {
    return effort.effort();
  }

  public int queued() {
    return queue.size();
  }

  /** How many INTRODUCE2 had this outcome so far. */
  public long count(Outcome outcome) {
    return counts.get(outcome);
  }

  /** Valid introductions that waited too long and were discarded unserved. */
  public long expired() {
    return queue.droppedExpired();
  }

  private boolean workValid(byte[] nonce, List<byte[]> seeds, byte[] authKey, byte[] x, long claimed) {
    for (byte[] seed : seeds.subList(0, Math.min(2, seeds.size()))) {
      if (HsPow.verify(nonce, seed, authKey, x, claimed)) {
        return true;
      }
    }
    return false;
  }

  private boolean retireIfFull(byte[] authKey, Point point) {
    if (!point.replay().full()) {
      return false;
    }
    unregister(authKey);
    return true;
  }

  private Received count(Outcome outcome, boolean retire) {
    counts.merge(outcome, 1L, Long::sum);
    return new Received(outcome, retire);
  }

  private static String hex(byte[] key) {
    return HexFormat.of().formatHex(Objects.requireNonNull(key, "auth key"));
  }

  @Override
  public String toString() {
    return "SeederIntroductions[points=" + points.size() + ", queued=" + queue.size() + ", effort="
        + effort.effort() + "]";
  }
}
