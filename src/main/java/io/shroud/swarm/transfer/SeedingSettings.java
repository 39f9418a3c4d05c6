package io.shroud.swarm.transfer;

/**
 * How this node seeds ({@code shroud.seeding}; docs/design.md §8.9).
 *
 * @param hidden every share is served as a hidden service of its own (protocol §11: intro points,
 *     a blinded descriptor, rendezvous), and downloads find their sources by descriptor; off, the
 *     older named path is used: a provider record in the DHT names this node next to the
 *     info-hash, and downloads connect to the nodes such records name
 * @param hops the length of the seeder's circuits (intro points, descriptor publication,
 *     rendezvous), 1 to 4; a downloader's side has its own ({@code hops} of the download)
 * @param afterDownload a finished download is shared from then on (hidden when {@code hidden})
 */
public record SeedingSettings(boolean hidden, int hops, boolean afterDownload) {
  public static final int MAX_HOPS = 4;

  public SeedingSettings {
    if (hops < 1 || hops > MAX_HOPS) {
      throw new IllegalArgumentException("seeding hops must be 1.." + MAX_HOPS + ", got " + hops);
    }
  }

  /** Hidden, 3 hops (Tor's 3+3 with a downloader's default), seeding after download. */
  public static SeedingSettings defaults() {
    return new SeedingSettings(true, 3, true);
  }

  /** The named path of earlier versions (provider records): tests and networks that ask for it. */
  public static SeedingSettings named() {
    return new SeedingSettings(false, 3, true);
  }
}
