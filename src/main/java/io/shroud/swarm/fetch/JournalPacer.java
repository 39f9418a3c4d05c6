package io.shroud.swarm.fetch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * When a download journals the pieces it has written: at most once per interval, as a BitTorrent
 * client saves its resume data. Pieces written (and forced) since the last entry wait here; the
 * first write after the interval has passed journals them all at once, and a write inside the
 * interval leaves them for a timer of {@link #waitNanos()} (the caller's). The first entry may be
 * made at once. Plain logic over a nanosecond clock; the {@link DownloadJournalActor} owns it.
 */
final class JournalPacer {
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final List<Integer> waiting = new ArrayList<>();
  private long notBefore;

  JournalPacer(Duration interval, LongSupplier nanoTime) {
    if (interval.isNegative()) {
      throw new IllegalArgumentException("negative journal interval");
    }
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
    this.notBefore = nanoTime.getAsLong();
  }

  /** Records pieces that are now written and forced. */
  void written(List<Integer> pieces) {
    waiting.addAll(pieces);
  }

  boolean hasWaiting() {
    return !waiting.isEmpty();
  }

  /** Nanoseconds until the next entry may be made; zero or less: now. */
  long waitNanos() {
    return notBefore - nanoTime.getAsLong();
  }

  /** The waiting pieces for one journal entry (possibly none); the next may follow one interval later. */
  int[] take() {
    notBefore = nanoTime.getAsLong() + intervalNanos;
    int[] pieces = waiting.stream().mapToInt(Integer::intValue).toArray();
    waiting.clear();
    return pieces;
  }
}
