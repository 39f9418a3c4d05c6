package io.shroud.swarm.fetch;

import java.util.ArrayList;
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

  /** A re-check's result; {@code null} (the check failed) is read as nothing found. */
  static ResumeCheck of(BitSet bad, BitSet recovered) {
    return new ResumeCheck(bad == null ? new BitSet() : bad, recovered == null ? new BitSet() : recovered);
  }

  /** A {@code PieceInvalidated} per damaged piece, then one {@code PiecesVerified} for the recovered ones (if any). */
  List<DownloadEvent> events() {
    List<DownloadEvent> events = new ArrayList<>();
    bad.stream().forEach(p -> events.add(new DownloadEvent.PieceInvalidated(p)));
    if (!recovered.isEmpty()) {
      events.add(new DownloadEvent.PiecesVerified(recovered.stream().toArray()));
    }
    return events;
  }
}
