package io.shroud.circuit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which relayed circuits to destroy when the cells queued on them, node-wide, are over their
 * bound ({@code shroud.circuits.max-queued-bytes}): Tor's out-of-memory handler
 * ({@code circuits_handle_oom}). The circuits whose oldest queued cell is oldest go first
 * (ties: the one holding more cells, then the lower hop number, so the choice is
 * deterministic), until the cells left are at most {@link #RETAIN} of the bound, so that the
 * next few cells do not set it off again.
 *
 * <p>Why the oldest cell: a circuit whose cells have waited longest is the one whose far end
 * stopped reading (no SENDMEs, so its window stays shut, or its stream user stopped
 * consuming). That is what an attacker who wants to pin a relay's memory has to do, while a
 * busy honest circuit keeps moving its queue and only ever holds young cells. Pure.
 */
final class QueuePressure {
  /** The share of the bound left queued after a purge: 90%, as Tor's FRACTION_OF_DATA_TO_RETAIN_ON_OOM. */
  static final double RETAIN = 0.9;

  private static final Comparator<QueuedCells.Entry> OLDEST_FIRST =
      Comparator.comparingLong(QueuedCells.Entry::oldestMillis)
          .thenComparing(Comparator.comparingInt(QueuedCells.Entry::cells).reversed())
          .thenComparingLong(QueuedCells.Entry::hop);

  private QueuePressure() {}

  /**
   * The hops to destroy, in order, given every hop holding cells and the bound {@code limit}:
   * none while their cells total at most {@code limit}.
   */
  static List<Long> victims(Collection<QueuedCells.Entry> hops, long limit) {
    long total = 0;
    for (QueuedCells.Entry hop : hops) {
      total += hop.cells();
    }
    if (total <= limit) {
      return List.of();
    }
    long target = (long) (limit * RETAIN);
    List<QueuedCells.Entry> byAge = new ArrayList<>(hops);
    byAge.sort(OLDEST_FIRST);
    List<Long> victims = new ArrayList<>();
    for (QueuedCells.Entry hop : byAge) {
      if (total <= target) {
        break;
      }
      victims.add(hop.hop());
      total -= hop.cells();
    }
    return victims;
  }
}
