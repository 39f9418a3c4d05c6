package io.shroud.swarm.fetch;

import io.shroud.circuit.CircuitsActor;
import io.shroud.content.Magnet;
import io.shroud.content.ShareLink;
import io.shroud.hidden.ShareSecret;
import io.shroud.identity.NodeId;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.swarm.pick.PiecePicker;
import io.shroud.swarm.serve.PieceLayerFile;
import io.shroud.swarm.serve.SharesActor;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.swarm.transfer.TransferMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * One download (persistence id {@code download|<id>}): finds providers, connects to each through
 * its own circuit ({@link ProviderSessionActor}), fetches and checks the piece layer, then runs
 * the {@link PiecePicker} over all sources. Every block is checked on arrival, every piece again
 * when complete, written and forced before {@code PiecesVerified} is persisted; the journal
 * records written pieces at most every {@link #JOURNAL_INTERVAL}. On recovery the last journaled
 * pieces are re-checked, pieces written after the last entry are found through the leaves file
 * ({@link DownloadFinisher#recover}), and only what is missing is fetched.
 *
 * <p>Decisions are in {@link DownloadRun} and {@link PieceRequests}. The journal side it extends
 * is {@link DownloadJournalActor} (messages, commands by phase, events, recovery, the view), with
 * {@link DownloadMetadataActor} (sessions, a bare magnet's metadata phase) between them. This
 * class is the live run: the {@link DownloadRun} and its hands ({@link DownloadIo}), what the
 * sessions, the source lookup and its timers send, and the resume re-check. Its children: a
 * {@link ProviderSessionActor} per source; a {@link PieceDownloadActor} per piece in flight, which
 * checks and assembles the piece's blocks beside this actor and hands the piece to the
 * {@link PartFileActor}, which does the blocking file work (batched writes and forces, the
 * re-check, the output digest, the output, seeding, a cancel's deletion). A piece download that
 * stops before its piece is written costs that piece only ({@link PieceFlow#abandoned}).
 * Protocol: docs/protocol.md §8.
 */
public final class DownloadActor extends DownloadMetadataActor {

  /**
   * What every download of a node shares.
   *
   * @param lookups where the share's hidden descriptors are looked up through a circuit
   *     (protocol §11.3); sources are the hidden seeders they list, each reached by rendezvous
   *     and shown under a label of this download's own
   * @param fixedSources if not empty, sessions go to these nodes' {@code transfer} service by a
   *     circuit ending there instead: the in-memory test networks' seam. No node serves
   *     {@code transfer} by name, so a node passes none ({@link #node})
   * @param seedTo if present, a completed download is handed to this share catalogue
   *     ({@link SharesActor.AdoptDownload}) and served (hidden) from then on
   * @param journalInterval written pieces are journaled at most this often
   *     ({@link #JOURNAL_INTERVAL})
   */
  public record Setup(NodeId self, Path dataDir, ActorRef<CircuitsActor.Command> circuits,
      ActorRef<RecordLookupsActor.Command> lookups, SwarmSettings settings,
      List<NodeId> fixedSources, Optional<ActorRef<SharesActor.Command>> seedTo, Clock clock,
      RandomGenerator random, Duration journalInterval) {

    public Setup(NodeId self, Path dataDir, ActorRef<CircuitsActor.Command> circuits,
        ActorRef<RecordLookupsActor.Command> lookups, SwarmSettings settings,
        List<NodeId> fixedSources, Optional<ActorRef<SharesActor.Command>> seedTo, Clock clock,
        RandomGenerator random) {
      this(self, dataDir, circuits, lookups, settings, fixedSources, seedTo, clock, random,
          JOURNAL_INTERVAL);
    }

    /** A node's downloads: sources are the share's hidden seeders (protocol §11). */
    public static Setup node(NodeId self, Path dataDir, ActorRef<CircuitsActor.Command> circuits,
        ActorRef<RecordLookupsActor.Command> lookups, SwarmSettings settings,
        Optional<ActorRef<SharesActor.Command>> seedTo, Clock clock, RandomGenerator random) {
      return new Setup(self, dataDir, circuits, lookups, settings, List.of(), seedTo, clock, random,
          JOURNAL_INTERVAL);
    }
  }

  static final Duration RETRY = Duration.ofSeconds(2);
  /**
   * Written pieces are journaled at most this often by default (and at once when the download
   * completes or pauses). One journal transaction per write batch cost the downloader a fifth
   * of its CPU at 200 MB/s (docs/benchmarks.md, "Ninth session"); what a crash leaves
   * unjournaled is found again on resume from the part and leaves files.
   */
  static final Duration JOURNAL_INTERVAL = Duration.ofMillis(250);
  private static final Duration TICK = Duration.ofMillis(500);

  private final Executor blocking;
  private DownloadRun run;
  /** True once the resume re-check of this incarnation is journaled (it runs once). */
  private boolean rechecked;
  /** The part file's actor (piece writes, re-check, output); null until the run exists. */
  private ActorRef<PartFileActor.Command> partFile;
  /** The piece downloads in flight; null until the run exists. */
  private PieceDownloadActor.Downloads<Command> pieces;
  /** True when the output digest waits for the resume check (pieces may be on disk already). */
  private boolean outputDigestAfterRecheck;
  /** True when the journaled layer's file was missing or damaged: it is fetched again, then the re-check runs. */
  private boolean layerLost;
  /** True while picking waits for the re-check that follows a layer fetched again. */
  private boolean pickAfterRecheck;

  public static Behavior<Command> create(String id, Setup setup, ActorRef<FolderFound> folderFound) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new DownloadActor(ctx, timers, id, setup, folderFound)));
  }

  private DownloadActor(ActorContext<Command> context, TimerScheduler<Command> timers, String id, Setup setup,
      ActorRef<FolderFound> folderFound) {
    super(context, timers, id, setup, folderFound);
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
  }

  @Override
  DownloadRun run() {
    return run;
  }

  @Override
  MetadataRun metadataRun() {
    return run == null ? unfinishedMetadata() : null;
  }

  @Override
  CommandHandlerBuilderByState<Command, DownloadEvent, DownloadState, DownloadState> runCommands(
      CommandHandlerBuilderByState<Command, DownloadEvent, DownloadState, DownloadState> running) {
    return running
        .onCommand(ProvidersFound.class, (s, c) -> fetchingMetadata()
            ? whileFetchingMetadata(() -> unfinishedMetadata().providersFound(c.providers(), c.error()))
            : whileRunning(() -> run.providersFound(c.providers(), c.error())))
        .onCommand(FromSource.class, (s, c) -> c.report().epoch() < 0
            ? whileFetchingMetadata(() -> unfinishedMetadata().onReport(c.report()))
            : whileRunning(() -> run.onReport(c.report())))
        .onCommand(SourceStopped.class, (s, c) -> c.epoch() < 0
            ? whileFetchingMetadata(() -> unfinishedMetadata().onStopped(c.provider(), c.epoch()))
            : whileRunning(() -> run.onStopped(c.provider(), c.epoch())))
        .onCommand(Retry.class, (s, c) -> fetchingMetadata()
            ? whileFetchingMetadata(this::findProviders) : whileRunning(this::findProviders))
        .onCommand(Tick.class, (s, c) -> fetchingMetadata()
            ? whileFetchingMetadata(() -> unfinishedMetadata().tick()) : whileRunning(() -> run.tick()))
        .onCommand(MetadataVerified.class, this::onMetadataVerified);
  }

  private boolean fetchingMetadata() {
    return run == null && metadataFetching();
  }

  private Effect<DownloadEvent, DownloadState> whileFetchingMetadata(Runnable action) {
    if (fetchingMetadata()) {
      action.run();
    }
    return Effect().none();
  }

  /**
   * The info dictionary is verified: the full link replaces the bare magnet in the link file
   * (written and forced), so a restarted node does not fetch the metadata again, and the
   * download goes on exactly as one started from the full link.
   */
  private Effect<DownloadEvent, DownloadState> onMetadataVerified(DownloadState state, MetadataVerified verified) {
    if (state.finished()) {
      return Effect().none();
    }
    boolean goOn = finishMetadata() && !state.paused;
    try {
      store.writeLink(id, verified.link().format());
    } catch (java.io.IOException e) {
      context.getSelf().tell(new OutputDone(new PartFileActor.OutputDone(null,
          new java.io.IOException("cannot store the link: " + e.getMessage()))));
      return Effect().none();
    }
    context.getLog().info("download {}: metadata verified ({} bytes, {} pieces)", id,
        verified.link().geometry().length(), verified.link().geometry().pieceCount());
    if (goOn) {
      begin(state);
    }
    return Effect().none();
  }

  private Effect<DownloadEvent, DownloadState> whileRunning(Runnable action) {
    if (run != null && run.running()) {
      action.run();
      pieces.flush(); // the blocks the action delivered go to their piece downloads, a run per message
    }
    return Effect().none();
  }

  /** Sets up the run from the journaled state: re-check recent pieces, then find providers. */
  @Override
  void begin(DownloadState state) {
    if (state.finished() || state.paused) {
      return;
    }
    ShareLink link;
    try {
      Magnet magnet = Magnet.parse(store.readLink(id).orElseThrow(() -> new IllegalStateException("link file missing")));
      if (!magnet.metadataKnown()) {
        beginMetadata(magnet, state.started.hops()); // find providers, ask them for the info dictionary
        findProviders();
        return;
      }
      link = magnet.requireShareLink();
    } catch (RuntimeException e) {
      context.getSelf().tell(new OutputDone(new PartFileActor.OutputDone(null, e)));
      return;
    }
    if (run == null) {
      run = new DownloadRun(new RunIo(), link, state, setup.settings(), setup.self(), setup.clock(),
          setup.random(), metrics);
      // with the piece layer journaled, written pieces may be on disk, journaled or not
      outputDigestAfterRecheck = state.layerKnown();
      // the part file's actor never stops by itself; one that fails takes the download with it
      // (watched, no handler: a death pact), which its supervisor restarts from the journal
      partFile = context.spawn(Behaviors.supervise(PartFileActor.create(store, id, link,
          Path.of(state.started.outputPath()), run.pieceBuffers(), blocking, !state.layerKnown()))
          .onFailure(SupervisorStrategy.stop()), "part-file");
      context.watch(partFile);
      pieces = new PieceDownloadActor.Downloads<>(context, link.geometry().pieceCount(),
          context.messageAdapter(PieceDownloadActor.Report.class, FromPiece::new), partFile, PieceStopped::new);
    }
    run.setRunning(true);
    if (run.verifier() == null && state.layerKnown()) {
      try {
        run.useVerifier(new PieceVerifier(state.layer(store.layerFile(id), link)));
      } catch (PieceLayerFile.Unusable e) {
        context.getLog().warn("download {}: {}; fetching the piece layer again", id, e.getMessage());
        layerLost = true; // the re-check runs once it is back (layerStored)
      }
    }
    if (run.verifier() != null && !rechecked) {
      partFile.tell(new PartFileActor.Recheck(run.verifier(), new ArrayList<>(state.recent),
          (BitSet) state.verified.clone(), context.messageAdapter(PartFileActor.Rechecked.class, Rechecked::new)));
      return;
    }
    findProvidersOrFinish(state);
  }

  /** Every piece is on disk (e.g. a crash or pause hit between the last piece and the output): finish. */
  private void findProvidersOrFinish(DownloadState state) {
    if (run.verifier() != null && state.verified.cardinality() == run.link().geometry().pieceCount()) {
      finishRun(state);
    } else {
      findProviders();
    }
  }

  @Override
  void afterRecheck(DownloadState state, ResumeCheck found) {
    rechecked = true;
    if (run != null) {
      run.invalidated(found.bad());
      run.recovered(found.recovered());
      if (outputDigestAfterRecheck && state.verified.isEmpty()) {
        partFile.tell(PartFileActor.StartOutputDigest.INSTANCE);
      }
      outputDigestAfterRecheck = false;
      run.allowPicking();
    }
    boolean pickNow = pickAfterRecheck;
    pickAfterRecheck = false;
    if (state.paused || state.finished()) {
      return;
    }
    if (pickNow && run != null) {
      if (state.verified.cardinality() == run.link().geometry().pieceCount()) {
        finishRun(state);
      } else {
        run.startPicking(state);
      }
      return;
    }
    findProvidersOrFinish(state);
  }

  /** Asks for sources: the share's hidden seeders by descriptor (or the fixed sources of a test network). */
  void findProviders() {
    if (fetchingMetadata()) {
      lookUpProviders(metadataSecret(), metadataHops());
      return;
    }
    if (run == null || !run.running()) {
      return;
    }
    run.lookingForProviders();
    lookUpProviders(ShareSecret.of(run.link()), run.hops());
  }

  private void lookUpProviders(ShareSecret secret, int hops) {
    if (!setup.fixedSources().isEmpty()) {
      context.getSelf().tell(new ProvidersFound(setup.fixedSources(), null));
      return;
    }
    sessions.lookUpHidden(secret, setup.lookups(), hops, setup.clock(), ProvidersFound::new);
  }

  /**
   * The verified layer is journaled. If it was fetched again because its file was lost, pieces
   * may be on disk: the resume re-check runs first and picking starts after it.
   */
  @Override
  void layerStored(DownloadState state) {
    if (layerLost && !rechecked && run != null) {
      layerLost = false;
      pickAfterRecheck = true;
      partFile.tell(new PartFileActor.Recheck(run.verifier(), new ArrayList<>(state.recent),
          (BitSet) state.verified.clone(), context.messageAdapter(PartFileActor.Rechecked.class, Rechecked::new)));
      return;
    }
    run.startPicking(state);
  }

  @Override
  void pieceProgress(PieceDownloadActor.Report report) {
    if (report instanceof PieceDownloadActor.BadBlock bad) {
      run.pieces().blockBad(bad.piece(), bad.index(), bad.source());
    } else if (report instanceof PieceDownloadActor.Assembled a) {
      run.pieces().pieceAssembled(a.piece());
    } else if (report instanceof PieceDownloadActor.LeavesFailed f) {
      run.pieces().leavesFailed(f.piece());
    }
  }

  @Override
  boolean pieceWritten(int piece) {
    return run.pieces().pieceWritten(piece);
  }

  /**
   * A piece download stopped. If it had not written its piece (it failed, was killed, or gave
   * the piece up), the piece's blocks go back to the picker: that piece alone is fetched again.
   */
  @Override
  void pieceStopped(DownloadState state, PieceStopped stopped) {
    if (pieces != null) {
      pieces.stopped(stopped.piece(), stopped.ref());
    }
    if (!state.finished() && run != null) {
      run.pieces().pieceStopped(stopped.piece());
    }
  }

  @Override
  void finishRun(DownloadState state) {
    run.finishing();
    pieces.stopAll();
    partFile.tell(new PartFileActor.Finish(setup.seedTo().isPresent(),
        context.messageAdapter(PartFileActor.OutputDone.class, OutputDone::new)));
  }

  /** Hands the completed download to the share catalogue (through the part-file actor, which owns its files). */
  @Override
  void seed(ActorRef<SharesActor.Command> shares) {
    if (run == null || run.verifier() == null) {
      store.forgetLeaves(id);
      return;
    }
    partFile.tell(new PartFileActor.Seed(shares, run.verifier().pieceLayerBytes()));
  }

  @Override
  void pauseRun() {
    stopMetadata();
    if (run != null) {
      run.stopAll();
    }
    timers.cancel(Retry.INSTANCE);
  }

  /** Its run, retry timer, piece downloads and output digest stop. */
  @Override
  void endRun() {
    stopMetadata();
    timers.cancel(Retry.INSTANCE);
    if (run != null) {
      run.end();
      pieces.stopAll();
      partFile.tell(PartFileActor.DiscardOutputDigest.INSTANCE);
    }
  }

  @Override
  ActorRef<PartFileActor.Command> partFile() {
    return partFile;
  }

  /** The run's hands: sessions, piece downloads, lookups, timers (all in this actor's context). */
  private final class RunIo implements DownloadIo {
    @Override
    public void connect(NodeId provider, long epoch) {
      sessions.connect(provider, epoch, run.link().infoHash(), run.hops());
    }

    @Override
    public void send(NodeId provider, long epoch, TransferMessage message) {
      sessions.send(provider, message);
    }

    @Override
    public void sendAll(NodeId provider, long epoch, List<TransferMessage> messages) {
      sessions.sendAll(provider, messages);
    }

    @Override
    public void close(NodeId provider, long epoch) {
      sessions.close(provider);
    }

    @Override
    public void deliver(int piece, NodeId source, TransferMessage.Block block) {
      pieces.deliver(run, piece, source, block);
    }

    @Override
    public void layerVerified(byte[] pieceLayer) {
      partFile.tell(new PartFileActor.StoreLayer(pieceLayer,
          context.messageAdapter(PartFileActor.LayerStored.class, LayerDone::new)));
    }

    @Override
    public void retryLater() {
      timers.startSingleTimer(Retry.INSTANCE, RETRY);
    }

    @Override
    public void findProviders() {
      DownloadActor.this.findProviders();
    }

    @Override
    public void log(String message) {
      context.getLog().info("download {}: {}", id, message);
    }
  }
}
