package io.shroud.circuit;

import java.time.Duration;

/**
 * Tuning of the circuit actors (design.md §8; the limits a peer observes: protocol §6.12).
 *
 * @param buildTimeout how long one build attempt (all handshakes) may take
 * @param buildRetries further attempts on a fresh path after a failed one
 * @param maxAge after this age a circuit takes no new streams
 * @param idleTimeout an origin closes its circuit after no cell either way for this long
 * @param relayIdleTimeout a relay destroys a hop that received no cell from either neighbour for this long
 * @param housekeepingInterval how often circuits check their age and idleness, and relays their hops
 * @param window DATA cells a sender may have unacknowledged per circuit direction
 * @param sendmeIncrement cells acknowledged by one circuit SENDME (window must be a multiple)
 * @param streamCredit DATA chunks one stream may have queued behind the window
 * @param maxStreamsPerCircuit streams open at once on one circuit end
 * @param maxCircuitsPerLink circuits a relay accepts from one neighbour
 * @param maxRelayedCircuits circuit hops a relay carries at once, over all its links
 * @param maxQueuedCells cells queued on all relayed hops together above which the hops holding
 *     the oldest are destroyed
 * @param createBurst CREATE cells accepted from one remote node in a burst
 * @param createPerSecond sustained CREATE rate per remote node
 * @param replayCacheSize most CREATE fingerprints the replay cache holds (the oldest go first)
 * @param replayWindow how long a CREATE fingerprint is remembered (a repeat within it is refused)
 * @param viewTimeout how long {@code GetCircuits} waits for each circuit's view
 */
public record CircuitSettings(
    Duration buildTimeout,
    int buildRetries,
    Duration maxAge,
    Duration idleTimeout,
    Duration relayIdleTimeout,
    Duration housekeepingInterval,
    int window,
    int sendmeIncrement,
    int streamCredit,
    int maxStreamsPerCircuit,
    int maxCircuitsPerLink,
    int maxRelayedCircuits,
    int maxQueuedCells,
    int createBurst,
    double createPerSecond,
    int replayCacheSize,
    Duration replayWindow,
    Duration viewTimeout) {

  /** What one queued cell is counted as against {@code max-queued-bytes}: a cell's array and its share of the rest. */
  public static final int QUEUED_CELL_BYTES = 4096;

  /** The fewest cells {@code max-queued-bytes = auto} allows (4 MiB), whatever the heap. */
  public static final int MIN_AUTO_QUEUED_CELLS = 1024;

  public CircuitSettings {
    if (buildRetries < 0 || window < 1 || sendmeIncrement < 1 || window % sendmeIncrement != 0) {
      throw new IllegalArgumentException("need retries >= 0 and a window that is a positive multiple of the SENDME increment");
    }
    if (streamCredit < 1 || maxStreamsPerCircuit < 1 || maxCircuitsPerLink < 1 || maxRelayedCircuits < 1
        || maxQueuedCells < 1 || createBurst < 1 || !(createPerSecond > 0) || replayCacheSize < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (replayWindow.isNegative() || replayWindow.isZero() || relayIdleTimeout.isNegative()
        || relayIdleTimeout.isZero()) {
      throw new IllegalArgumentException("the replay window and the relay idle timeout must be positive");
    }
  }

  public static CircuitSettings defaults() {
    return new CircuitSettings(Duration.ofSeconds(10), 2, Duration.ofMinutes(10), Duration.ofMinutes(5),
        Duration.ofMinutes(10), Duration.ofSeconds(5), 1024, 64, 32, 64, 1024, 8192,
        autoMaxQueuedCells(Runtime.getRuntime().maxMemory()), 20, 5.0, 100_000, Duration.ofMinutes(10),
        Duration.ofSeconds(2));
  }

  /**
   * {@code max-queued-bytes = auto}: a quarter of the heap the JVM may use, in cells, at least
   * {@link #MIN_AUTO_QUEUED_CELLS} (Tor's MaxMemInQueues is likewise derived from the memory
   * there is). 1 GiB of heap gives 65,536 cells (256 MiB).
   */
  public static int autoMaxQueuedCells(long maxHeapBytes) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(MIN_AUTO_QUEUED_CELLS, maxHeapBytes / 4 / QUEUED_CELL_BYTES));
  }

  public CircuitSettings withWindow(int newWindow, int newIncrement) {
    return new CircuitSettings(buildTimeout, buildRetries, maxAge, idleTimeout, relayIdleTimeout,
        housekeepingInterval, newWindow, newIncrement, streamCredit, maxStreamsPerCircuit, maxCircuitsPerLink,
        maxRelayedCircuits, maxQueuedCells, createBurst, createPerSecond, replayCacheSize, replayWindow, viewTimeout);
  }

  public CircuitSettings withBuildTimeout(Duration timeout, int retries) {
    return new CircuitSettings(timeout, retries, maxAge, idleTimeout, relayIdleTimeout,
        housekeepingInterval, window, sendmeIncrement, streamCredit, maxStreamsPerCircuit, maxCircuitsPerLink,
        maxRelayedCircuits, maxQueuedCells, createBurst, createPerSecond, replayCacheSize, replayWindow, viewTimeout);
  }

  public CircuitSettings withCreateLimits(int circuitsPerLink, int burst, double perSecond) {
    return new CircuitSettings(buildTimeout, buildRetries, maxAge, idleTimeout, relayIdleTimeout,
        housekeepingInterval, window, sendmeIncrement, streamCredit, maxStreamsPerCircuit, circuitsPerLink,
        maxRelayedCircuits, maxQueuedCells, burst, perSecond, replayCacheSize, replayWindow, viewTimeout);
  }

  public CircuitSettings withLifetimes(Duration newMaxAge, Duration newIdle, Duration housekeeping) {
    return new CircuitSettings(buildTimeout, buildRetries, newMaxAge, newIdle, relayIdleTimeout,
        housekeeping, window, sendmeIncrement, streamCredit, maxStreamsPerCircuit, maxCircuitsPerLink,
        maxRelayedCircuits, maxQueuedCells, createBurst, createPerSecond, replayCacheSize, replayWindow, viewTimeout);
  }

  public CircuitSettings withRelayIdleTimeout(Duration timeout) {
    return new CircuitSettings(buildTimeout, buildRetries, maxAge, idleTimeout, timeout,
        housekeepingInterval, window, sendmeIncrement, streamCredit, maxStreamsPerCircuit, maxCircuitsPerLink,
        maxRelayedCircuits, maxQueuedCells, createBurst, createPerSecond, replayCacheSize, replayWindow, viewTimeout);
  }

  public CircuitSettings withMaxRelayedCircuits(int max) {
    return new CircuitSettings(buildTimeout, buildRetries, maxAge, idleTimeout, relayIdleTimeout,
        housekeepingInterval, window, sendmeIncrement, streamCredit, maxStreamsPerCircuit, maxCircuitsPerLink,
        max, maxQueuedCells, createBurst, createPerSecond, replayCacheSize, replayWindow, viewTimeout);
  }

  public CircuitSettings withMaxQueuedCells(int max) {
    return new CircuitSettings(buildTimeout, buildRetries, maxAge, idleTimeout, relayIdleTimeout,
        housekeepingInterval, window, sendmeIncrement, streamCredit, maxStreamsPerCircuit, maxCircuitsPerLink,
        maxRelayedCircuits, max, createBurst, createPerSecond, replayCacheSize, replayWindow, viewTimeout);
  }
}
