package io.shroud.swarm.fetch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * What the resume re-check found in the part file, and the events that journal it: each damaged
 * journaled piece is invalidated (fetched again), and the pieces written after the last journal
 * entry and found whole are verified in one entry. Plain logic; the part-file actor checks, the
 * download journals.
 *
 * @param bad journaled pieces found damaged (never null)
 * @param recovered written pieces the journal had missed, found whole (never null)
 */
record ResumeCheck(BitSet bad, BitSet recovered) {
  /**
   * Most pieces one {@code PiecesVerified} names: 64 KiB of indices in the journal, well inside
   * the serializer's 256 KiB bound for one event, which all the pieces of a large share found
   * after a crash would pass (1 MiB for a 1 TiB share of 4 MiB pieces).
   */
  static final int MAX_PIECES_PER_EVENT = 16_384;

  /** A re-check's result; {@code null} (the check failed) is read as nothing found. */
  static ResumeCheck of(BitSet bad, BitSet recovered) {
    return new ResumeCheck(bad == null ? new BitSet() : bad, recovered == null ? new BitSet() : recovered);
  }

  /**
   * A {@code PieceInvalidated} per damaged piece, then {@code PiecesVerified} for the recovered ones
   * (if any), at most {@link #MAX_PIECES_PER_EVENT} pieces each.
   */
  List<DownloadEvent> events() {
    List<DownloadEvent> events = new ArrayList<>();
    bad.stream().forEach(p -> events.add(new DownloadEvent.PieceInvalidated(p)));
    int[] all = recovered.stream().toArray();
    for (int from = 0; from < all.length; from += MAX_PIECES_PER_EVENT) {
      events.add(new DownloadEvent.PiecesVerified(Arrays.copyOfRange(all, from,
          Math.min(all.length, from + MAX_PIECES_PER_EVENT))));
    }
    return events;
  }
}
