package io.shroud.swarm.fetch;

import io.shroud.content.MerkleTree;
import io.shroud.content.ShareLink;
import io.shroud.swarm.serve.PieceLayerFile;
import java.nio.file.Path;
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
  /** The SHA-256 of the verified piece layer in the layer file, once journaled. */
  byte[] layerSha256;
  /** The piece layer itself, only from a journal written before layer files (legacy {@code PieceLayerVerified}). */
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
    } else if (e instanceof DownloadEvent.PieceLayerStored l) {
      layerSha256 = l.sha256();
    } else if (e instanceof DownloadEvent.PieceLayerVerified l) {
      pieceLayer = l.pieceLayer();
      layerSha256 = PieceLayerFile.sha256(l.pieceLayer());
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

  /**
   * The journaled piece layer's tree: from an older journal's event, or read back from
   * {@code file} and checked against its journaled SHA-256 and the link's pieces root.
   *
   * @throws PieceLayerFile.Unusable if the file is missing or damaged (or an inline layer is bad)
   */
  MerkleTree layer(Path file, ShareLink link) throws PieceLayerFile.Unusable {
    byte[] root = link.piecesRoot().orElseThrow();
    if (pieceLayer == null) {
      return PieceLayerFile.read(file, layerSha256, link.geometry(), root);
    }
    try {
      return MerkleTree.fromPieceLayerBytes(link.geometry(), pieceLayer, root);
    } catch (IllegalArgumentException e) {
      throw new PieceLayerFile.Unusable("the journaled piece layer is bad: " + e.getMessage());
    }
  }

  /** Whether the verified piece layer is journaled (in a layer file, or inline in an older journal). */
  boolean layerKnown() {
    return layerSha256 != null;
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
