package io.shroud.swarm.fetch;

import io.shroud.content.PieceGeometry;
import io.shroud.content.ShareLink;
import io.shroud.identity.NodeId;
import io.shroud.swarm.fetch.ProviderSessionActor.Connected;
import io.shroud.swarm.fetch.ProviderSessionActor.Lost;
import io.shroud.swarm.fetch.ProviderSessionActor.Received;
import io.shroud.swarm.pick.BlockRef;
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
 * layer fetch, the picker and the blocks handed to piece downloads ({@link PieceFlow}), counters.
 * Each block that was asked for goes to its piece's download ({@link Io#deliver}), which checks
 * and assembles it and reports back. It acts through {@link Io} (implemented by
 * {@link DownloadActor}), which owns sessions, piece downloads, files and the journal. Not
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
     * Hands a block of {@code piece} from {@code source} to that piece's download (started with
     * the first block), which checks it, keeps it and reports back ({@link #blockBad},
     * {@link #pieceAssembled}, {@link #pieceWritten}, {@link #leavesFailed}, {@link #pieceStopped}).
     */
    void deliver(int piece, NodeId source, TransferMessage.Block block);

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
  /** Arrays for the pieces being put together, reused once written. */
  private final PieceBuffers buffers;
  private final long maxWriteBacklog;
  /** The picker and the blocks delivered to piece downloads; null until the piece layer is known. */
  private PieceFlow flow;
  /** Pieces on disk: verified at the start of the run, or written by it. */
  private final BitSet onDisk;
  private final BitSet refetchable;
  private final BitSet initiallyVerified;
  private final String name;
  private PieceVerifier verifier;
  private PieceLayerAssembler assembler;
  private NodeId assemblerFrom;
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
    if (maxWriteBacklog < 1) {
      throw new IllegalArgumentException("the write backlog limit must be positive");
    }
    this.maxWriteBacklog = maxWriteBacklog;
    this.buffers = PieceBuffers.forPieceLength(geometry.pieceLength(), maxWriteBacklog);
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
    this.onDisk = (BitSet) state.verified.clone();
    this.name = DownloadFinisher.manifestName(link).orElse(null);
  }

  ShareLink link() {
    return link;
  }

  /**
   * Where this run's piece arrays come from; a complete piece's array goes back here once it is
   * written and hashed.
   */
  PieceBuffers pieceBuffers() {
    return buffers;
  }

  /** Bytes of verified pieces handed over for writing and not yet written. */
  long waitingForDiskBytes() {
    return flow == null ? 0 : flow.writeBacklog();
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
    onDisk.andNot(bad);
  }

  /** Pieces written before a stop that the journal had not recorded yet, found whole on resume. */
  void recovered(BitSet pieces) {
    refetchable.or(pieces);
    initiallyVerified.or(pieces);
    onDisk.or(pieces);
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
    buffers.close();
    phase = "FINISHING";
  }

  /**
   * Stops for good (cancel, failure): closes every session and lets every piece array go, the
   * partial pieces' too.
   */
  void end() {
    stopAll();
    buffers.close();
  }

  /**
   * Closes every session (pause, and on the way to an end); the picker keeps its strikes, partial
   * pieces keep their arrays for a resume, and the arrays kept for reuse are let go.
   */
  void stopAll() {
    running = false;
    buffers.clear();
    for (DownloadSource s : sources.values()) {
      if (s.live) {
        io.close(s.id, s.epoch);
        gone(s, "closed");
      }
    }
    // delivered blocks of partial pieces stay with their piece downloads for a resume
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
      if (p.equals(self) || badLayer.contains(p) || (flow != null && flow.picker().isBanned(p))
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
      boolean owes = !s.ready || (flow != null && flow.owes(s.id)) || s.id.equals(assemblerFrom);
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
    if (flow != null) {
      flow.picker().sourceGone(s.id);
      flow.sourceGone(s.id);
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
      if (flow != null) {
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
      if (flow != null && reject.piece() < geometry.pieceCount()
          && reject.offset() < geometry.pieceSize(reject.piece())) {
        int index = reject.offset() / PieceGeometry.BLOCK_SIZE;
        if (flow.picker().isRequestedFrom(s.id, reject.piece(), index) && !flow.holds(s.id, reject.piece(), index)) {
          flow.picker().requestReleased(s.id, reject.piece(), index);
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
    PiecePicker<NodeId> picker = flow.picker();
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
    if (flow == null) {
      BitSet done = state != null ? (BitSet) state.verified.clone() : (BitSet) initiallyVerified.clone();
      onDisk.or(done);
      PiecePicker<NodeId> picker = new PiecePicker<>(geometry, done,
          new PickerConfig(settings.maxStrikes(), 2, PickerConfig.Ties.IN_ORDER), random);
      flow = new PieceFlow(geometry, picker, maxWriteBacklog, this::cancel);
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
   * {@link #MAX_WRITE_BACKLOG_BYTES} behind (the next {@link #pieceWritten} refills). A block
   * picked that a piece download already has is held, not asked for ({@link PieceFlow#absorb}).
   */
  void refill() {
    if (flow == null || !running || flow.backlogFull()) {
      return;
    }
    PiecePicker<NodeId> picker = flow.picker();
    Set<NodeId> all = new LinkedHashSet<>(stats.ranked());
    all.addAll(sources.keySet());
    for (NodeId id : all) {
      DownloadSource s = sources.get(id);
      if (s == null || !s.live || !s.ready || picker.isBanned(id)) {
        continue;
      }
      int depth = stats.pipelineDepth(id, Duration.ofSeconds(1), settings.pipelineMin(), settings.pipelineMax());
      List<TransferMessage> requests = new ArrayList<>();
      for (BlockRef b : picker.pick(id, flow.depth(id, depth))) {
        if (!flow.absorb(id, b)) {
          requests.add(b.toRequest());
        }
      }
      if (!requests.isEmpty()) {
        io.sendAll(id, s.epoch, requests);
      }
    }
  }

  private void onBlock(DownloadSource s, TransferMessage.Block block) {
    if (flow == null || block.piece() >= geometry.pieceCount()
        || block.offset() >= geometry.pieceSize(block.piece())) {
      drop(s, "GONE: block outside the share");
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

  private void cancel(NodeId source, int piece, int index) {
    DownloadSource o = sources.get(source);
    if (o != null && o.live) {
      io.send(source, o.epoch, new TransferMessage.Cancel(piece, index * PieceGeometry.BLOCK_SIZE));
    }
  }

  /** The piece's download found block {@code index} from {@code source} bad: strike, ask again. */
  void blockBad(int piece, int index, NodeId source) {
    if (flow == null) {
      return;
    }
    flow.badBlock(piece, index);
    boolean banned = flow.picker().reportBadBlock(source);
    DownloadSource s = sources.get(source);
    if (banned) {
      io.log("source " + source.shortHex() + " banned after " + flow.picker().strikes(source) + " bad blocks");
      if (s != null && s.live) {
        drop(s, "BANNED: bad blocks");
      } else {
        flow.sourceGone(source);
      }
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
    for (NodeId banned : flow.pieceFailed(piece)) {
      DownloadSource b = sources.get(banned);
      if (b != null && b.live) {
        drop(b, "BANNED: bad piece");
      } else {
        flow.sourceGone(banned);
      }
    }
    refill();
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

  List<DownloadView.SourceView> sourceViews() {
    List<DownloadView.SourceView> out = new ArrayList<>();
    for (DownloadSource s : sources.values()) {
      int strikes = flow == null ? 0 : flow.picker().strikes(s.id);
      boolean banned = badLayer.contains(s.id) || (flow != null && flow.picker().isBanned(s.id));
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
