package io.shroud.swarm;

import java.util.List;

/**
 * One download as {@code GET /shroud/v1/downloads[/{id}]} shows it. Field names are the JSON
 * names. No key material (the link is not shown).
 *
 * @param state STARTING, FINDING_PROVIDERS, FETCHING_PIECE_LAYER, DOWNLOADING, PAUSED, COMPLETE,
 *     CANCELLED or FAILED
 * @param name the file name from the manifest (encrypted) or the link's dn (public), if known
 * @param rate bytes per second of verified blocks over the last 10 s
 * @param refetchedBytes bytes received again for pieces verified earlier or that failed a check
 * @param sha256 SHA-256 of the output once complete
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
    String outputPath,
    String sha256,
    String error) {

  /** One provider of a download. */
  public record SourceView(String nodeId, String state, long rate, int strikes, boolean banned) {}

  /** A circuit a download uses: its id and path (hex node ids, guard first). */
  public record CircuitUse(String circuitId, String provider, List<String> path) {}
}
