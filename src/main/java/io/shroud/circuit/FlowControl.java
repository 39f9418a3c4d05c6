package io.shroud.circuit;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Circuit-level flow control of one circuit end (protocol §6.10). Sending: a window of
 * {@code window} DATA cells; each SENDME from the far end reopens {@code increment} cells;
 * chunks wait in a queue bounded per stream ({@code streamCredit}) while the window is shut;
 * an END queued behind data waits for it. Receiving: every DATA cell counts against the window
 * the far end was given; a far end exceeding it is a protocol violation; each
 * {@code increment} cells the local user reports consumed yield one SENDME. Pure.
 */
public final class FlowControl {
  /** One queued DATA chunk, or an END ({@code data == null}) for the stream. */
  public record Chunk(int streamId, byte[] data) {
    public boolean isEnd() {
      return data == null;
    }
  }

  private final int window;
  private final int increment;
  private final int streamCredit;
  private int sendWindow;
  private int peakInFlight;
  private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
  private final Map<Integer, Integer> queued = new HashMap<>();
  private int receivedUnacked;
  private int consumed;
  private final Map<Integer, Integer> unconsumed = new HashMap<>();

  public FlowControl(int window, int increment, int streamCredit) {
    this.window = window;
    this.increment = increment;
    this.streamCredit = streamCredit;
    this.sendWindow = window;
  }

  /** Queues a DATA chunk; false (refused) when the stream already has its credit queued. */
  public boolean offer(int streamId, byte[] data) {
    int count = queued.getOrDefault(streamId, 0);
    if (count >= streamCredit) {
      return false;
    }
    queued.put(streamId, count + 1);
    queue.add(new Chunk(streamId, data));
    return true;
  }

  /** Queues an END behind the stream's data. */
  public void offerEnd(int streamId) {
    queue.add(new Chunk(streamId, null));
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
  }

  /** The local user consumed {@code cells} of {@code streamId}; returns how many SENDMEs to send. */
  public int onConsumed(int streamId, int cells) {
    int pending = unconsumed.getOrDefault(streamId, 0);
    int take = Math.max(0, Math.min(cells, pending));
    unconsumed.put(streamId, pending - take);
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
    queued.remove(streamId);
    int sendmes = onConsumed(streamId, Integer.MAX_VALUE);
    unconsumed.remove(streamId);
    return sendmes;
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
