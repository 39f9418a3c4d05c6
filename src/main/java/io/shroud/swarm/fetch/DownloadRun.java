package io.shroud.swarm.fetch;

import io.shroud.content.ShareLink;
import io.shroud.identity.NodeId;
import io.shroud.metrics.NodeMetrics;
import io.shroud.swarm.fetch.DownloadSource.State;
import io.shroud.swarm.fetch.SourceReport.Connected;
import io.shroud.swarm.fetch.SourceReport.Lost;
import io.shroud.swarm.fetch.SourceReport.Received;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.swarm.transfer.TransferMessage;
import io.shroud.swarm.transfer.TransferProtocolException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The live part of one download, free of Pekko: its sources and their connection state, the
 * piece layer fetch ({@link PieceLayerFetch}), and its phase; the blocks themselves are
 * {@link PieceRequests}'. It acts through {@link DownloadIo} (implemented by
 * {@link DownloadActor}), which owns sessions, piece downloads and files, and whose journal side
 * ({@link DownloadJournalActor}) owns the journal. Not thread-safe: the actor is the only caller.
 */
final class DownloadRun {
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

  private final DownloadIo io;
  private final ShareLink link;
  private final int hops;
  private final SwarmSettings settings;
  private final NodeId self;
  private final Clock clock;
  private Instant lastLookup;
  private final Map<NodeId, DownloadSource> sources = new LinkedHashMap<>();
  private final PieceLayerFetch layer;
  private final PieceRequests pieces;
  private final NodeMetrics metrics;
  private final String name;
  private PieceVerifier verifier;
  /**
   * Whether blocks may be picked: false from a fetched layer's verification until it is
   * journaled (and, for a layer fetched again, until the re-check ran), so that no piece is
   * written or journaled before the layer it was checked against.
   */
  private boolean mayPick;
  private long epochs;
  private boolean running;
  private DownloadPhase phase = DownloadPhase.STARTING;
  private String transientError;

  DownloadRun(DownloadIo io, ShareLink link, DownloadState state, SwarmSettings settings, NodeId self, Clock clock,
      RandomGenerator random, NodeMetrics metrics) {
    this(io, link, state, settings, self, clock, random, metrics, MAX_WRITE_BACKLOG_BYTES);
  }

  /** With {@code maxWriteBacklog} instead of {@link #MAX_WRITE_BACKLOG_BYTES} (tests). */
  DownloadRun(DownloadIo io, ShareLink link, DownloadState state, SwarmSettings settings, NodeId self, Clock clock,
      RandomGenerator random, NodeMetrics metrics, long maxWriteBacklog) {
    this.io = io;
    this.link = link;
    this.hops = state.started.hops();
    this.settings = settings;
    this.self = self;
    this.clock = clock;
    this.metrics = metrics;
    this.lastLookup = clock.instant();
    this.layer = new PieceLayerFetch(link.geometry(), link.piecesRoot().orElse(null));
    this.pieces = new PieceRequests(io, link.geometry(), state, settings, clock, random, maxWriteBacklog, sources,
        this::running, this::drop, metrics);
    this.name = DownloadFinisher.manifestName(link).orElse(null);
  }

  ShareLink link() {
    return link;
  }

  /** The block side: the picker, the piece downloads' reports, the write backlog. */
  PieceRequests pieces() {
    return pieces;
  }

  /**
   * Where this run's piece arrays come from; a complete piece's array goes back here once it is
   * written and hashed.
   */
  PieceBuffers pieceBuffers() {
    return pieces.buffers();
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

  /** The journaled layer is re-checked against the part file: picking may start. */
  void allowPicking() {
    mayPick = verifier != null;
  }

  /** The layer from the journal: picking may start once sources are ready. */
  void useVerifier(PieceVerifier v) {
    verifier = v;
    mayPick = true;
  }

  boolean running() {
    return running;
  }

  void setRunning(boolean on) {
    running = on;
  }

  DownloadPhase phase() {
    return phase;
  }

  String transientError() {
    return transientError;
  }

  /** Pieces found damaged on resume: count their bytes as re-fetched when they come again. */
  void invalidated(BitSet bad) {
    pieces.invalidated(bad);
  }

  /** Pieces written before a stop that the journal had not recorded yet, found whole on resume. */
  void recovered(BitSet found) {
    pieces.recovered(found);
  }

  void lookingForProviders() {
    lastLookup = clock.instant();
    if (liveCount() == 0) {
      phase = DownloadPhase.FINDING_PROVIDERS;
    }
  }

  /** Every piece is verified: sessions close while the output is produced (FINISHING). */
  void finishing() {
    stopAll();
    pieces.buffers().close();
    phase = DownloadPhase.FINISHING;
  }

  /**
   * Stops for good (cancel, failure): closes every session and lets every piece array go, the
   * partial pieces' too.
   */
  void end() {
    stopAll();
    pieces.buffers().close();
  }

  /**
   * Closes every session (pause, and on the way to an end); the picker keeps its strikes, the
   * piece downloads keep the blocks they have for a resume, and the arrays kept for reuse are let go.
   */
  void stopAll() {
    running = false;
    pieces.buffers().clear();
    for (DownloadSource s : sources.values()) {
      if (s.live()) {
        io.close(s.id, s.epoch);
        gone(s, State.CLOSED, null);
      }
    }
    layer.stop();
    phase = DownloadPhase.PAUSED;
  }

  private int liveCount() {
    return (int) sources.values().stream().filter(DownloadSource::live).count();
  }

  void providersFound(List<NodeId> providers, String error) {
    for (NodeId p : providers) {
      if (liveCount() >= settings.maxProvidersPerDownload()) {
        break;
      }
      DownloadSource s = sources.get(p);
      if (p.equals(self) || layer.failedFrom(p) || pieces.banned(p)
          || (s != null && (s.live() || s.state == State.REFUSED))) {
        continue;
      }
      if (s == null) {
        s = new DownloadSource(p);
        sources.put(p, s);
      }
      s.epoch = ++epochs;
      s.lastHeard = clock.instant();
      s.enter(State.CONNECTING, null);
      io.connect(p, s.epoch);
    }
    if (liveCount() == 0) {
      transientError = error != null ? error : "no providers found";
      phase = DownloadPhase.FINDING_PROVIDERS;
      io.retryLater();
    } else {
      transientError = null;
    }
  }

  void onReport(SourceReport report) {
    DownloadSource s = sources.get(report.provider());
    if (s == null || s.epoch != report.epoch() || !s.live()) {
      return;
    }
    s.lastHeard = clock.instant();
    if (report instanceof Connected c) {
      s.enter(State.CONNECTED, null);
      s.circuitId = c.circuitId();
      s.path = c.path();
    } else if (report instanceof Lost lost) {
      io.log("source " + s.id.shortHex() + " lost: " + lost.reason());
      gone(s, State.GONE, lost.reason());
      afterLoss();
    } else if (report instanceof Received r) {
      for (TransferMessage m : r.messages()) {
        onMessage(s, m);
        if (!s.live() || !running) {
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
    Instant now = clock.instant();
    Instant silentSince = now.minus(settings.stallTimeout());
    for (DownloadSource s : new ArrayList<>(sources.values())) {
      boolean owes = !s.ready() || pieces.owes(s.id) || layer.isFrom(s.id);
      if (s.live() && owes && s.lastHeard.isBefore(silentSince)) {
        io.log("source " + s.id.shortHex() + " stalled");
        drop(s, State.GONE, "stalled");
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
    if (s != null && s.epoch == epoch && s.live()) {
      gone(s, State.GONE, "session stopped");
      afterLoss();
    }
  }

  private void gone(DownloadSource s, State state, String reason) {
    s.enter(state, reason);
    pieces.sourceGone(s.id);
    if (layer.isFrom(s.id)) {
      layer.stop();
    }
  }

  private void afterLoss() {
    if (!running) {
      return;
    }
    if (verifier == null) {
      startLayer();
    }
    pieces.refill();
    if (liveCount() == 0) {
      phase = DownloadPhase.FINDING_PROVIDERS;
      io.retryLater();
    }
  }

  private void drop(DownloadSource s, State state, String reason) {
    io.close(s.id, s.epoch);
    gone(s, state, reason);
    afterLoss();
  }

  private void onMessage(DownloadSource s, TransferMessage m) {
    if (m instanceof TransferMessage.Have have) {
      if (have.all()) {
        s.hasAll = true;
      } else {
        s.have.or(have.pieces());
      }
      s.enter(State.READY, null);
      if (pieces.picking()) {
        phase = DownloadPhase.DOWNLOADING;
        pieces.feedHave(s);
        pieces.refill();
      } else if (verifier == null) {
        startLayer();
      } else if (mayPick) {
        startPicking(null);
      }
    } else if (m instanceof TransferMessage.Refuse refuse) {
      drop(s, State.REFUSED, String.valueOf(refuse.reason()));
    } else if (m instanceof TransferMessage.Hashes hashes) {
      onHashes(s, hashes);
    } else if (m instanceof TransferMessage.Block block) {
      pieces.onBlock(s, block);
    } else if (m instanceof TransferMessage.Reject reject) {
      pieces.onReject(s, reject);
      if (++s.rejects > MAX_REJECTS) {
        drop(s, State.GONE, "too many rejects");
      } else {
        pieces.refill();
      }
    } else {
      drop(s, State.GONE, "protocol violation: provider sent " + m.type());
    }
  }

  /** Starts fetching the piece layer from a ready source that has not failed it yet. */
  private void startLayer() {
    if (layer.running() || verifier != null) {
      return;
    }
    for (DownloadSource s : sources.values()) {
      if (s.ready() && s.hasAll && !layer.failedFrom(s.id)) {
        phase = DownloadPhase.FETCHING_PIECE_LAYER;
        List<TransferMessage> requests = layer.start(s.id);
        if (layer.complete()) {
          layerComplete(s);
        } else {
          io.sendAll(s.id, s.epoch, requests);
        }
        return;
      }
    }
  }

  private void onHashes(DownloadSource s, TransferMessage.Hashes hashes) {
    if (!layer.running() || !layer.isFrom(s.id)) {
      drop(s, State.GONE, "unrequested hashes");
      return;
    }
    List<TransferMessage> next;
    try {
      next = layer.accept(hashes);
    } catch (TransferProtocolException e) {
      drop(s, State.GONE, e.getMessage());
      return;
    }
    if (layer.complete()) {
      layerComplete(s);
    } else {
      io.sendAll(s.id, s.epoch, next);
    }
  }

  private void layerComplete(DownloadSource s) {
    try {
      verifier = layer.verifier();
    } catch (TransferProtocolException e) {
      io.log("piece layer from " + s.id.shortHex() + " rejected: " + e.getMessage());
      metrics.sourcesStruck(NodeMetrics.Strike.BAD_PIECE_LAYER, 1);
      drop(s, State.BANNED, "bad piece layer");
      return;
    }
    io.layerVerified(verifier.pieceLayerBytes());
  }

  /** The verified layer is journaled (or known): build the picker and start asking for blocks. */
  void startPicking(DownloadState state) {
    if (!running || verifier == null) {
      return;
    }
    mayPick = true;
    pieces.startPicking(state != null ? state.verified : null);
    phase = DownloadPhase.DOWNLOADING;
    for (DownloadSource s : sources.values()) {
      if (s.ready()) {
        pieces.feedHave(s);
      }
    }
    pieces.refill();
  }

  List<DownloadView.SourceView> sourceViews() {
    List<DownloadView.SourceView> out = new ArrayList<>();
    for (DownloadSource s : sources.values()) {
      boolean banned = layer.failedFrom(s.id) || pieces.banned(s.id);
      out.add(new DownloadView.SourceView(s.id.toHex(), s.shown(), pieces.rate(s.id), pieces.strikes(s.id), banned));
    }
    return out;
  }

  List<DownloadView.CircuitUse> circuitViews() {
    List<DownloadView.CircuitUse> out = new ArrayList<>();
    for (DownloadSource s : sources.values()) {
      if (s.live() && s.circuitId != null) {
        out.add(new DownloadView.CircuitUse(s.circuitId, s.id.toHex(), s.path));
      }
    }
    return out;
  }
}
