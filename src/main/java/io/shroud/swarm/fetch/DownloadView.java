package io.shroud.swarm.fetch;

import io.shroud.content.PieceGeometry;
import java.util.BitSet;
import java.util.List;

/**
 * One download as {@code GET /shroud/v1/downloads[/{id}]} shows it. Field names are the JSON
 * names. No key material (the link is not shown).
 *
 * @param state the {@link DownloadPhase}'s name: STARTING, FETCHING_METADATA, FINDING_PROVIDERS, FETCHING_PIECE_LAYER,
 *     DOWNLOADING, FINISHING, PAUSED, COMPLETE, CANCELLED or FAILED
 * @param name the file name from the manifest (encrypted) or the link's dn (public), if known
 * @param rate bytes per second of verified blocks over the last 10 s
 * @param refetchedBytes bytes received again for pieces verified earlier or that failed a check
 * @param waitingForDiskBytes verified pieces waiting to be written and forced to the part file; at
 *     {@link DownloadRun#MAX_WRITE_BACKLOG_BYTES} the download requests nothing more until the disk
 *     catches up
 * @param sha256 SHA-256 of the output once complete
 * @param files a folder's files, in the folder's order (null for a single file): each with its
 *     number, path, whether it was selected, and the id and state of its own download
 */
public record DownloadView(
    String id,
    String state,
    String infoHash,
    String name,
    long bytesDone,
    long bytesTotal,
    int piecesDone,
    int piecesTotal,
    long rate,
    List<SourceView> sources,
    List<CircuitUse> circuits,
    long refetchedBytes,
    long waitingForDiskBytes,
    String outputPath,
    String sha256,
    String error,
    List<FileView> files) {

  /** A single file's view (no {@code files}). */
  public DownloadView(String id, String state, String infoHash, String name, long bytesDone, long bytesTotal,
      int piecesDone, int piecesTotal, long rate, List<SourceView> sources, List<CircuitUse> circuits,
      long refetchedBytes, long waitingForDiskBytes, String outputPath, String sha256, String error) {
    this(id, state, infoHash, name, bytesDone, bytesTotal, piecesDone, piecesTotal, rate, sources, circuits,
        refetchedBytes, waitingForDiskBytes, outputPath, sha256, error, null);
  }

  /**
   * One file of a folder download.
   *
   * @param number from 1, as {@code files} selects it
   * @param downloadId the file's own download (its pieces, pause, …); null for an empty or skipped file
   * @param state SKIPPED when not selected; else its download's state
   */
  public record FileView(int number, String path, long length, boolean selected, String downloadId, String state,
      long bytesDone) {}

  static DownloadView of(String id, DownloadState state, DownloadRun run, String finishingError) {
    return of(id, state, run, null, finishingError);
  }

  /** {@code metadata}: the metadata phase of a bare magnet's download, while it runs (else null). */
  static DownloadView of(String id, DownloadState state, DownloadRun run, MetadataRun metadata, String finishingError) {
    DownloadPhase journaled = state.phase();
    if (run == null && metadata != null && journaled == DownloadPhase.STARTING) {
      return new DownloadView(id, DownloadPhase.FETCHING_METADATA.name(), state.started.infoHashHex(), null, 0, 0,
          0, 0, 0, metadata.sourceViews(), List.of(), 0, 0, state.started.outputPath(), null,
          metadata.transientError());
    }
    DownloadPhase phase = journaled != DownloadPhase.STARTING || run == null ? journaled : run.phase();
    String output = state.started == null ? null : state.started.outputPath();
    String infoHash = state.started == null ? null : state.started.infoHashHex();
    String error = state.failure != null ? state.failure : finishingError != null ? finishingError
        : run == null ? null : run.transientError();
    if (run == null) {
      return new DownloadView(id, phase.name(), infoHash, state.completed == null ? null : state.completed.name(), 0, 0,
          state.verified.cardinality(), 0, 0, List.of(), List.of(), 0, 0, output,
          state.completed == null ? null : state.completed.sha256Hex(), error);
    }
    PieceGeometry g = run.link().geometry();
    int done = state.verified.cardinality();
    long bytesDone = state.completed != null ? g.length() : bytesOf(g, state.verified);
    return new DownloadView(id, phase.name(), infoHash,
        state.completed != null ? state.completed.name() : run.name(), bytesDone, g.length(), done,
        g.pieceCount(), run.pieces().rate(), run.sourceViews(), run.circuitViews(), run.pieces().refetchedBytes(),
        run.pieces().waitingForDiskBytes(), output,
        state.completed == null ? null : state.completed.sha256Hex(), error);
  }

  private static long bytesOf(PieceGeometry g, BitSet verified) {
    long bytes = (long) verified.cardinality() * g.pieceLength();
    int last = g.pieceCount() - 1;
    if (last >= 0 && verified.get(last)) {
      bytes -= g.pieceLength() - g.pieceSize(last);
    }
    return bytes;
  }

  /** One provider of a download. */
  public record SourceView(String nodeId, String state, long rate, int strikes, boolean banned) {}

  /** A circuit a download uses: its id and path (hex node ids, guard first). */
  public record CircuitUse(String circuitId, String provider, List<String> path) {}
}
