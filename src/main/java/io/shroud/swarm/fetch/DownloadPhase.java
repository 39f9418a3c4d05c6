package io.shroud.swarm.fetch;

/**
 * Where a download is in its life; {@link DownloadView#state()} shows its name. The journal
 * knows the outer phases ({@link DownloadState#phase()}: STARTING for a download that runs,
 * PAUSED and the three ends); a running {@link DownloadRun} knows which of the live ones it is in.
 */
public enum DownloadPhase {
  /** Accepted; nothing asked for yet (or re-checking the part file after a restart). */
  STARTING,
  /**
   * Started from a bare magnet: asking the providers for the info dictionary and checking it
   * against the info-hash (the journal's STARTING, until the metadata is known).
   */
  FETCHING_METADATA,
  /** No source is connected: looking providers up (again). */
  FINDING_PROVIDERS,
  /** Fetching the piece layer from a source and checking it against the link's pieces root. */
  FETCHING_PIECE_LAYER,
  /** Fetching blocks from the sources. */
  DOWNLOADING,
  /** Every piece is verified and its sessions closed; the output is being produced. */
  FINISHING,
  PAUSED,
  COMPLETE,
  CANCELLED,
  FAILED;

  /** True once nothing more will happen (complete, cancelled or failed). */
  public boolean ended() {
    return this == COMPLETE || this == CANCELLED || this == FAILED;
  }
}
