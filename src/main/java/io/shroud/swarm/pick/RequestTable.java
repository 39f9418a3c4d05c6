package io.shroud.swarm.pick;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Block request bookkeeping of a {@link PiecePicker}: for each block in flight, the sources it
 * is in flight from, in request order (more than one only in endgame), and the choice of blocks
 * to duplicate in endgame. Blocks are numbered {@code piece * blocksPerPiece + index}.
 *
 * <p>The other direction of the same relation, the blocks each source has in flight, is
 * {@link SourceTable.Source#inFlight}; the picker keeps the two in step ({@link #delivered} does
 * so for the requesters that lose a delivered block). A block has requesters here exactly when
 * the {@link PieceTable} has it REQUESTED.
 *
 * @param <S> the caller's source handle
 */
final class RequestTable<S> {
  private final SourceTable<S> sources;
  /** In block order, so that endgame candidates come out in it without a sort. */
  private final TreeMap<Integer, List<S>> requesters = new TreeMap<>();

  /** Requests from the live sources of {@code sources}. */
  RequestTable(SourceTable<S> sources) {
    this.sources = sources;
  }

  /** {@code block} is now in flight from {@code source} (too). */
  void add(int block, S source) {
    requesters.computeIfAbsent(block, k -> new ArrayList<>(2)).add(source);
  }

  /** Whether {@code block} is in flight from {@code source}; copies nothing. */
  boolean isRequestedFrom(int block, S source) {
    List<S> from = requesters.get(block);
    return from != null && from.contains(source);
  }

  /** A copy of the sources {@code block} is in flight from, in request order. */
  List<S> requesters(int block) {
    return List.copyOf(requesters.getOrDefault(block, List.of()));
  }

  /**
   * {@code block} arrived from {@code source}, one of its requesters, which has already dropped
   * it from its in-flight set: the block is no longer in flight from anyone.
   *
   * @return the other requesters (to CANCEL), from whose in-flight sets it is now removed too
   */
  List<S> delivered(int block, S source) {
    List<S> others = new ArrayList<>(requesters.remove(block));
    others.remove(source);
    for (S o : others) {
      sources.get(o).inFlight.remove(block);
    }
    return others;
  }

  /**
   * {@code source} no longer requests {@code block} (the caller updates its in-flight set).
   *
   * @return true if nobody requests it any more: the caller puts it back to NONE
   */
  boolean released(int block, S source) {
    List<S> r = requesters.get(block);
    r.remove(source);
    if (r.isEmpty()) {
      requesters.remove(block);
      return true;
    }
    return false;
  }

  /**
   * The first {@code limit} endgame candidates for {@code source}: blocks in flight from fewer
   * than {@code maxRequesters} other sources, not from {@code source} itself, of pieces in
   * {@code have}; fewest requesters first, then in block order.
   *
   * <p>One pass in block order (the map is sorted) into a bucket per requester count, no sort;
   * it stops once {@code limit} blocks with a single requester are found, as nothing can come
   * before them. A download calls this on every block that arrives in endgame, with a thousand
   * blocks or more in flight: sorting them all each time cost the downloader up to a second
   * per download (the hidden 1+1 profile, docs/benchmarks.md).
   */
  List<Integer> endgameCandidates(S source, BitSet have, int blocksPerPiece, int maxRequesters, int limit) {
    List<List<Integer>> byCount = new ArrayList<>();
    for (Map.Entry<Integer, List<S>> e : requesters.entrySet()) {
      List<S> from = e.getValue();
      int count = from.size();
      int block = e.getKey();
      if (count >= maxRequesters || !have.get(block / blocksPerPiece) || from.contains(source)) {
        continue;
      }
      while (byCount.size() < count) {
        byCount.add(new ArrayList<>());
      }
      List<Integer> bucket = byCount.get(count - 1);
      bucket.add(block);
      if (count == 1 && bucket.size() >= limit) {
        break;
      }
    }
    List<Integer> candidates = new ArrayList<>();
    for (List<Integer> bucket : byCount) {
      for (int block : bucket) {
        if (candidates.size() == limit) {
          return candidates;
        }
        candidates.add(block);
      }
    }
    return candidates;
  }
}
