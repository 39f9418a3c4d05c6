package io.shroud.swarm.fetch;

import io.shroud.content.PieceGeometry;
import io.shroud.identity.NodeId;
import io.shroud.metrics.NodeMetrics;
import io.shroud.swarm.pick.BlockRef;
import io.shroud.swarm.pick.PickerConfig;
import io.shroud.swarm.pick.PiecePicker;
import io.shroud.swarm.pick.SourceStats;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.swarm.transfer.TransferMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * The piece side of one download, free of Pekko: which source is asked for which block (the
 * {@link PiecePicker}, through {@link PieceFlow}), each block that was asked for handed to its
 * piece's download ({@link DownloadIo#deliver}), what the piece downloads report, the write
 * backlog, rates and re-fetch counters. The picker decides, the actors ask. Part of a
 * {@link DownloadRun}, which owns the sources; not thread-safe.
 */
final class PieceRequests {
  /** How a source that misbehaved is dropped: its session closes and it leaves the picker. */
  interface Drops {
    void drop(DownloadSource source, DownloadSource.State state, String reason);
  }

  private final DownloadIo io;
  private final PieceGeometry geometry;
  private final SwarmSettings settings;
  private final RandomGenerator random;
  private final Map<NodeId, DownloadSource> sources;
  private final BooleanSupplier running;
  private final Drops drops;
  /** The node's metrics: the strikes against sources. */
  private final NodeMetrics metrics;
  private final SourceStats<NodeId> stats;
  private final SourceStats<String> total;
  /** Arrays for the pieces being put together, reused once written. */
  private final PieceBuffers buffers;
  private final long maxWriteBacklog;
  /** Pieces on disk: verified at the start of the run, or written by it. */
  private final BitSet onDisk;
  private final BitSet refetchable;
  private final BitSet initiallyVerified;
  /** The picker and the blocks delivered to piece downloads; null until the piece layer is known. */
  private PieceFlow flow;
  private long refetched;

  PieceRequests(DownloadIo io, PieceGeometry geometry, DownloadState state, SwarmSettings settings, Clock clock,
      RandomGenerator random, long maxWriteBacklog, Map<NodeId, DownloadSource> sources, BooleanSupplier running,
      Drops drops, NodeMetrics metrics) {
    if (maxWriteBacklog < 1) {
      throw new IllegalArgumentException("the write backlog limit must be positive");
    }
    this.io = io;
    this.geometry = geometry;
    this.settings = settings;
    this.random = random;
    this.sources = sources;
    this.running = running;
    this.drops = drops;
    this.metrics = metrics;
    this.maxWriteBacklog = maxWriteBacklog;
    this.buffers = PieceBuffers.forPieceLength(geometry.pieceLength(), maxWriteBacklog);
    this.stats = SourceStats.tenSeconds(clock);
    this.total = SourceStats.tenSeconds(clock);
    this.refetchable = (BitSet) state.everVerified.clone();
    this.initiallyVerified = (BitSet) state.verified.clone();
    this.onDisk = (BitSet) state.verified.clone();
  }

  PieceBuffers buffers() {
    return buffers;
  }

  /** Whether the picker runs (the piece layer is known). */
  boolean picking() {
    return flow != null;
  }

  long waitingForDiskBytes() {
    return flow == null ? 0 : flow.writeBacklog();
  }

  long refetchedBytes() {
    return refetched;
  }

  long rate() {
    return Math.round(total.rate("all"));
  }

  long rate(NodeId source) {
    return Math.round(stats.rate(source));
  }

  int strikes(NodeId source) {
    return flow == null ? 0 : flow.picker().strikes(source);
  }

  boolean banned(NodeId source) {
    return flow != null && flow.picker().isBanned(source);
  }

  /** Whether {@code source} owes blocks it was asked for. */
  boolean owes(NodeId source) {
    return flow != null && flow.owes(source);
  }

  /** Pieces found damaged on resume: count their bytes as re-fetched when they come again. */
  void invalidated(BitSet bad) {
    refetchable.or(bad);
    initiallyVerified.andNot(bad);
    onDisk.andNot(bad);
  }

  /** Pieces written before a stop that the journal had not recorded yet, found whole on resume. */
  void recovered(BitSet pieces) {
    refetchable.or(pieces);
    initiallyVerified.or(pieces);
    onDisk.or(pieces);
  }

  /** The source left: its requests go back to the picker, its held blocks to another requester. */
  void sourceGone(NodeId source) {
    if (flow != null) {
      flow.picker().sourceGone(source);
      flow.sourceGone(source);
    }
    stats.remove(source);
  }

  /** Builds the picker over what is not on disk ({@code done}, or what the run started with). */
  void startPicking(BitSet done) {
    if (flow == null) {
      BitSet verified = done != null ? (BitSet) done.clone() : (BitSet) initiallyVerified.clone();
      onDisk.or(verified);
      PiecePicker<NodeId> picker = new PiecePicker<>(geometry, verified,
          new PickerConfig(settings.maxStrikes(), 2, PickerConfig.Ties.IN_ORDER), random);
      flow = new PieceFlow(geometry, picker, maxWriteBacklog, this::cancel);
    }
  }

  /** Tells the picker what a ready source has. */
  void feedHave(DownloadSource s) {
    PiecePicker<NodeId> picker = flow.picker();
    if (s.hasAll) {
      picker.sourceHasAll(s.id);
    } else if (!s.have.isEmpty()) {
      picker.sourceHas(s.id, s.have);
    }
  }

  /**
   * Offers free request slots to sources, fastest first; none while the part file is
   * {@link DownloadRun#MAX_WRITE_BACKLOG_BYTES} behind (the next {@link #pieceWritten} refills).
   * A block picked that a piece download already has is held, not asked for
   * ({@link PieceFlow#absorb}).
   */
  void refill() {
    if (flow == null || !running.getAsBoolean() || flow.backlogFull()) {
      return;
    }
    PiecePicker<NodeId> picker = flow.picker();
    Set<NodeId> all = new LinkedHashSet<>(stats.ranked());
    all.addAll(sources.keySet());
    for (NodeId id : all) {
      DownloadSource s = sources.get(id);
      if (s == null || !s.ready() || picker.isBanned(id)) {
        continue;
      }
      int depth = stats.pipelineDepth(id, Duration.ofSeconds(1), settings.pipelineMin(), settings.pipelineMax());
      List<TransferMessage> requests = new ArrayList<>();
      // an absorbed pick is held, not on the wire: it raises the source's depth and the picker
      // is asked again, or a source offered only delivered blocks (its partner, which sent them,
      // left) would be given nothing to send and nothing would call refill again
      boolean absorbed = true;
      while (absorbed) {
        absorbed = false;
        for (BlockRef b : picker.pick(id, flow.depth(id, depth))) {
          if (flow.absorb(id, b)) {
            absorbed = true;
          } else {
            requests.add(b.toRequest());
          }
        }
      }
      if (!requests.isEmpty()) {
        io.sendAll(id, s.epoch, requests);
      }
    }
  }

  /** A BLOCK from {@code s}: handed to its piece's download if it was asked for. */
  void onBlock(DownloadSource s, TransferMessage.Block block) {
    if (flow == null || block.piece() >= geometry.pieceCount()
        || block.offset() >= geometry.pieceSize(block.piece())) {
      drops.drop(s, DownloadSource.State.GONE, "block outside the share");
      return;
    }
    PiecePicker<NodeId> picker = flow.picker();
    int piece = block.piece();
    int index = block.offset() / PieceGeometry.BLOCK_SIZE;
    if (picker.pieceState(piece) == PiecePicker.PieceState.VERIFIED) {
      if (initiallyVerified.get(piece)) {
        refetched += block.length();
      }
      return;
    }
    if (!picker.isRequestedFrom(s.id, piece, index)
        || flow.arrived(s.id, piece, index) == PieceFlow.Arrival.DUPLICATE) {
      return; // late, unsolicited, or a copy of a block its piece download has
    }
    stats.record(s.id, block.length());
    total.record("all", block.length());
    if (refetchable.get(piece)) {
      refetched += block.length();
    }
    io.deliver(piece, s.id, block);
    refill();
  }

  /** A REJECT from {@code s}: the block is asked for elsewhere (unless a piece download has it). */
  void onReject(DownloadSource s, TransferMessage.Reject reject) {
    if (flow != null && reject.piece() < geometry.pieceCount()
        && reject.offset() < geometry.pieceSize(reject.piece())) {
      int index = reject.offset() / PieceGeometry.BLOCK_SIZE;
      if (flow.picker().isRequestedFrom(s.id, reject.piece(), index) && !flow.holds(s.id, reject.piece(), index)) {
        flow.picker().requestReleased(s.id, reject.piece(), index);
      }
    }
  }

  private void cancel(NodeId source, int piece, int index) {
    DownloadSource o = sources.get(source);
    if (o != null && o.live()) {
      io.send(source, o.epoch, new TransferMessage.Cancel(piece, index * PieceGeometry.BLOCK_SIZE));
    }
  }

  /** The piece's download found block {@code index} from {@code source} bad: strike, ask again. */
  void blockBad(int piece, int index, NodeId source) {
    if (flow == null) {
      return;
    }
    flow.badBlock(piece, index);
    if (!flow.picker().isBanned(source)) {
      metrics.sourcesStruck(NodeMetrics.Strike.BAD_BLOCK, 1);
    }
    boolean banned = flow.picker().reportBadBlock(source);
    if (banned) {
      io.log("source " + source.shortHex() + " banned after " + flow.picker().strikes(source) + " bad blocks");
      dropBanned(source, "bad blocks");
      return;
    }
    refill();
  }

  /** The piece is complete and checked, on its way to the part file (it counts against the backlog). */
  void pieceAssembled(int piece) {
    if (flow != null) {
      flow.assembled(piece);
    }
  }

  /** The piece's blocks, each verified, do not fold up to its hash: blame and fetch it again. */
  void leavesFailed(int piece) {
    if (flow == null) {
      return;
    }
    refetchable.set(piece);
    List<NodeId> blamed = List.copyOf(flow.picker().contributors(piece));
    int[] before = blamed.stream().mapToInt(flow.picker()::strikes).toArray();
    Set<NodeId> banned = flow.pieceFailed(piece);
    int struck = 0;
    for (int i = 0; i < blamed.size(); i++) {
      struck += flow.picker().strikes(blamed.get(i)) > before[i] ? 1 : 0;
    }
    metrics.sourcesStruck(NodeMetrics.Strike.BAD_PIECE, struck);
    for (NodeId source : banned) {
      dropBanned(source, "bad piece");
    }
    refill();
  }

  private void dropBanned(NodeId source, String reason) {
    DownloadSource s = sources.get(source);
    if (s != null && s.live()) {
      drops.drop(s, DownloadSource.State.BANNED, reason);
    } else {
      flow.sourceGone(source);
    }
  }

  /** The piece's download stopped before its piece was written: its blocks are asked for again. */
  void pieceStopped(int piece) {
    if (flow != null) {
      flow.abandoned(piece);
      refill();
    }
  }

  /** The piece is written and forced; true if the download is now complete. */
  boolean pieceWritten(int piece) {
    if (flow == null || !flow.written(piece)) {
      return false;
    }
    onDisk.set(piece);
    if (onDisk.cardinality() == geometry.pieceCount()) {
      return true;
    }
    refill();
    return false;
  }
}
