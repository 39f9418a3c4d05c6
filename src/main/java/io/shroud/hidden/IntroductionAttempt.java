package io.shroud.hidden;

import io.shroud.identity.NodeId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * A downloader's introductions to one hidden seeder (protocol §11.9), pure, and the choice of its
 * rendezvous point (§11.7, {@link #chooseRendezvous}). The first INTRODUCE1 goes to the seeder's
 * first intro point (in the {@link DescriptorBook} order) with the descriptor's effort {@code E}.
 * Then:
 *
 * <ul>
 *   <li>INTRODUCE_ACK 1 (unknown auth key): that point is dropped; the next one, same effort;
 *   <li>INTRODUCE_ACK 2 (rate-limited) or the introducing circuit closed before an ACK: the next
 *       point, same effort;
 *   <li>no RENDEZVOUS2 within {@link #ANSWER_TIMEOUT} of sending (ACK 0 or none): the next point
 *       with effort {@code min(10 000, max(1, 2E))};
 *   <li>it gives up after {@link #MAX_TRIES} introductions, after {@link #MAX_UNANSWERED} of
 *       them went unanswered (another attempt draws another rendezvous point), or when every
 *       point answered ACK 1.
 * </ul>
 *
 * Each {@link Send} is returned once; otherwise a call answers {@link Wait} (or the end reached).
 * Events carry the number of the try they answer; an answer to an earlier try changes nothing.
 * The clock is injected; not thread-safe.
 */
public final class IntroductionAttempt {
  /** How long a downloader waits for RENDEZVOUS2 after sending INTRODUCE1. */
  public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);
  /** Introductions to one seeder before the downloader tries another: six waits of 5 s. */
  public static final int MAX_TRIES = 6;
  /**
   * Introductions that went unanswered (no RENDEZVOUS2 within {@link #ANSWER_TIMEOUT}) before
   * it gives up on this rendezvous point: a seeder that cannot build a circuit to it (it is the
   * seeder's own relay, which no downloader can know) never answers, and a new attempt draws
   * another point. Three, so a flood that loses one or two honest introductions is outlasted
   * with the effort doubled twice.
   */
  public static final int MAX_UNANSWERED = 3;

  /** What the downloader does next. */
  public sealed interface Step permits Send, Wait, GiveUp, Done {}

  /**
   * Send INTRODUCE1 to {@code point} with work of {@code effort} (0: none) attached; {@code attempt}
   * numbers the try (1, 2, …). Call {@link #sent} once it left (after the work was solved).
   */
  public record Send(HsDescriptor.IntroPoint point, long effort, int attempt) implements Step {}

  /** Nothing to do until {@code until} (empty: until {@link #sent} is called). */
  public record Wait(Optional<Instant> until) implements Step {}

  /** This seeder is out of reach for now: try another. */
  public record GiveUp(String reason) implements Step {}

  /** RENDEZVOUS2 came and verified. */
  public record Done() implements Step {}

  private final Clock clock;
  private final List<HsDescriptor.IntroPoint> points;
  private int index;
  private long effort;
  private int tries;
  private int unanswered;
  private Send current;
  private Instant sentAt;
  private Step end;
  private boolean started;

  public IntroductionAttempt(DescriptorBook.Seeder seeder, Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.points = new ArrayList<>(seeder.introPoints());
    if (points.isEmpty()) {
      throw new IllegalArgumentException("a seeder without intro points cannot be introduced to");
    }
    this.effort = Math.min(seeder.powEffort(), HsPow.MAX_EFFORT);
    this.index = -1;
  }

  /** The first introduction. */
  public Step start() {
    if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    return advance(false);
  }

  /** The INTRODUCE1 of try {@code attempt} left now: its answer time starts. */
  public Step sent(int attempt) {
    if (isCurrent(attempt) && sentAt == null) {
      sentAt = clock.instant();
    }
    return idle();
  }

  /** INTRODUCE_ACK of try {@code attempt}: 0 forwarded, 1 unknown auth key, 2 rate-limited. */
  public Step onAck(int attempt, int status) {
    if (!isCurrent(attempt)) {
      return idle();
    }
    return switch (status) {
      case 0 -> idle();
      case 1 -> {
        points.remove(index);
        index--;
        yield points.isEmpty() ? finish(new GiveUp("every intro point is unknown to its relay")) : advance(false);
      }
      case 2 -> advance(false);
      default -> throw new IllegalArgumentException("INTRODUCE_ACK status " + status + " is not 0..2");
    };
  }

  /** The introducing circuit of try {@code attempt} closed. */
  public Step onClosed(int attempt) {
    return isCurrent(attempt) ? advance(false) : idle();
  }

  /** The clock moved: past the answer time, the next try with doubled effort. */
  public Step tick() {
    if (current != null && sentAt != null && !clock.instant().isBefore(sentAt.plus(ANSWER_TIMEOUT))) {
      return advance(true);
    }
    return idle();
  }

  /** RENDEZVOUS2 verified: the attempt is over. */
  public Step succeeded() {
    return finish(new Done());
  }

  /** The effort of the current (or next) try. */
  public long effort() {
    return effort;
  }

  public int tries() {
    return tries;
  }

  private boolean isCurrent(int attempt) {
    return current != null && current.attempt() == attempt;
  }

  /** What to do when nothing new is to be sent: wait, or the end reached. A Send is returned once. */
  private Step idle() {
    if (current == null) {
      return end == null ? new Wait(Optional.empty()) : end;
    }
    return new Wait(sentAt == null ? Optional.empty() : Optional.of(sentAt.plus(ANSWER_TIMEOUT)));
  }

  private Step advance(boolean timedOut) {
    if (timedOut) {
      effort = Math.min(HsPow.MAX_EFFORT, Math.max(1, 2 * effort));
      if (++unanswered >= MAX_UNANSWERED) {
        return finish(new GiveUp(MAX_UNANSWERED + " introductions without an answer: the seeder could not meet "
            + "at this rendezvous point"));
      }
    }
    if (tries >= MAX_TRIES) {
      return finish(new GiveUp(MAX_TRIES + " introductions without a rendezvous"));
    }
    index = (index + 1) % points.size();
    tries++;
    current = new Send(points.get(index), effort, tries);
    sentAt = null;
    return current;
  }

  private Step finish(Step end) {
    current = null;
    sentAt = null;
    this.end = end;
    return end;
  }

  /**
   * The rendezvous point (§11.7): a relay of the consensus that is not the downloader's own
   * ({@code self}, null for a client), not one of the seeder's intro relays and in none of their
   * /16s; Fast and Stable ones first, weighted by consensus weight. Empty when none is left.
   */
  public static Optional<HsRelay> chooseRendezvous(Collection<HsRelay> consensus, Collection<NodeId> introRelays,
      NodeId self, RandomGenerator random) {
    Set<NodeId> ids = new HashSet<>(introRelays);
    if (self != null) {
      ids.add(self);
    }
    Set<Integer> nets = new HashSet<>();
    for (HsRelay r : consensus) {
      if (introRelays.contains(r.id())) {
        nets.add(r.slash16());
      }
    }
    return RelayDraw.pick(consensus, ids, nets, random);
  }
}
