package io.shroud.swarm.serve;

import java.time.Duration;
import java.util.List;

/**
 * What a {@link ServingSession} needs done outside itself; {@link TransferServiceActor}
 * implements it for each stream with messages. Nothing here answers at once: a share lookup, a
 * read or a retry comes back later as a call on the session, made by whatever drives it (one
 * thread at a time).
 */
interface ServingIo {
  /** Writes {@code chunks} to the stream, in order (each has taken one credit). */
  void write(List<byte[]> chunks);

  /** Ends the stream; called once, after everything the session queued has been written. */
  void endStream();

  /**
   * Looks up the share whose info-hash is {@code infoHashHex}; the answer comes back to
   * {@link ServingSession#shareFound} or {@link ServingSession#shareUnknown}.
   */
  void findShare(String infoHashHex);

  /**
   * Runs {@code task}'s {@link ReadTask#read()} off the session's thread; its blocks come back
   * to {@link ServingSession#blocksRead} ({@link ReadTask#failed} if the read itself threw).
   */
  void read(ReadTask task);

  /**
   * Calls {@link ServingSession#pump()} again after {@code wait} (the upload rate limit is short
   * of tokens). The provider's sessions share one rate limit, so this may pump all of them.
   */
  void retryIn(Duration wait);
}
