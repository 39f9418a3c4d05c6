package io.shroud.swarm.transfer;

/**
 * How this node seeds ({@code shroud.seeding}; docs/design.md §8.9). Every share is served as a
 * hidden service of its own (protocol §11: intro points, a blinded descriptor, rendezvous) and
 * downloads find their sources by descriptor; no record names a seeder.
 *
 * @param hops the length of the seeder's circuits (intro points, descriptor publication,
 *     rendezvous), 1 to 4; a downloader's side has its own ({@code hops} of the download)
 * @param afterDownload a finished download is shared (hidden) from then on
 */
public record SeedingSettings(int hops, boolean afterDownload) {
  public static final int MAX_HOPS = 4;

  public SeedingSettings {
    if (hops < 1 || hops > MAX_HOPS) {
      throw new IllegalArgumentException("seeding hops must be 1.." + MAX_HOPS + ", got " + hops);
    }
  }

  /** 3 hops (Tor's 3+3 with a downloader's default), seeding after download. */
  public static SeedingSettings defaults() {
    return new SeedingSettings(3, true);
  }
}
