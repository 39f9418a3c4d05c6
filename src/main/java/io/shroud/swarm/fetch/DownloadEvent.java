package io.shroud.swarm.fetch;

import io.shroud.serialization.ShroudSerializable;
import java.time.Instant;

/**
 * What a {@link DownloadActor} journals (persistence id {@code download|<id>}). No key material:
 * the share link (which holds an encrypted share's key) lives in an owner-only file of
 * {@link DownloadStore}, written and forced before {@link DownloadStarted} is persisted.
 */
public sealed interface DownloadEvent extends ShroudSerializable {

  /** A download was accepted: the share, where its output goes, and the circuit length. */
  record DownloadStarted(String id, String infoHashHex, String outputPath, int hops, Instant startedAt)
      implements DownloadEvent {}

  /**
   * The piece layer, checked against the link's pieces root, is in the download's layer file
   * ({@link DownloadStore#writeLayer}, written and forced before this is persisted);
   * {@code sha256} is the layer's SHA-256, checked when the file is read back. The layer itself
   * stays out of the journal: 32 bytes per piece would pass the serializer's 256 KiB bound for a
   * share above ~32 GiB.
   */
  record PieceLayerStored(byte[] sha256) implements DownloadEvent {}

  /**
   * The piece layer itself, as journals written before {@link PieceLayerStored} hold it; they
   * still replay (the layer is used from the event). Never written any more.
   */
  record PieceLayerVerified(byte[] pieceLayer) implements DownloadEvent {}

  /**
   * Piece {@code index} passed its check and is forced to disk in the part file. Journals
   * written before group commits were journaled as one {@link PiecesVerified} hold these; they
   * still replay.
   */
  record PieceVerified(int index) implements DownloadEvent {}

  /**
   * The pieces of one group commit passed their checks and are forced to disk in the part file,
   * in the order they were verified: one journal row per batch rather than per piece.
   */
  record PiecesVerified(int[] indices) implements DownloadEvent {}

  /** Piece {@code index} was found damaged in the part file on resume: fetch it again. */
  record PieceInvalidated(int index) implements DownloadEvent {}

  record Paused(Instant at) implements DownloadEvent {}

  record Resumed(Instant at) implements DownloadEvent {}

  /** The download is abandoned; its files are deleted (an {@code <output>.part} only if it made it). */
  record Cancelled(Instant at) implements DownloadEvent {}

  /** The output file is complete; {@code sha256Hex} is the SHA-256 of what was written. */
  record DownloadCompleted(String sha256Hex, String name, Instant at) implements DownloadEvent {}

  record DownloadFailed(String reason, Instant at) implements DownloadEvent {}
}
