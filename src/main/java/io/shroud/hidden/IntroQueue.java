package io.shroud.hidden;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * A seeder's queue of introductions waiting to be served (docs/protocol.md §11.9), Tor's
 * onion-service priority queue: highest claimed effort first, first come first served within
 * one effort, at most {@link #CAPACITY} entries. When full, the entry of lowest effort (the
 * newest among equals) is dropped, and {@link #offer} says which one. An entry older than
 * {@link #MAX_AGE} is not served: {@link #poll} discards it (its downloader has tried again by
 * then). Not thread-safe: one actor owns it.
 *
 * @param <T> what is queued (the opened introduction)
 */
public final class IntroQueue<T> {
  public static final int CAPACITY = 256;
  /** Half the 30 s a downloader waits for its rendezvous, as Tor does. */
  public static final Duration MAX_AGE = Duration.ofSeconds(15);

  /** One queued introduction with its claimed effort (u32) and when it was queued. */
  public record Entry<T>(T item, long effort, Instant queuedAt, long sequence) {}

  /**
   * What {@link #offer} did: whether the new entry is queued, and the entry dropped to make room
   * (the new one itself when it was the lowest), if any.
   */
  public record Offer<T>(boolean queued, Optional<Entry<T>> dropped) {}

  private static final Comparator<Entry<?>> ORDER =
      Comparator.<Entry<?>>comparingLong(e -> -e.effort()).thenComparingLong(Entry::sequence);

  private final int capacity;
  private final Duration maxAge;
  private final Clock clock;
  private final TreeSet<Entry<T>> entries = new TreeSet<>(ORDER);
  private long sequence;
  private long droppedFull;
  private long droppedExpired;

  public IntroQueue(Clock clock) {
    this(CAPACITY, MAX_AGE, clock);
  }

  public IntroQueue(int capacity, Duration maxAge, Clock clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /** Queues {@code item} with its claimed effort (0..2^32-1), dropping the lowest entry when full. */
  public Offer<T> offer(T item, long effort) {
    if (effort < 0 || effort > 0xffffffffL) {
      throw new IllegalArgumentException("effort " + effort + " is not a u32");
    }
    Entry<T> entry = new Entry<>(item, effort, clock.instant(), sequence++);
    if (entries.size() < capacity) {
      entries.add(entry);
      return new Offer<>(true, Optional.empty());
    }
    droppedFull++;
    Entry<T> lowest = entries.last();
    if (ORDER.compare(entry, lowest) < 0) {
      entries.pollLast();
      entries.add(entry);
      return new Offer<>(true, Optional.of(lowest));
    }
    return new Offer<>(false, Optional.of(entry));
  }

  /** The next entry to serve (highest effort, oldest among equals), discarding expired ones. */
  public Optional<Entry<T>> poll() {
    Instant oldest = clock.instant().minus(maxAge);
    while (!entries.isEmpty()) {
      Entry<T> next = entries.pollFirst();
      if (!next.queuedAt().isBefore(oldest)) {
        return Optional.of(next);
      }
      droppedExpired++;
    }
    return Optional.empty();
  }

  /** The effort of the entry {@link #poll} would look at first, if any. */
  public OptionalLong topEffort() {
    return entries.isEmpty() ? OptionalLong.empty() : OptionalLong.of(entries.first().effort());
  }

  public int size() {
    return entries.size();
  }

  /** Entries dropped because the queue was full, since it was made. */
  public long droppedFull() {
    return droppedFull;
  }

  /** Entries discarded unserved because they waited longer than the maximum age. */
  public long droppedExpired() {
    return droppedExpired;
  }
}
