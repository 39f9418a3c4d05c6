package io.shroud.swarm.pick;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
  private final Map<Integer, List<S>> requesters = new HashMap<>();

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
   * Endgame candidates for {@code source}: blocks in flight from fewer than
   * {@code maxRequesters} other sources, not from {@code source} itself, of pieces in
   * {@code have}; fewest requesters first, then in block order.
   */
  List<Integer> endgameCandidates(S source, BitSet have, int blocksPerPiece, int maxRequesters) {
    List<Integer> candidates = new ArrayList<>();
    for (Map.Entry<Integer, List<S>> e : requesters.entrySet()) {
      int block = e.getKey();
      if (have.get(block / blocksPerPiece) && !e.getValue().contains(source)
          && e.getValue().size() < maxRequesters) {
        candidates.add(block);
      }
    }
    candidates.sort(Comparator.comparingInt((Integer b) -> requesters.get(b).size())
        .thenComparingInt(b -> b));
    return candidates;
  }
}
