package io.shroud.swarm.fetch;

import io.shroud.content.PieceGeometry;
import io.shroud.content.ShareLink;
import io.shroud.identity.NodeId;
import io.shroud.swarm.fetch.ProviderSessionActor.Connected;
import io.shroud.swarm.fetch.ProviderSessionActor.Lost;
import io.shroud.swarm.fetch.ProviderSessionActor.Received;
import io.shroud.swarm.pick.BlockRef;
import io.shroud.swarm.pick.BlockResult;
import io.shroud.swarm.pick.PickerConfig;
import io.shroud.swarm.pick.PiecePicker;
import io.shroud.swarm.pick.SourceStats;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.swarm.transfer.TransferMessage;
import io.shroud.swarm.transfer.TransferProtocolException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The live part of one download, free of Pekko: sources and their connection state, the piece
 * layer fetch, the picker, block checks and piece assembly, counters. It acts through {@link Io}
 * (implemented by {@link DownloadActor}), which owns sessions, files and the journal. Not
 * thread-safe: the actor is the only caller.
 */
final class DownloadRun {
  /** Hash requests kept in flight while fetching the piece layer. */
  private static final int LAYER_REQUESTS = 8;
  /** REJECTs from one source after which it is dropped for this run. */
  private static final int MAX_REJECTS = 64;
  /**
   * Bytes of verified pieces waiting for the part file (queued, or being written and forced)
   * beyond which no new blocks are requested: a disk slower than the network, or one that
   * stalls, holds the download back instead of filling the heap. At ~200 MB/s the backlog
   * normally stays under 35 MiB; a write that stalled for a second once let it reach 200 MiB
   * (docs/benchmarks.md, "Thirteenth session").
   */
  static final long MAX_WRITE_BACKLOG_BYTES = 64L * 1024 * 1024;

  /** What the run asks its actor to do. */
  interface Io {
    void connect(NodeId provider, long epoch);

    void send(NodeId provider, long epoch, TransferMessage message);

    /** Sends {@code messages} together (they share stream chunks). */
    void sendAll(NodeId provider, long epoch, List<TransferMessage> messages);

    void close(NodeId provider, long epoch);

    /**
     * {@code leafHashes}: the verified leaf hash of each of the piece's blocks, in order. The run
     * gives {@code data} up: it goes back to the run's {@link PieceBuffers} once it is written
     * and hashed, and nothing may touch it after that.
     */
    void writePiece(int piece, long offset, byte[] data, byte[][] leafHashes);

    void layerVerified(byte[] pieceLayer);

    void retryLater();

    /** Look up providers again (more may have appeared). */
    void findProviders();

    void log(String message);
  }

  private final Io io;
  private final ShareLink link;
  private final PieceGeometry geometry;
  private final int hops;
  private final SwarmSettings settings;
  private final NodeId self;
  private final RandomGenerator random;
  private final Clock clock;
  private java.time.Instant lastLookup;
  private final SourceStats<NodeId> stats;
  private final SourceStats<String> total;
  private final Map<NodeId, DownloadSource> sources = new LinkedHashMap<>();
  private final Set<NodeId> badLayer = new HashSet<>();
  /** Partial pieces, and the complete ones handed to {@link Io#writePiece} and not yet written. */
  private final PieceAssembly assembly;
  private final BitSet refetchable;
  private final BitSet initiallyVerified;
  private final String name;
  private PieceVerifier verifier;
  private PieceLayerAssembler assembler;
  private NodeId assemblerFrom;
  private PiecePicker<NodeId> picker;
  private long epochs;
  private long refetched;
  private boolean running;
  private String phase = "STARTING";
  private String transientError;

  DownloadRun(Io io, ShareLink link, DownloadState state, SwarmSettings settings, NodeId self, Clock clock,
      RandomGenerator random) {
    this(io, link, state, settings, self, clock, random, MAX_WRITE_BACKLOG_BYTES);
  }

  /** With {@code maxWriteBacklog} instead of {@link #MAX_WRITE_BACKLOG_BYTES} (tests). */
  DownloadRun(Io io, ShareLink link, DownloadState state, SwarmSettings settings, NodeId self, Clock clock,
      RandomGenerator random, long maxWriteBacklog) {
    this.io = io;
    this.link = link;
    this.geometry = link.geometry();
    this.assembly = new PieceAssembly(geometry, maxWriteBacklog);
    this.hops = state.started.hops();
    this.settings = settings;
    this.self = self;
    this.random = random;
    this.clock = clock;
    this.lastLookup = clock.instant();
    this.stats = SourceStats.tenSeconds(clock);
    this.total = SourceStats.tenSeconds(clock);
    this.refetchable = (BitSet) state.everVerified.clone();
    this.initiallyVerified = (BitSet) state.verified.clone();
    this.name = DownloadFinisher.manifestName(link).orElse(null);
  }

  ShareLink link() {
    return link;
  }

  /**
   * Where this run's piece arrays come from; a piece handed to {@link Io#writePiece} goes back
   * here once it is written and hashed.
   */
  PieceBuffers pieceBuffers() {
    return assembly.buffers();
  }

  /** Bytes of verified pieces handed over for writing and not yet written. */
  long waitingForDiskBytes() {
    return assembly.writeBacklog();
  }

  int hops() {
    return hops;
  }

  String name() {
    return name;
  }

  PieceVerifier verifier() {
    return verifier;
  }

  void useVerifier(PieceVerifier v) {
    verifier = v;
  }

  boolean running() {
    return running;
  }

  void setRunning(boolean on) {
    running = on;
  }

  String phase() {
    return phase;
  }

  String transientError() {
    return transientError;
  }

  long refetchedBytes() {
    return refetched;
  }

  long rate() {
    return Math.round(total.rate("all"));
  }

  /** Pieces found damaged on resume: count their bytes as re-fetched when they come again. */
  void invalidated(BitSet bad) {
    refetchable.or(bad);
    initiallyVerified.andNot(bad);
  }

  /** Pieces written before a stop that the journal had not recorded yet, found whole on resume. */
  void recovered(BitSet pieces) {
    refetchable.or(pieces);
    initiallyVerified.or(pieces);
  }

  void lookingForProviders() {
    lastLookup = clock.instant();
    if (liveCount() == 0) {
      phase = "FINDING_PROVIDERS";
    }
  }

  /** Every piece is verified: sessions close while the output is produced ("FINISHING"). */
  void finishing() {
    stopAll();
    assembly.end();
    phase = "FINISHING";
  }

  /**
   * Stops for good (cancel, failure): closes every session and lets every piece array go, the
   * partial pieces' too.
   */
  void end() {
    stopAll();
    assembly.end();
  }

  /**
   * Closes every session (pause, and on the way to an end); the picker keeps its strikes, partial
   * pieces keep their arrays for a resume, and the arrays kept for reuse are let go.
   */
  void stopAll() {
    running = false;
    assembly.pause();
    for (DownloadSource s : sources.values()) {
      if (s.live) {
        io.close(s.id, s.epoch);
        gone(s, "closed");
      }
    }
    // received blocks of partial pieces stay in the picker and in the assembly for a resume
    assembler = null;
    assemblerFrom = null;
    phase = "PAUSED";
  }

  private int liveCount() {
    return (int) sources.values().stream().filter(s -> s.live).count();
  }

  void providersFound(List<NodeId> providers, String error) {
    for (NodeId p : providers) {
      if (liveCount() >= settings.maxProvidersPerDownload()) {
        break;
      }
      DownloadSource s = sources.get(p);
      if (p.equals(self) || badLayer.contains(p) || (picker != null && picker.isBanned(p))
          || (s != null && (s.live || s.state.startsWith("REFUSED")))) {
        continue;
      }
      if (s == null) {
        s = new DownloadSource(p);
        sources.put(p, s);
      }
      s.epoch = ++epochs;
      s.lastHeard = clock.instant();
      s.live = true;
      s.ready = false;
      s.state = "CONNECTING";
      io.connect(p, s.epoch);
    }
    if (liveCount() == 0) {
      transientError = error != null ? error : "no providers found";
      phase = "FINDING_PROVIDERS";
      io.retryLater();
    } else {
      transientError = null;
    }
  }

  void onReport(ProviderSessionActor.Report report) {
    DownloadSource s = sources.get(report.provider());
    if (s == null || s.epoch != report.epoch() || !s.live) {
      return;
    }
    s.lastHeard = clock.instant();
    if (report instanceof Connected c) {
      s.state = "CONNECTED";
      s.circuitId = c.circuitId();
      s.path = c.path();
    } else if (report instanceof Lost lost) {
      io.log("source " + s.id.shortHex() + " lost: " + lost.reason());
      gone(s, "GONE: " + lost.reason());
      afterLoss();
    } else if (report instanceof Received r) {
      for (TransferMessage m : r.messages()) {
        onMessage(s, m);
        if (!s.live || !running) {
          break; // dropped (strikes, violation) or finished: the rest is moot
        }
      }
    }
  }

  /**
   * Periodic check: drops sources that owe blocks or a HELLO answer and have been silent for
   * {@link SwarmSettings#stallTimeout()}, and looks up more providers every
   * {@link SwarmSettings#providerRelookup()} while below the maximum.
   */
  void tick() {
    if (!running) {
      return;
    }
    java.time.Instant now = clock.instant();
    java.time.Instant silentSince = now.minus(settings.stallTimeout());
    for (DownloadSource s : new ArrayList<>(sources.values())) {
      boolean owes = !s.ready || (picker != null && picker.inFlight(s.id) > 0) || s.id.equals(assemblerFrom);
      if (s.live && owes && s.lastHeard.isBefore(silentSince)) {
        io.log("source " + s.id.shortHex() + " stalled");
        drop(s, "GONE: stalled");
      }
    }
    if (liveCount() > 0 && liveCount() < settings.maxProvidersPerDownload()
        && !now.isBefore(lastLookup.plus(settings.providerRelookup()))) {
      lastLookup = now;
      io.findProviders();
    }
  }

  void onStopped(NodeId provider, long epoch) {
    DownloadSource s = sources.get(provider);
    if (s != null && s.epoch == epoch && s.live) {
      gone(s, "GONE: session stopped");
      afterLoss();
    }
  }

  private void gone(DownloadSource s, String state) {
    s.live = false;
    s.ready = false;
    s.state = state;
    if (picker != null) {
      picker.sourceGone(s.id);
    }
    stats.remove(s.id);
    if (s.id.equals(assemblerFrom)) {
      assembler = null;
      assemblerFrom = null;
    }
  }

  private void afterLoss() {
    if (!running) {
      return;
    }
    if (verifier == null) {
      startLayer();
    }
    refill();
    if (liveCount() == 0) {
      phase = "FINDING_PROVIDERS";
      io.retryLater();
    }
  }

  private void drop(DownloadSource s, String state) {
    io.close(s.id, s.epoch);
    gone(s, state);
    afterLoss();
  }

  private void onMessage(DownloadSource s, TransferMessage m) {
    if (m instanceof TransferMessage.Have have) {
      if (have.all()) {
        s.hasAll = true;
      } else {
        s.have.or(have.pieces());
      }
      s.ready = true;
      s.state = "READY";
      if (picker != null) {
        phase = "DOWNLOADING";
        feedHave(s);
        refill();
      } else if (verifier == null) {
        startLayer();
      } else {
        startPicking(null);
      }
    } else if (m instanceof TransferMessage.Refuse refuse) {
      drop(s, "REFUSED: " + refuse.reason());
    } else if (m instanceof TransferMessage.Hashes hashes) {
      onHashes(s, hashes);
    } else if (m instanceof TransferMessage.Block block) {
      onBlock(s, block);
    } else if (m instanceof TransferMessage.Reject reject) {
      if (picker != null && reject.piece() < geometry.pieceCount()) {
        int index = reject.offset() / PieceGeometry.BLOCK_SIZE;
        if (picker.isRequestedFrom(s.id, reject.piece(), index)) {
          picker.requestReleased(s.id, reject.piece(), index);
        }
      }
      if (++s.rejects > MAX_REJECTS) {
        drop(s, "GONE: too many rejects");
      } else {
        refill();
      }
    } else {
      drop(s, "GONE: protocol violation: provider sent " + m.type());
    }
  }

  private void feedHave(DownloadSource s) {
    if (s.hasAll) {
      picker.sourceHasAll(s.id);
    } else if (!s.have.isEmpty()) {
      picker.sourceHas(s.id, s.have);
    }
  }

  /** Starts fetching the piece layer from a ready source that has not failed it yet. */
  private void startLayer() {
    if (assembler != null || verifier != null) {
      return;
    }
    for (DownloadSource s : sources.values()) {
      if (s.live && s.ready && s.hasAll && !badLayer.contains(s.id)) {
        phase = "FETCHING_PIECE_LAYER";
        assembler = new PieceLayerAssembler(geometry, link.piecesRoot().orElseThrow());
        assemblerFrom = s.id;
        if (assembler.complete()) {
          layerComplete(s);
        } else {
          io.sendAll(s.id, s.epoch, List.copyOf(assembler.nextRequests(LAYER_REQUESTS)));
        }
        return;
      }
    }
  }

  private void onHashes(DownloadSource s, TransferMessage.Hashes hashes) {
    if (assembler == null || !s.id.equals(assemblerFrom)) {
      drop(s, "GONE: unrequested hashes");
      return;
    }
    try {
      assembler.accept(hashes);
    } catch (TransferProtocolException e) {
      badLayer.add(s.id);
      drop(s, "GONE: " + e.getMessage());
      return;
    }
    if (assembler.complete()) {
      layerComplete(s);
    } else {
      io.sendAll(s.id, s.epoch, List.copyOf(assembler.nextRequests(1)));
    }
  }

  private void layerComplete(DownloadSource s) {
    try {
      verifier = assembler.verifier();
    } catch (TransferProtocolException e) {
      io.log("piece layer from " + s.id.shortHex() + " rejected: " + e.getMessage());
      badLayer.add(s.id);
      assembler = null;
      assemblerFrom = null;
      drop(s, "BANNED: bad piece layer");
      return;
    }
    assembler = null;
    assemblerFrom = null;
    io.layerVerified(verifier.pieceLayerBytes());
  }

  /** The verified layer is journaled (or known): build the picker and start asking for blocks. */
  void startPicking(DownloadState state) {
    if (!running || verifier == null) {
      return;
    }
    if (picker == null) {
      BitSet done = state != null ? (BitSet) state.verified.clone() : (BitSet) initiallyVerified.clone();
      picker = new PiecePicker<>(geometry, done, new PickerConfig(settings.maxStrikes(), 2, PickerConfig.Ties.IN_ORDER), random);
    }
    phase = "DOWNLOADING";
    for (DownloadSource s : sources.values()) {
      if (s.live && s.ready) {
        feedHave(s);
      }
    }
    refill();
  }

  /**
   * Offers free request slots to sources, fastest first; none while the part file is
   * {@link #MAX_WRITE_BACKLOG_BYTES} behind (the next {@link #pieceVerified} refills).
   */
  void refill() {
    if (picker == null || !running || assembly.backlogFull()) {
      return;
    }
    Set<NodeId> all = new LinkedHashSet<>(stats.ranked());
    all.addAll(sources.keySet());
    for (NodeId id : all) {
      DownloadSource s = sources.get(id);
      if (s == null || !s.live || !s.ready || picker.isBanned(id)) {
        continue;
      }
      int depth = stats.pipelineDepth(id, Duration.ofSeconds(1), settings.pipelineMin(), settings.pipelineMax());
      List<TransferMessage> requests = new ArrayList<>();
      for (BlockRef b : picker.pick(id, depth)) {
        requests.add(b.toRequest());
      }
      if (!requests.isEmpty()) {
        io.sendAll(id, s.epoch, requests);
      }
    }
  }

  private void onBlock(DownloadSource s, TransferMessage.Block block) {
    if (picker == null || block.piece() >= geometry.pieceCount()
        || block.offset() >= geometry.pieceSize(block.piece())) {
      drop(s, "GONE: block outside the share");
      return;
    }
    int piece = block.piece();
    int index = block.offset() / PieceGeometry.BLOCK_SIZE;
    if (picker.pieceState(piece) == PiecePicker.PieceState.VERIFIED) {
      if (initiallyVerified.get(piece)) {
        refetched += block.length();
      }
      return;
    }
    if (!picker.isRequestedFrom(s.id, piece, index)) {
      return; // late or unsolicited: nothing to do
    }
    byte[] leaf = verifier.verifiedLeaf(block);
    if (leaf == null) {
      boolean banned = picker.reportBadBlock(s.id);
      if (banned) {
        io.log("source " + s.id.shortHex() + " banned after " + picker.strikes(s.id) + " bad blocks");
        drop(s, "BANNED: bad blocks");
        return;
      }
      if (picker.isRequestedFrom(s.id, piece, index)) {
        picker.requestReleased(s.id, piece, index);
      }
      refill();
      return;
    }
    BlockResult<NodeId> result = picker.blockReceived(s.id, piece, index);
    if (!result.accepted()) {
      return;
    }
    stats.record(s.id, block.length());
    total.record("all", block.length());
    if (refetchable.get(piece)) {
      refetched += block.length();
    }
    assembly.addBlock(piece, block.offset(), index, picker.blocksIn(piece), block.sharedData(), block.length(), leaf);
    for (NodeId other : result.cancelFrom()) {
      DownloadSource o = sources.get(other);
      if (o != null && o.live) {
        io.send(other, o.epoch, new TransferMessage.Cancel(piece, block.offset()));
      }
    }
    if (result.pieceComplete()) {
      PieceAssembly.Piece complete = assembly.take(piece);
      // every block was verified on arrival; its leaf hashes must also fold up to the piece hash
      if (verifier.verifyPieceLeaves(piece, complete.leaves())) {
        assembly.handedOver(complete);
        io.writePiece(piece, geometry.pieceOffset(piece), complete.data(), complete.leaves());
      } else {
        assembly.discard(complete);
        refetchable.set(piece);
        for (NodeId banned : picker.pieceFailed(piece)) {
          DownloadSource b = sources.get(banned);
          if (b != null && b.live) {
            drop(b, "BANNED: bad piece");
          }
        }
      }
    }
    refill();
  }

  /** The piece is journaled as verified; true if the download is now complete. */
  boolean pieceVerified(int piece) {
    if (picker == null || picker.pieceState(piece) != PiecePicker.PieceState.WRITING) {
      return false;
    }
    assembly.written(piece);
    picker.pieceVerified(piece);
    if (picker.isComplete()) {
      return true;
    }
    refill();
    return false;
  }

  List<DownloadView.SourceView> sourceViews() {
    List<DownloadView.SourceView> out = new ArrayList<>();
    for (DownloadSource s : sources.values()) {
      int strikes = picker == null ? 0 : picker.strikes(s.id);
      boolean banned = badLayer.contains(s.id) || (picker != null && picker.isBanned(s.id));
      out.add(new DownloadView.SourceView(s.id.toHex(), s.state, Math.round(stats.rate(s.id)), strikes, banned));
    }
    return out;
  }

  List<DownloadView.CircuitUse> circuitViews() {
    List<DownloadView.CircuitUse> out = new ArrayList<>();
    for (DownloadSource s : sources.values()) {
      if (s.live && s.circuitId != null) {
        out.add(new DownloadView.CircuitUse(s.circuitId, s.id.toHex(), s.path));
      }
    }
    return out;
  }

}
