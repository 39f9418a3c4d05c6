package io.shroud.swarm.pick;

import io.shroud.content.PieceGeometry;
import io.shroud.swarm.pick.PiecePicker.BlockState;
import io.shroud.swarm.pick.PiecePicker.PieceState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The piece state table of a {@link PiecePicker}: each piece's {@link PieceState}; for each
 * started (PARTIAL or WRITING) piece the {@link BlockState} of each of its blocks and the source
 * that delivered it; and the totals the picker reports (blocks unrequested, blocks received,
 * pieces verified). It keeps the fresh pieces of the {@link RarityIndex} equal to the pieces in
 * state NONE. Which sources a REQUESTED block is in flight from is kept elsewhere
 * ({@link RequestTable}); this table only changes a block's state when told.
 *
 * <p>Piece arguments are trusted (the picker checks them) except where a method says it checks.
 *
 * @param <S> the caller's source handle
 */
final class PieceTable<S> {
  /** Block bookkeeping for a PARTIAL or WRITING piece; other pieces need none. */
  static final class Blocks {
    private final BlockState[] state;
    private final Object[] from;
    private int touched; // blocks REQUESTED or RECEIVED
    private int received;

    private Blocks(int blocks) {
      state = new BlockState[blocks];
      Arrays.fill(state, BlockState.NONE);
      from = new Object[blocks];
    }

    /** Whether nobody has been asked for block {@code index}. */
    boolean isUnrequested(int index) {
      return state[index] == BlockState.NONE;
    }
  }

  private final PieceGeometry geometry;
  private final RarityIndex rarity;
  private final PieceState[] state;
  private final Map<Integer, Blocks> started = new LinkedHashMap<>();
  /**
   * {@link #unfinishedIn}'s order, made once: a download picks on every block that arrives, and
   * building the comparator each time was 2 % of the downloader's samples (JFR, hidden 1+1).
   */
  private final Comparator<Integer> unfinishedOrder;
  private int unrequested;
  private int received;
  private int verified;

  /**
   * All pieces NONE (and fresh in {@code rarity}) except those in {@code verifiedPieces}, which
   * are VERIFIED with all their blocks counted as received. The caller has checked that
   * {@code verifiedPieces} lies inside the share.
   */
  PieceTable(PieceGeometry geometry, BitSet verifiedPieces, RarityIndex rarity) {
    this.geometry = geometry;
    this.rarity = rarity;
    this.unfinishedOrder = Comparator.comparingInt((Integer p) -> -started.get(p).touched)
        .thenComparingLong(rarity::rarity);
    int pieceCount = geometry.pieceCount();
    state = new PieceState[pieceCount];
    for (int p = 0; p < pieceCount; p++) {
      boolean done = verifiedPieces.get(p);
      state[p] = done ? PieceState.VERIFIED : PieceState.NONE;
      if (!done) {
        rarity.setFresh(p, true);
      }
      int n = geometry.blocksIn(p);
      if (done) {
        verified++;
        received += n;
      } else {
        unrequested += n;
      }
    }
  }

  // ---- picking -------------------------------------------------------------------------------

  /**
   * The started pieces in {@code have} that still have an unrequested block: the piece with the
   * most blocks requested or received first, then the rarest.
   */
  List<Integer> unfinishedIn(BitSet have) {
    List<Integer> out = new ArrayList<>();
    for (Map.Entry<Integer, Blocks> e : started.entrySet()) {
      int p = e.getKey();
      if (have.get(p) && e.getValue().touched < geometry.blocksIn(p)) {
        out.add(p);
      }
    }
    out.sort(unfinishedOrder);
    return out;
  }

  /** The blocks of {@code piece}, starting it (NONE → PARTIAL, no longer fresh) if need be. */
  Blocks start(int piece) {
    int n = geometry.blocksIn(piece);
    Blocks a = started.computeIfAbsent(piece, k -> new Blocks(n));
    if (state[piece] == PieceState.NONE) {
      rarity.setFresh(piece, false);
      state[piece] = PieceState.PARTIAL;
    }
    return a;
  }

  /** Block {@code index} of the started piece {@code a}: NONE → REQUESTED. */
  void requested(Blocks a, int index) {
    a.state[index] = BlockState.REQUESTED;
    unrequested--;
    a.touched++;
  }

  // ---- arrivals and releases -----------------------------------------------------------------

  /**
   * Block {@code piece.index}, REQUESTED, arrived from {@code source}: → RECEIVED.
   *
   * @return true if that completed the piece, which is now WRITING
   */
  boolean received(int piece, int index, S source) {
    Blocks a = started.get(piece);
    a.state[index] = BlockState.RECEIVED;
    a.from[index] = source;
    a.received++;
    received++;
    boolean complete = a.received == geometry.blocksIn(piece);
    if (complete) {
      state[piece] = PieceState.WRITING;
    }
    return complete;
  }

  /**
   * Block {@code piece.index} is no longer requested from anyone: REQUESTED → NONE, and the piece
   * goes back to NONE (fresh) once none of its blocks is requested or received.
   */
  void unrequested(int piece, int index) {
    Blocks a = started.get(piece);
    a.state[index] = BlockState.NONE;
    unrequested++;
    if (--a.touched == 0) {
      state[piece] = PieceState.NONE;
      rarity.setFresh(piece, true);
      started.remove(piece);
    }
  }

  /** WRITING → VERIFIED; checks the piece and its state. */
  void verified(int piece) {
    requireState(piece, PieceState.WRITING);
    state[piece] = PieceState.VERIFIED;
    started.remove(piece);
    verified++;
  }

  /**
   * WRITING → NONE with every block back to NONE for re-fetch; checks the piece and its state.
   *
   * @return the piece's contributors, as {@link #contributors} saw them before the reset
   */
  Set<S> failed(int piece) {
    requireState(piece, PieceState.WRITING);
    Set<S> culprits = contributors(piece);
    received -= started.remove(piece).received;
    unrequested += geometry.blocksIn(piece);
    state[piece] = PieceState.NONE;
    rarity.setFresh(piece, true);
    return culprits;
  }

  private void requireState(int piece, PieceState expected) {
    geometry.pieceSize(piece);
    if (state[piece] != expected) {
      throw new IllegalStateException(
          "piece " + piece + " is " + state[piece] + ", expected " + expected);
    }
  }

  // ---- queries -------------------------------------------------------------------------------

  /** The state of {@code piece}; checks the piece. */
  PieceState state(int piece) {
    geometry.pieceSize(piece);
    return state[piece];
  }

  BlockState blockState(int piece, int index) {
    Blocks a = started.get(piece);
    if (a != null) {
      return a.state[index];
    }
    return state[piece] == PieceState.VERIFIED ? BlockState.RECEIVED : BlockState.NONE;
  }

  /** The distinct sources whose blocks make up the received part of {@code piece}. */
  @SuppressWarnings("unchecked")
  Set<S> contributors(int piece) {
    Set<S> out = new LinkedHashSet<>();
    Blocks a = started.get(piece);
    if (a != null) {
      for (Object from : a.from) {
        if (from != null) {
          out.add((S) from);
        }
      }
    }
    return out;
  }

  /** Blocks nobody has been asked for. */
  int unrequestedBlocks() {
    return unrequested;
  }

  /** Blocks received, verified pieces included. */
  int receivedBlocks() {
    return received;
  }

  int verifiedPieces() {
    return verified;
  }

  BitSet verifiedSet() {
    BitSet out = new BitSet(state.length);
    for (int p = 0; p < state.length; p++) {
      if (state[p] == PieceState.VERIFIED) {
        out.set(p);
      }
    }
    return out;
  }
}
