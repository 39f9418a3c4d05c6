package io.shroud.swarm.pick;

import io.shroud.content.PieceGeometry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Throughput per source: bytes of verified blocks over a sliding window, kept in fixed time
 * slots and read from an injected {@link Clock}.
 *
 * <p>How ranking feeds picking: the picker itself stays free of time. Its caller (the download
 * actor) (1) offers free request slots to sources in {@link #ranked()} order, so the fastest
 * provider is asked first and gets the rarest pieces, and (2) passes
 * {@link #pipelineDepth} as the {@code maxInFlight} of {@link PiecePicker#pick}, so a fast source
 * keeps enough blocks queued to fill its circuit while a slow one holds few blocks hostage. A
 * new source starts at the minimum depth until it has delivered something. Not thread-safe.
 *
 * @param <S> source handle
 */
public final class SourceStats<S> {
  private final Clock clock;
  private final long slotMillis;
  private final int slots;
  private final Map<S, Window> windows = new LinkedHashMap<>();

  private static final class Window {
    final long[] bytes;
    final long[] slotNo;
    final long firstMillis;

    Window(int slots, long now) {
      bytes = new long[slots];
      slotNo = new long[slots];
      java.util.Arrays.fill(slotNo, -1);
      firstMillis = now;
    }
  }

  /** A window of {@code slots} slots of {@code slot} each (e.g. 10 × 1 s). */
  public SourceStats(Clock clock, Duration slot, int slots) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.slotMillis = slot.toMillis();
    if (slotMillis < 1 || slots < 1 || slots > 3600) {
      throw new IllegalArgumentException("need a slot of at least 1 ms and 1..3600 slots");
    }
    this.slots = slots;
  }

  /** Ten one-second slots. */
  public static <S> SourceStats<S> tenSeconds(Clock clock) {
    return new SourceStats<>(clock, Duration.ofSeconds(1), 10);
  }

  /** Counts {@code bytes} received from {@code source} now. */
  public void record(S source, long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative byte count");
    }
    long now = clock.millis();
    Window w = windows.computeIfAbsent(source, k -> new Window(slots, now));
    long no = now / slotMillis;
    int i = (int) (no % slots);
    if (w.slotNo[i] != no) {
      w.slotNo[i] = no;
      w.bytes[i] = 0;
    }
    w.bytes[i] += bytes;
  }

  /**
   * Bytes per second from {@code source} over the window: the last {@code slots - 1} full slots
   * plus the elapsed part of the current one (or since the source was first seen, if that is
   * shorter, but at least one slot); 0 for an unknown source.
   */
  public double rate(S source) {
    Window w = windows.get(source);
    if (w == null) {
      return 0;
    }
    long now = clock.millis();
    long current = now / slotMillis;
    long sum = 0;
    for (int i = 0; i < slots; i++) {
      if (w.slotNo[i] > current - slots && w.slotNo[i] <= current) {
        sum += w.bytes[i];
      }
    }
    long window = (slots - 1) * slotMillis + now % slotMillis; // full slots + the current part
    long span = Math.max(Math.min(slotMillis, Math.max(1, window)),
        Math.min(window, now - w.firstMillis));
    return sum * 1000.0 / span;
  }

  /** Known sources, fastest first (ties: first seen first). */
  public List<S> ranked() {
    List<S> out = new ArrayList<>(windows.keySet());
    out.sort(Comparator.comparingDouble((S s) -> -rate(s)));
    return out;
  }

  /**
   * Blocks to keep in flight from {@code source}: enough to cover {@code queueTime} of its
   * measured rate, clamped to {@code min..max}.
   */
  public int pipelineDepth(S source, Duration queueTime, int min, int max) {
    if (min < 1 || max < min) {
      throw new IllegalArgumentException("need 1 <= min <= max");
    }
    double blocks = rate(source) * queueTime.toMillis() / 1000.0 / PieceGeometry.BLOCK_SIZE;
    return (int) Math.max(min, Math.min(max, Math.ceil(blocks)));
  }

  /** Forgets {@code source}. */
  public void remove(S source) {
    windows.remove(source);
  }
}
