package io.shroud.circuit;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Circuit-level flow control of one circuit end (protocol §6.10). Sending: a window of
 * {@code window} DATA cells; each SENDME from the far end reopens {@code increment} cells;
 * chunks wait in a queue bounded per stream ({@code streamCredit}) while the window is shut;
 * an END queued behind data waits for it. Receiving: every DATA cell counts against the window
 * the far end was given; a far end exceeding it is a protocol violation; each
 * {@code increment} cells the local user reports consumed yield one SENDME.
 *
 * <p>It also knows what this circuit end holds in memory ({@link #queuedCells()}): chunks
 * waiting for the window, and DATA cells received and not yet consumed, with the time the
 * oldest of them arrived ({@link #oldestQueuedMillis()}), for the relay's memory bound (protocol
 * §6.12). Pure; time comes from the injected millisecond source.
 */
public final class FlowControl {
  /** One queued DATA chunk, or an END ({@code data == null}) for the stream, queued at {@code queuedAt}. */
  public record Chunk(int streamId, byte[] data, long queuedAt) {
    public boolean isEnd() {
      return data == null;
    }
  }

  private final int window;
  private final int increment;
  private final int streamCredit;
  private final LongSupplier millis;
  private int sendWindow;
  private int peakInFlight;
  private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
  private final Map<Integer, Integer> queued = new HashMap<>();
  private int receivedUnacked;
  private int consumed;
  private final Map<Integer, Integer> unconsumed = new HashMap<>();
  /** Per stream, the arrival times of its unconsumed DATA cells: runs of {time, count}, oldest first. */
  private final Map<Integer, ArrayDeque<long[]>> arrivals = new HashMap<>();
  private int queuedData;
  private int unconsumedCells;

  /** Without a clock: every cell is stamped 0 (ages are not needed). */
  public FlowControl(int window, int increment, int streamCredit) {
    this(window, increment, streamCredit, () -> 0L);
  }

  /** {@code millis} stamps queued and received cells (epoch or any monotonic milliseconds). */
  public FlowControl(int window, int increment, int streamCredit, LongSupplier millis) {
    this.window = window;
    this.increment = increment;
    this.streamCredit = streamCredit;
    this.millis = millis;
    this.sendWindow = window;
  }

  /** Queues a DATA chunk; false (refused) when the stream already has its credit queued. */
  public boolean offer(int streamId, byte[] data) {
    int count = queued.getOrDefault(streamId, 0);
    if (count >= streamCredit) {
      return false;
    }
    queued.put(streamId, count + 1);
    queue.add(new Chunk(streamId, data, millis.getAsLong()));
    queuedData++;
    return true;
  }

  /** Queues an END behind the stream's data. */
  public void offerEnd(int streamId) {
    queue.add(new Chunk(streamId, null, millis.getAsLong()));
  }

  /** The next chunk that may leave now (DATA takes one window cell), or null. */
  public Chunk poll() {
    Chunk head = queue.peek();
    if (head == null || (!head.isEnd() && sendWindow == 0)) {
      return null;
    }
    queue.poll();
    if (!head.isEnd()) {
      sendWindow--;
      peakInFlight = Math.max(peakInFlight, inFlight());
      queued.merge(head.streamId(), -1, Integer::sum);
      queuedData--;
    }
    return head;
  }

  /** A circuit SENDME arrived. */
  public void onSendme() throws CircuitProtocolException {
    if (sendWindow + increment > window) {
      throw new CircuitProtocolException("SENDME beyond the window: nothing to acknowledge");
    }
    sendWindow += increment;
  }

  /** A DATA cell arrived for {@code streamId}. */
  public void onData(int streamId) throws CircuitProtocolException {
    if (receivedUnacked >= window) {
      throw new CircuitProtocolException("far end sent more than " + window + " unacknowledged DATA cells");
    }
    receivedUnacked++;
    unconsumed.merge(streamId, 1, Integer::sum);
    unconsumedCells++;
    long now = millis.getAsLong();
    ArrayDeque<long[]> runs = arrivals.computeIfAbsent(streamId, id -> new ArrayDeque<>());
    long[] last = runs.peekLast();
    if (last != null && last[0] == now) {
      last[1]++;
    } else {
      runs.add(new long[] {now, 1});
    }
  }

  /** The local user consumed {@code cells} of {@code streamId}; returns how many SENDMEs to send. */
  public int onConsumed(int streamId, int cells) {
    int pending = unconsumed.getOrDefault(streamId, 0);
    int take = Math.max(0, Math.min(cells, pending));
    unconsumed.put(streamId, pending - take);
    unconsumedCells -= take;
    forgetArrivals(streamId, take);
    consumed += take;
    int sendmes = 0;
    while (consumed >= increment) {
      consumed -= increment;
      receivedUnacked -= increment;
      sendmes++;
    }
    return sendmes;
  }

  /** The stream closed: drops its queued chunks and counts its unconsumed cells as consumed. */
  public int onStreamClosed(int streamId) {
    queue.removeIf(chunk -> chunk.streamId() == streamId);
    Integer dropped = queued.remove(streamId);
    queuedData -= dropped == null ? 0 : dropped;
    int sendmes = onConsumed(streamId, Integer.MAX_VALUE);
    unconsumed.remove(streamId);
    arrivals.remove(streamId);
    return sendmes;
  }

  /**
   * Cells this end holds: DATA chunks waiting for the window plus DATA cells received and not
   * yet consumed by their stream's user.
   */
  public int queuedCells() {
    return queuedData + unconsumedCells;
  }

  /** When the oldest of {@link #queuedCells()} was queued or received; {@code Long.MAX_VALUE} when none. */
  public long oldestQueuedMillis() {
    long oldest = Long.MAX_VALUE;
    for (Chunk chunk : queue) {
      if (!chunk.isEnd()) {
        oldest = chunk.queuedAt(); // the queue is in arrival order: the first DATA is the oldest
        break;
      }
    }
    for (ArrayDeque<long[]> runs : arrivals.values()) {
      long[] first = runs.peekFirst();
      if (first != null) {
        oldest = Math.min(oldest, first[0]);
      }
    }
    return oldest;
  }

  private void forgetArrivals(int streamId, int cells) {
    ArrayDeque<long[]> runs = arrivals.get(streamId);
    while (runs != null && cells > 0 && !runs.isEmpty()) {
      long[] first = runs.peekFirst();
      int take = (int) Math.min(cells, first[1]);
      first[1] -= take;
      cells -= take;
      if (first[1] == 0) {
        runs.pollFirst();
      }
    }
  }

  /** DATA cells sent and not yet acknowledged. */
  public int inFlight() {
    return window - sendWindow;
  }

  public int peakInFlight() {
    return peakInFlight;
  }

  public int queuedChunks() {
    return queue.size();
  }
}
