package io.shroud.swarm.fetch;

import java.util.ArrayDeque;
import java.util.BitSet;

/**
 * The journaled facts of one download, rebuilt from {@link DownloadEvent}s. Mutable on purpose
 * (a large share has thousands of verified pieces; copying the bit set per event would make
 * recovery quadratic); only the event handler of its download ({@link DownloadJournalActor}) mutates it.
 */
public final class DownloadState {
  /** How many of the most recently verified pieces are re-checked on resume. */
  public static final int RECHECK_LAST = 8;

  DownloadEvent.DownloadStarted started;
  byte[] pieceLayer;
  final BitSet verified = new BitSet();
  /** Pieces verified in the journal (at recovery) or invalidated: fetching them again is a re-fetch. */
  final BitSet everVerified = new BitSet();
  final ArrayDeque<Integer> recent = new ArrayDeque<>();
  boolean paused;
  boolean cancelled;
  DownloadEvent.DownloadCompleted completed;
  String failure;

  DownloadState apply(DownloadEvent e) {
    if (e instanceof DownloadEvent.DownloadStarted s) {
      started = s;
    } else if (e instanceof DownloadEvent.PieceLayerVerified l) {
      pieceLayer = l.pieceLayer();
    } else if (e instanceof DownloadEvent.PieceVerified v) {
      pieceVerified(v.index());
    } else if (e instanceof DownloadEvent.PiecesVerified v) {
      for (int index : v.indices()) {
        pieceVerified(index);
      }
    } else if (e instanceof DownloadEvent.PieceInvalidated i) {
      verified.clear(i.index());
      recent.remove(i.index());
    } else if (e instanceof DownloadEvent.Paused) {
      paused = true;
    } else if (e instanceof DownloadEvent.Resumed) {
      paused = false;
    } else if (e instanceof DownloadEvent.Cancelled) {
      cancelled = true;
    } else if (e instanceof DownloadEvent.DownloadCompleted c) {
      completed = c;
    } else if (e instanceof DownloadEvent.DownloadFailed f) {
      failure = f.reason();
    }
    return this;
  }

  private void pieceVerified(int index) {
    verified.set(index);
    everVerified.set(index);
    recent.addLast(index);
    if (recent.size() > RECHECK_LAST) {
      recent.removeFirst();
    }
  }

  /**
   * The phase the journal knows: COMPLETE, CANCELLED, FAILED, PAUSED, or STARTING for a download
   * that runs (its {@link DownloadRun} knows which live phase it is in).
   */
  DownloadPhase phase() {
    if (completed != null) {
      return DownloadPhase.COMPLETE;
    } else if (cancelled) {
      return DownloadPhase.CANCELLED;
    } else if (failure != null) {
      return DownloadPhase.FAILED;
    }
    return paused ? DownloadPhase.PAUSED : DownloadPhase.STARTING;
  }

  /** True once nothing more will happen (complete, cancelled or failed). */
  boolean finished() {
    return phase().ended();
  }
}
