package io.shroud.swarm.pick;

import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Per-source bookkeeping of a {@link PiecePicker}: for each live source its have-set (which
 * counts towards piece availability in the {@link RarityIndex}) and the blocks it has in flight;
 * for every source ever struck its strikes, and whether it is banned. Strikes and bans outlive a
 * source's departure, and a banned source's have-sets are ignored, so it never becomes live
 * again.
 *
 * <p>A source's in-flight set is the mirror image of the requesters of {@link RequestTable}; the
 * picker keeps the two in step, so releasing a departing source's requests is left to it.
 *
 * @param <S> the caller's source handle (needs {@code equals}/{@code hashCode})
 */
final class SourceTable<S> {
  /** A live source: what it has and what it has been asked for. */
  static final class Source {
    /** The pieces it announced. */
    final BitSet have = new BitSet();
    /** Blocks ({@code piece * blocksPerPiece + index}) in flight from it, in request order. */
    final LinkedHashSet<Integer> inFlight = new LinkedHashSet<>();
  }

  private final int pieceCount;
  private final int maxStrikes;
  private final RarityIndex rarity;
  private final Map<S, Source> live = new LinkedHashMap<>();
  private final Map<S, Integer> strikes = new HashMap<>();
  private final Set<S> banned = new LinkedHashSet<>();

  /** Sources of a share of {@code pieceCount} pieces, banned at {@code maxStrikes}. */
  SourceTable(int pieceCount, int maxStrikes, RarityIndex rarity) {
    this.pieceCount = pieceCount;
    this.maxStrikes = maxStrikes;
    this.rarity = rarity;
  }

  /** The live source {@code source}, or null if it is unknown, gone or banned. */
  Source get(S source) {
    return live.get(source);
  }

  /**
   * Adds the pieces in {@code pieces} (those outside the share are ignored) to what
   * {@code source} has, making it live if it was not; nothing if it is banned.
   */
  void addHave(S source, BitSet pieces) {
    if (banned.contains(source)) {
      return;
    }
    Source s = live.computeIfAbsent(source, k -> new Source());
    for (int p = pieces.nextSetBit(0); p >= 0 && p < pieceCount; p = pieces.nextSetBit(p + 1)) {
      if (!s.have.get(p)) {
        s.have.set(p);
        rarity.addAvailability(p, +1);
      }
    }
  }

  /**
   * Forgets the live source {@code source}: its pieces stop counting towards availability.
   *
   * @return what it was, so that the caller can release its in-flight blocks; null if it was
   *     not live
   */
  Source remove(S source) {
    Source s = live.remove(source);
    if (s == null) {
      return null;
    }
    for (int p = s.have.nextSetBit(0); p >= 0; p = s.have.nextSetBit(p + 1)) {
      rarity.addAvailability(p, -1);
    }
    return s;
  }

  /**
   * Adds {@code count} strikes against {@code source} (none if it is already banned).
   *
   * @return true if that reached the limit and banned it; the caller then removes it
   */
  boolean strike(S source, int count) {
    if (banned.contains(source)) {
      return false;
    }
    int total = strikes.merge(source, count, Integer::sum);
    if (total < maxStrikes) {
      return false;
    }
    banned.add(source);
    return true;
  }

  int strikes(S source) {
    return strikes.getOrDefault(source, 0);
  }

  boolean isBanned(S source) {
    return banned.contains(source);
  }
}
