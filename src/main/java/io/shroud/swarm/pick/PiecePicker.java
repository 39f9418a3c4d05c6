package io.shroud.swarm.pick;

import io.shroud.content.PieceGeometry;
import io.shroud.swarm.pick.SourceTable.Source;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Which block to ask which source for next, in the manner of libtorrent's {@code piece_picker}:
 * bitfields in, block requests out, no I/O and no clock. One per download; not thread-safe (its
 * owning actor is the only caller).
 *
 * <p>State per piece: {@code NONE → PARTIAL → WRITING → VERIFIED} (PARTIAL: some block is
 * requested or received; WRITING: every block received, awaiting verification and fsync). Per
 * block: {@code NONE → REQUESTED(sources) → RECEIVED(source)}. Per source: its have-set, the
 * blocks it has in flight, and its strikes.
 *
 * <p>Policy of {@link #pick}, in order:
 * <ol>
 *   <li>blocks of PARTIAL pieces the source has, the piece with the most blocks already
 *       requested or received first (finish what was started, so pieces reach disk);
 *   <li>then whole pieces in rarest-first order: lowest availability (number of live sources
 *       having the piece) first, ties broken as {@link PickerConfig#ties} says: by a per-picker
 *       random permutation drawn from the injected random (downloaders spread over the swarm,
 *       tests are deterministic) or in piece index order;
 *   <li>endgame, once no block is left unrequested: blocks already in flight from other sources,
 *       fewest requesters first, up to {@link PickerConfig#endgameMaxRequesters} per block; when
 *       one copy arrives, {@link #blockReceived} names the others to CANCEL.
 * </ol>
 * Each call hands out at most {@code maxInFlight - inFlight(source)} blocks (pipelining). Source
 * ranking lives outside ({@link SourceStats}): the caller offers free slots to faster sources
 * first and sizes each source's {@code maxInFlight} from its throughput.
 *
 * <p>Strikes: {@link #reportBadBlock}, {@link #reportBadPiece} and {@link #pieceFailed} count
 * strikes per source; at {@link PickerConfig#maxStrikes} the source is banned: its requests are
 * released, its pieces no longer count towards availability and it is never picked for again
 * (strikes survive {@link #sourceGone}, so a reconnecting bad source stays banned).
 *
 * <p>This class holds the policy and keeps its package-private tables in step: the piece and
 * block states and the totals in {@link PieceTable}, have-sets, in-flight sets, strikes and bans
 * in {@link SourceTable}, the requesters of each block in flight in {@link RequestTable}, and
 * availability and the rarest-first order in {@link RarityIndex}.
 *
 * @param <S> the caller's source handle (needs {@code equals}/{@code hashCode})
 */
public final class PiecePicker<S> {
  /** Piece states. */
  public enum PieceState { NONE, PARTIAL, WRITING, VERIFIED }

  /** Block states. */
  public enum BlockState { NONE, REQUESTED, RECEIVED }

  private final PieceGeometry geometry;
  private final PickerConfig config;
  private final int pieceCount;
  private final int bpp;
  private final RarityIndex rarity;
  private final PieceTable<S> pieces;
  private final SourceTable<S> sources;
  private final RequestTable<S> requests;

  /**
   * A picker for a share of geometry {@code geometry}, resuming with the pieces in
   * {@code verifiedPieces} already done (they are never requested).
   */
  public PiecePicker(PieceGeometry geometry, BitSet verifiedPieces, PickerConfig config,
      RandomGenerator random) {
    this.geometry = Objects.requireNonNull(geometry, "geometry");
    this.config = Objects.requireNonNull(config, "config");
    this.pieceCount = geometry.pieceCount();
    this.bpp = geometry.blocksPerPiece();
    if (verifiedPieces.length() > pieceCount) {
      throw new IllegalArgumentException("verified piece " + (verifiedPieces.length() - 1)
          + " is outside 0.." + (pieceCount - 1));
    }
    rarity = new RarityIndex(pieceCount, config.ties() == PickerConfig.Ties.RANDOM ? random : null);
    pieces = new PieceTable<>(geometry, verifiedPieces, rarity);
    sources = new SourceTable<>(pieceCount, config.maxStrikes(), rarity);
    requests = new RequestTable<>(sources);
  }

  /** Number of blocks in piece {@code piece}. */
  public int blocksIn(int piece) {
    return geometry.blocksIn(piece);
  }

  /** The block at byte {@code offset} of {@code piece}, or an exception if there is none. */
  public BlockRef block(int piece, int offset) {
    if (piece < 0 || piece >= pieceCount || offset < 0 || offset % PieceGeometry.BLOCK_SIZE != 0
        || offset / PieceGeometry.BLOCK_SIZE >= blocksIn(piece)) {
      throw new IllegalArgumentException("no block at piece " + piece + " offset " + offset);
    }
    int index = offset / PieceGeometry.BLOCK_SIZE;
    return ref(piece, index);
  }

  private BlockRef ref(int piece, int index) {
    return new BlockRef(piece, index,
        geometry.blockSize((int) (geometry.pieceOffset(piece) / PieceGeometry.BLOCK_SIZE) + index));
  }

  // ---- sources -------------------------------------------------------------------------------

  /** Adds the pieces in {@code pieces} to what {@code source} has (HAVE bitfield). */
  public void sourceHas(S source, BitSet pieces) {
    sources.addHave(source, pieces);
  }

  /** {@code source} has the whole share (HAVE all). */
  public void sourceHasAll(S source) {
    BitSet all = new BitSet();
    all.set(0, pieceCount);
    sourceHas(source, all);
  }

  /** {@code source} went away: its requests are released and its pieces stop counting. */
  public void sourceGone(S source) {
    Source s = sources.remove(source);
    if (s == null) {
      return;
    }
    for (int block : s.inFlight) {
      release(block, source);
    }
  }

  // ---- picking -------------------------------------------------------------------------------

  /**
   * Up to {@code maxInFlight - inFlight(source)} new blocks for {@code source}, now marked
   * requested from it. Empty for banned or unknown sources.
   */
  public List<BlockRef> pick(S source, int maxInFlight) {
    Source s = sources.get(source);
    List<BlockRef> out = new ArrayList<>();
    if (s == null) {
      return out;
    }
    int budget = maxInFlight - s.inFlight.size();
    if (budget <= 0) {
      return out;
    }
    for (int p : pieces.unfinishedIn(s.have)) {
      budget = takeFresh(source, s, p, budget, out);
      if (budget == 0) {
        return out;
      }
    }
    if (pieces.unrequestedBlocks() > 0) {
      for (int p : rarity.rarestFresh(s.have, (budget + bpp - 1) / bpp + 1)) {
        budget = takeFresh(source, s, p, budget, out);
        if (budget == 0) {
          return out;
        }
      }
    }
    if (pieces.unrequestedBlocks() == 0) {
      endgame(source, s, budget, out);
    }
    return out;
  }

  private int takeFresh(S source, Source s, int piece, int budget, List<BlockRef> out) {
    int n = blocksIn(piece);
    PieceTable.Blocks a = pieces.start(piece);
    for (int b = 0; b < n && budget > 0; b++) {
      if (a.isUnrequested(b)) {
        int block = piece * bpp + b;
        pieces.requested(a, b);
        requests.add(block, source);
        s.inFlight.add(block);
        out.add(ref(piece, b));
        budget--;
      }
    }
    return budget;
  }

  private void endgame(S source, Source s, int budget, List<BlockRef> out) {
    for (int block : requests.endgameCandidates(source, s.have, bpp, config.endgameMaxRequesters(), budget)) {
      requests.add(block, source);
      s.inFlight.add(block);
      out.add(ref(block / bpp, block % bpp));
    }
  }

  // ---- arrivals ------------------------------------------------------------------------------

  /**
   * A block from {@code source} passed its Merkle check. Kept only if {@code source} had it in
   * flight and no other source delivered it first.
   */
  public BlockResult<S> blockReceived(S source, int piece, int index) {
    int block = checkBlock(piece, index);
    Source s = sources.get(source);
    if (s == null || !s.inFlight.remove(block)) {
      return BlockResult.dropped();
    }
    List<S> others = requests.delivered(block, source);
    return new BlockResult<>(true, others, pieces.received(piece, index, source));
  }

  /** {@code source} will not deliver this block (REJECT, timeout, our CANCEL): release it. */
  public void requestReleased(S source, int piece, int index) {
    int block = checkBlock(piece, index);
    Source s = sources.get(source);
    if (s != null && s.inFlight.remove(block)) {
      release(block, source);
    }
  }

  /** Drops {@code source} from the requesters of {@code block}; NONE again if it was the last. */
  private void release(int block, S source) {
    if (requests.released(block, source)) {
      pieces.unrequested(block / bpp, block % bpp);
    }
  }

  /** The piece in WRITING state passed verification and is on disk. */
  public void pieceVerified(int piece) {
    pieces.verified(piece);
  }

  /**
   * The piece in WRITING state failed verification: every block goes back to NONE for re-fetch,
   * and its contributors are struck — a sole contributor is banned at once (it is certainly the
   * culprit), several contributors get one strike each.
   *
   * @return the sources banned by this call
   */
  public Set<S> pieceFailed(int piece) {
    Set<S> culprits = pieces.failed(piece);
    Set<S> out = new LinkedHashSet<>();
    for (S c : culprits) {
      if (strike(c, culprits.size() == 1 ? config.maxStrikes() : 1)) {
        out.add(c);
      }
    }
    return out;
  }

  /** The distinct sources whose blocks make up the received part of {@code piece}. */
  public Set<S> contributors(int piece) {
    return pieces.contributors(piece);
  }

  /** One strike against a source that sent a block failing its proof; true if now banned. */
  public boolean reportBadBlock(S source) {
    return strike(source, 1);
  }

  /** One strike against each source; returns those banned by this call. */
  public Set<S> reportBadPiece(int piece, Collection<S> culprits) {
    geometry.pieceSize(piece);
    Set<S> out = new LinkedHashSet<>();
    for (S c : culprits) {
      if (strike(c, 1)) {
        out.add(c);
      }
    }
    return out;
  }

  /** Strikes {@code source}; if that bans it, releases its requests. True if it banned it. */
  private boolean strike(S source, int count) {
    if (!sources.strike(source, count)) {
      return false;
    }
    sourceGone(source);
    return true;
  }

  private int checkBlock(int piece, int index) {
    if (piece < 0 || piece >= pieceCount || index < 0 || index >= blocksIn(piece)) {
      throw new IllegalArgumentException("no block " + piece + "." + index);
    }
    return piece * bpp + index;
  }

  // ---- queries -------------------------------------------------------------------------------

  public int pieceCount() {
    return pieceCount;
  }

  public PieceState pieceState(int piece) {
    return pieces.state(piece);
  }

  public BlockState blockState(int piece, int index) {
    checkBlock(piece, index);
    return pieces.blockState(piece, index);
  }

  /** The sources {@code piece.index} is in flight from, in request order. */
  public List<S> requesters(int piece, int index) {
    return requests.requesters(checkBlock(piece, index));
  }

  /**
   * Whether {@code piece.index} is in flight from {@code source}: the check a download makes
   * for every block that arrives, without {@link #requesters}'s copy.
   */
  public boolean isRequestedFrom(S source, int piece, int index) {
    return requests.isRequestedFrom(checkBlock(piece, index), source);
  }

  public int availability(int piece) {
    geometry.pieceSize(piece);
    return rarity.availability(piece);
  }

  /** Blocks in flight from {@code source}. */
  public int inFlight(S source) {
    Source s = sources.get(source);
    return s == null ? 0 : s.inFlight.size();
  }

  public int strikes(S source) {
    return sources.strikes(source);
  }

  public boolean isBanned(S source) {
    return sources.isBanned(source);
  }

  /** True once no block is left unrequested (and the download is not complete). */
  public boolean isEndgame() {
    return pieces.unrequestedBlocks() == 0 && !isComplete();
  }

  public boolean isComplete() {
    return pieces.verifiedPieces() == pieceCount;
  }

  public int verifiedPieces() {
    return pieces.verifiedPieces();
  }

  /** Blocks received so far, verified pieces included. */
  public int receivedBlocks() {
    return pieces.receivedBlocks();
  }

  /** Blocks nobody has been asked for. */
  public int unrequestedBlocks() {
    return pieces.unrequestedBlocks();
  }

  /** The verified pieces (what a resume needs persisted). */
  public BitSet verifiedSet() {
    return pieces.verifiedSet();
  }
}
