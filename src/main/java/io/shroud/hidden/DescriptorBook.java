package io.shroud.hidden;

import io.shroud.identity.NodeId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * A downloader's view of the hidden seeders of one share (protocol §11.3), pure: it takes the
 * records found at the lookup locations ({@link HsPeriod#lookupPeriods()}, one {@link HsLocation}
 * each), opens each value with {@link HsDescriptor#open} (a bad one is skipped and counted), drops
 * intro points whose relay is not in the consensus (a descriptor left with none is skipped and
 * counted), keeps one entry per publisher key (the highest {@code seq}; equal seqs: the first), and
 * yields the seeders to try: in random order, each with its intro points in random order. Not
 * thread-safe.
 */
public final class DescriptorBook {
  /** What {@link #add} did with a record. */
  public enum Added {
    /** A new publisher, or a higher seq of a known one. */
    KEPT,
    /** A publisher already held with this seq or a higher one. */
    STALE,
    /** Did not open, or refused by the codec (§11.3). */
    BAD,
    /** Opened, but none of its intro points is a relay of the consensus. */
    NO_LISTED_RELAY
  }

  /**
   * One hidden seeder to try: the record's publisher and period, the work its descriptor asks,
   * the pow seed, and its intro points (those of the consensus) in the order to try them.
   */
  public record Seeder(byte[] publisher, long period, long seq, int powEffort, byte[] powSeed,
      List<HsDescriptor.IntroPoint> introPoints) {
    public Seeder {
      publisher = publisher.clone();
      powSeed = powSeed.clone();
      introPoints = List.copyOf(introPoints);
    }

    @Override
    public byte[] publisher() {
      return publisher.clone();
    }

    @Override
    public byte[] powSeed() {
      return powSeed.clone();
    }

    /** The relays of its intro points (an RP must be none of them, §11.7). */
    public List<NodeId> introRelays() {
      return introPoints.stream().map(HsDescriptor.IntroPoint::relay).toList();
    }

    @Override
    public String toString() {
      return "Seeder[publisher=" + HexFormat.of().formatHex(publisher, 0, 4) + ", period=" + period + ", seq=" + seq
          + ", effort=" + powEffort + ", introPoints=" + introPoints.size() + "]";
    }
  }

  private final Set<NodeId> consensus;
  private final RandomGenerator random;
  private final Map<String, Seeder> byPublisher = new LinkedHashMap<>();
  private long bad;
  private long unlisted;

  /** @param consensus the node ids of the relays of the consensus the downloader holds */
  public DescriptorBook(Collection<NodeId> consensus, RandomGenerator random) {
    this.consensus = Set.copyOf(consensus);
    this.random = Objects.requireNonNull(random, "random");
  }

  /** A record found at {@code location}: its publisher key, seq and value (signature checked by the DHT). */
  public Added add(HsLocation location, byte[] publisherKey, long seq, byte[] value) {
    if (publisherKey == null || publisherKey.length != HsDescriptor.KEY_BYTES) {
      bad++;
      return Added.BAD;
    }
    String key = HexFormat.of().formatHex(publisherKey);
    Seeder held = byPublisher.get(key);
    if (held != null && Long.compareUnsigned(held.seq(), seq) >= 0) {
      return Added.STALE;
    }
    HsDescriptor d;
    try {
      d = HsDescriptor.open(value, location, publisherKey);
    } catch (HsDescriptorException e) {
      bad++;
      return Added.BAD;
    }
    List<HsDescriptor.IntroPoint> listed = new ArrayList<>();
    for (HsDescriptor.IntroPoint p : d.introPoints()) {
      if (consensus.contains(p.relay())) {
        listed.add(p);
      }
    }
    if (listed.isEmpty()) {
      unlisted++;
      return Added.NO_LISTED_RELAY;
    }
    byPublisher.put(key, new Seeder(publisherKey, location.period(), seq, d.powEffort(), d.powSeed(), listed));
    return Added.KEPT;
  }

  /** The seeders to try, in random order, each one's intro points shuffled. */
  public List<Seeder> seeders() {
    return seeders(byPublisher.values());
  }

  /**
   * As {@link #seeders()}, but only those of {@code period} (the downloader's current one) when
   * there are any. Near a period boundary a seeder has published under two unlinkable publisher
   * keys, one per period, so taking both would make one seeder two sources (two rendezvous to
   * one node, both shown); the neighbouring period counts only when the current one has none
   * (clocks that straddle the boundary).
   */
  public List<Seeder> seeders(long period) {
    List<Seeder> current = byPublisher.values().stream().filter(s -> s.period() == period).toList();
    return seeders(current.isEmpty() ? byPublisher.values() : current);
  }

  private List<Seeder> seeders(Collection<Seeder> from) {
    List<Seeder> out = new ArrayList<>();
    for (Seeder s : from) {
      List<HsDescriptor.IntroPoint> order = new ArrayList<>(s.introPoints());
      shuffle(order);
      out.add(new Seeder(s.publisher, s.period(), s.seq(), s.powEffort(), s.powSeed, order));
    }
    shuffle(out);
    return out;
  }

  public int size() {
    return byPublisher.size();
  }

  /** Records that did not open or that the codec refused. */
  public long bad() {
    return bad;
  }

  /** Records that opened but named no relay of the consensus. */
  public long unlisted() {
    return unlisted;
  }

  /** True when {@code publisherKey} is held. */
  public boolean holds(byte[] publisherKey) {
    return byPublisher.values().stream().anyMatch(s -> Arrays.equals(s.publisher, publisherKey));
  }

  private <T> void shuffle(List<T> list) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      T t = list.get(i);
      list.set(i, list.get(j));
      list.set(j, t);
    }
  }

  @Override
  public String toString() {
    return "DescriptorBook[seeders=" + byPublisher.size() + ", bad=" + bad + ", unlisted=" + unlisted + "]";
  }
}
