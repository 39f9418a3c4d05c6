package io.shroud.swarm.pick;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The rarest-first order of {@link PiecePicker}: per piece its availability, and for the
 * untouched ("fresh") pieces one {@link BitSet} per availability level holding their ranks in a
 * permutation fixed at construction: random (drawn once from the picker's random) or the
 * identity (piece index order). Walking the levels upwards, each in rank order, yields fresh
 * pieces rarest first with ties broken by that permutation; every update is O(1) and a walk
 * stops at the first matches, so a pick does not scan the whole share.
 */
final class RarityIndex {
  private final int[] availability;
  private final int[] rank; // piece → rank in the permutation
  private final int[] pieceAtRank;
  private final List<BitSet> fresh = new ArrayList<>();

  /** Ties in a random permutation drawn from {@code random}, or in index order if it is null. */
  RarityIndex(int pieceCount, RandomGenerator random) {
    availability = new int[pieceCount];
    pieceAtRank = new int[pieceCount];
    for (int i = 0; i < pieceCount; i++) {
      int j = random == null ? i : random.nextInt(i + 1);
      pieceAtRank[i] = pieceAtRank[j];
      pieceAtRank[j] = i;
    }
    rank = new int[pieceCount];
    for (int r = 0; r < pieceCount; r++) {
      rank[pieceAtRank[r]] = r;
    }
  }

  int availability(int piece) {
    return availability[piece];
  }

  /** Sort key: availability, then rank. */
  long rarity(int piece) {
    return ((long) availability[piece] << 32) | rank[piece];
  }

  /** Changes a piece's availability by {@code delta}, keeping a fresh piece in its level. */
  void addAvailability(int piece, int delta) {
    BitSet level = level(availability[piece]);
    boolean isFresh = level.get(rank[piece]);
    level.clear(rank[piece]);
    availability[piece] += delta;
    if (isFresh) {
      level(availability[piece]).set(rank[piece]);
    }
  }

  /** Marks a piece untouched (pickable as a whole) or not. */
  void setFresh(int piece, boolean isFresh) {
    level(availability[piece]).set(rank[piece], isFresh);
  }

  /** Up to {@code k} fresh pieces in {@code have}, rarest first (availability 0 never matches). */
  List<Integer> rarestFresh(BitSet have, int k) {
    List<Integer> out = new ArrayList<>(k);
    for (int a = 1; a < fresh.size(); a++) {
      BitSet b = fresh.get(a);
      for (int r = b.nextSetBit(0); r >= 0; r = b.nextSetBit(r + 1)) {
        int p = pieceAtRank[r];
        if (have.get(p)) {
          out.add(p);
          if (out.size() == k) {
            return out;
          }
        }
      }
    }
    return out;
  }

  private BitSet level(int availability) {
    while (fresh.size() <= availability) {
      fresh.add(new BitSet());
    }
    return fresh.get(availability);
  }
}
