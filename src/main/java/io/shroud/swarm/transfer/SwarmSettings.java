package io.shroud.swarm.transfer;

import java.time.Duration;

/**
 * Knobs of the swarm actors (serving, announcing, downloading). Config keys under
 * {@code shroud.swarm} are listed in {@code docs/design.md} §9.5.
 *
 * @param uploadBytesPerSecond serving rate limit over all streams (bytes/s, ≤ 1 GiB)
 * @param uploadBurstBytes token-bucket burst (at least one block, 16 KiB)
 * @param maxDownloaders concurrent transfer streams served; more are REFUSEd busy
 * @param pipelineMin fewest block requests kept in flight per source
 * @param pipelineMax most block requests kept in flight per source; at most the number a
 *     provider queues per session ({@link TransferCodec#MAX_QUEUED_REQUESTS}), beyond
 *     which it closes the session
 * @param maxStrikes strikes after which a source is banned
 * @param announceInterval how often the share list is polled for shares to serve hidden (a new
 *     share's hidden service starts at the next poll, a removed one's stops)
 * @param maxProvidersPerDownload most providers one download connects to
 * @param defaultHops circuit length for downloads that do not name one
 * @param stallTimeout a source that owes blocks (or a HELLO answer) and sends nothing for this
 *     long is dropped and its requests go to others
 * @param providerRelookup while downloading with fewer than the maximum of providers, look up
 *     more this often
 * @param corruptBlocksForTesting TEST ONLY: flip a byte in every served block (off in production)
 */
public record SwarmSettings(
    long uploadBytesPerSecond,
    long uploadBurstBytes,
    int maxDownloaders,
    int pipelineMin,
    int pipelineMax,
    int maxStrikes,
    Duration announceInterval,
    int maxProvidersPerDownload,
    int defaultHops,
    Duration stallTimeout,
    Duration providerRelookup,
    boolean corruptBlocksForTesting) {

  /** The highest upload rate, in bytes per second, a node may be configured with (1 GiB/s). */
  public static final long MAX_UPLOAD_RATE = 1L << 30;

  public SwarmSettings {
    if (uploadBytesPerSecond < 1 || uploadBytesPerSecond > MAX_UPLOAD_RATE) {
      throw new IllegalArgumentException("upload rate must be 1.." + MAX_UPLOAD_RATE);
    }
    if (uploadBurstBytes < TransferCodec.MAX_BLOCK_LENGTH || uploadBurstBytes > MAX_UPLOAD_RATE) {
      throw new IllegalArgumentException("upload burst must hold at least one block");
    }
    if (maxDownloaders < 1 || pipelineMin < 1 || pipelineMax < pipelineMin || maxStrikes < 1
        || maxProvidersPerDownload < 1 || defaultHops < 1 || defaultHops > 4) {
      throw new IllegalArgumentException("bad swarm settings");
    }
    if (pipelineMax > TransferCodec.MAX_QUEUED_REQUESTS) {
      throw new IllegalArgumentException("pipeline max " + pipelineMax + " exceeds the "
          + TransferCodec.MAX_QUEUED_REQUESTS + " block requests a provider queues per session");
    }
    if (announceInterval.isNegative() || announceInterval.isZero()) {
      throw new IllegalArgumentException("announce interval must be positive");
    }
    if (stallTimeout.toMillis() < 100 || providerRelookup.toMillis() < 100) {
      throw new IllegalArgumentException("stall timeout and provider re-lookup must be at least 100 ms");
    }
  }

  /**
   * 1 GiB/s upload (effectively unlimited), 32 downloaders, pipeline 4..256 (up to 4 MiB
   * requested from one source, enough to keep a 1024-cell circuit window full), 3 strikes,
   * 30 s polls.
   */
  public static SwarmSettings defaults() {
    return new SwarmSettings(MAX_UPLOAD_RATE, 4L << 20, 32, 4, TransferCodec.MAX_QUEUED_REQUESTS, 3,
        Duration.ofSeconds(30), 8, 3, Duration.ofSeconds(30), Duration.ofSeconds(60), false);
  }

  public SwarmSettings withUploadRate(long bytesPerSecond, long burst) {
    return new SwarmSettings(bytesPerSecond, burst, maxDownloaders, pipelineMin, pipelineMax, maxStrikes,
        announceInterval, maxProvidersPerDownload, defaultHops, stallTimeout, providerRelookup, corruptBlocksForTesting);
  }

  public SwarmSettings withMaxDownloaders(int n) {
    return new SwarmSettings(uploadBytesPerSecond, uploadBurstBytes, n, pipelineMin, pipelineMax, maxStrikes,
        announceInterval, maxProvidersPerDownload, defaultHops, stallTimeout, providerRelookup, corruptBlocksForTesting);
  }

  public SwarmSettings withCorruptBlocksForTesting(boolean on) {
    return new SwarmSettings(uploadBytesPerSecond, uploadBurstBytes, maxDownloaders, pipelineMin, pipelineMax,
        maxStrikes, announceInterval, maxProvidersPerDownload, defaultHops, stallTimeout, providerRelookup, on);
  }

  public SwarmSettings withStallTimeout(Duration stall, Duration relookup) {
    return new SwarmSettings(uploadBytesPerSecond, uploadBurstBytes, maxDownloaders, pipelineMin, pipelineMax,
        maxStrikes, announceInterval, maxProvidersPerDownload, defaultHops, stall, relookup,
        corruptBlocksForTesting);
  }
}
