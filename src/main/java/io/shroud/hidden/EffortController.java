package io.shroud.hidden;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * The work a seeder asks in its descriptor (docs/protocol.md §11.9), adjusted once per
 * {@link #UPDATE_PERIOD} by Tor's onion-service rule (C tor {@code update_suggested_effort},
 * additive increase, multiplicative decrease). During a period it counts:
 *
 * <ul>
 *   <li>{@code total}: the sum of the efforts of introductions verified and queued;
 *   <li>{@code handled}: introductions served (a rendezvous started);
 *   <li>{@code maxDropped}: the highest effort dropped from a full queue;
 *   <li>{@code hadQueue}: after serving one, at least {@link #QUEUE_LOW} were still waiting.
 * </ul>
 *
 * At the end of the period, with {@code E} the current effort: INCREASE when
 * {@code maxDropped > E}, or when {@code hadQueue} and the queue's top has effort ≥ E; else
 * DECREASE when not {@code hadQueue} and fewer than {@link #QUEUE_LOW} wait. INCREASE sets
 * {@code E = max(E + 1, total / max(1, handled))}, DECREASE {@code E = floor(2E / 3)}; E stays
 * in 0..{@link HsPow#MAX_EFFORT}. The counts then start again. Not thread-safe.
 */
public final class EffortController {
  public static final Duration UPDATE_PERIOD = Duration.ofMinutes(1);
  /** Tor's default {@code HiddenServicePoWQueueLow}. */
  public static final int QUEUE_LOW = 16;
  /** A change smaller than this (percent of the published effort) is not worth a republication. */
  public static final int REPUBLISH_PERCENT = 15;

  /** What the last update did. */
  public enum Event { NONE, INCREASE, DECREASE }

  private final Clock clock;
  private long effort;
  private long total;
  private long handled;
  private long maxDropped;
  private boolean hadQueue;
  private Instant nextUpdate;

  public EffortController(Clock clock) {
    this.clock = clock;
    this.nextUpdate = clock.instant().plus(UPDATE_PERIOD);
  }

  /** The effort to publish now, 0 (no work) until an update raises it. */
  public long effort() {
    return effort;
  }

  /** An introduction claiming {@code effort} was verified and queued. */
  public void queued(long effort) {
    total += effort;
  }

  /** An introduction of {@code effort} was dropped because the queue was full. */
  public void dropped(long effort) {
    maxDropped = Math.max(maxDropped, effort);
  }

  /** An introduction was served; {@code stillQueued} others wait. */
  public void served(int stillQueued) {
    handled++;
    if (stillQueued >= QUEUE_LOW) {
      hadQueue = true;
    }
  }

  /**
   * Applies the rule when the period is over (else does nothing and answers NONE), given the
   * queue as it is now.
   */
  public Event tick(int queueSize, OptionalLong topEffort) {
    Instant now = clock.instant();
    if (now.isBefore(nextUpdate)) {
      return Event.NONE;
    }
    Event event = Event.NONE;
    if (maxDropped > effort) {
      event = Event.INCREASE;
    } else if (hadQueue) {
      if (queueSize > 0 && topEffort.isPresent() && topEffort.getAsLong() >= effort) {
        event = Event.INCREASE;
      }
    } else if (queueSize < QUEUE_LOW) {
      event = Event.DECREASE;
    }
    switch (event) {
      case INCREASE -> effort = Math.min(HsPow.MAX_EFFORT, Math.max(effort + 1, total / Math.max(1, handled)));
      case DECREASE -> effort = 2 * effort / 3;
      case NONE -> { }
    }
    total = 0;
    handled = 0;
    maxDropped = 0;
    hadQueue = false;
    nextUpdate = now.plus(UPDATE_PERIOD);
    return event;
  }

  /**
   * Whether a descriptor showing {@code published} should be republished for {@code current}:
   * when work starts or stops being asked, or the effort moved by at least
   * {@link #REPUBLISH_PERCENT}% (proposal 327 §3.4.3.1).
   */
  public static boolean worthRepublishing(long published, long current) {
    if (published == current) {
      return false;
    }
    if (published == 0 || current == 0) {
      return true;
    }
    return Math.abs(current - published) * 100 >= REPUBLISH_PERCENT * published;
  }
}
