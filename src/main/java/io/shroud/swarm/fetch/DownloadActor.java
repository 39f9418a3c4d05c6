package io.shroud.swarm.fetch;

import io.shroud.circuit.CircuitsActor;
import io.shroud.content.MerkleTree;
import io.shroud.content.ShareLink;
import io.shroud.identity.NodeId;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.swarm.pick.PiecePicker;
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
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One download (persistence id {@code download|<id>}): finds providers, connects to each through
 * its own circuit ({@link ProviderSessionActor}), fetches and checks the piece layer, then runs
 * the {@link PiecePicker} over all sources. Every block is checked on arrival, every piece again
 * when complete, written to the part file and forced before {@code PiecesVerified} is persisted;
 * the journal records written pieces at most every {@link #JOURNAL_INTERVAL}, like a BitTorrent
 * client's resume data. On recovery the last few journaled pieces are re-read and re-checked,
 * pieces written after the last journal entry are found through the leaves file and checked
 * ({@link DownloadFinisher#recover}), and only what is missing is fetched.
 *
 * <p>The decisions are in {@link DownloadRun} (sources, piece layer) and {@link PieceRequests}
 * (picker, blocks); this class is the journal and the commands by phase, and asks its children
 * for the rest. Its children: a {@link ProviderSessionActor} per source
 * ({@link ProviderSessionActor.Sessions}); a {@link PieceDownloadActor} per piece in flight
 * ({@link PieceDownloadActor.Downloads}), which checks and assembles the piece's blocks (so their
 * hashing runs beside this actor) and hands the piece to the {@link PartFileActor}; and that
 * part-file actor, which writes and forces pieces in batches and does the other blocking file
 * work: the resume re-check, the output digest, producing the output, and seeding it. A piece
 * download that stops before its piece is written (a failure, a kill) costs that piece only: its
 * blocks go back to the picker ({@link PieceFlow#abandoned}). Draft:
 * {@code docs/protocol.md (section 8)} §9.
 */
public final class DownloadActor
    extends EventSourcedBehavior<DownloadActor.Command, DownloadEvent, DownloadState> {

  public sealed interface Command {}

  /** The commands that start, pause, resume or cancel a download; each is answered with the view. */
  sealed interface Lifecycle extends Command {
    ActorRef<DownloadView> replyTo();
  }

  /** Starts a fresh download (the parent validated the arguments). */
  public record Start(String link, String outputPath, int hops, ActorRef<DownloadView> replyTo) implements Lifecycle {}

  public record Pause(ActorRef<DownloadView> replyTo) implements Lifecycle {}

  public record Resume(ActorRef<DownloadView> replyTo) implements Lifecycle {}

  /** Cancels and deletes the part file. */
  public record Cancel(ActorRef<DownloadView> replyTo) implements Lifecycle {}

  public record GetView(ActorRef<DownloadView> replyTo) implements Command {}

  record ProvidersFound(List<NodeId> providers, String error) implements Command {}

  record FromSource(SourceReport report) implements Command {}

  record SourceStopped(NodeId provider, long epoch) implements Command {}

  record LayerDone(byte[] layer) implements Command {}

  /** What a piece download reports. */
  record FromPiece(PieceDownloadActor.Report report) implements Command {}

  /** A piece download stopped (written, given up, or failed). */
  record PieceStopped(int piece, ActorRef<PieceDownloadActor.Command> ref) implements Command {}

  /** The part-file actor's resume check: journaled pieces found damaged, and written pieces the journal missed. */
  private record Rechecked(PartFileActor.Rechecked result) implements Command {}

  /** The journal interval has passed since the last entry: journal what was written since. */
  private enum JournalDue implements Command { INSTANCE }

  private record OutputDone(PartFileActor.OutputDone result) implements Command {}

  enum Retry implements Command { INSTANCE }

  private enum Tick implements Command { INSTANCE }

  /**
   * What every download of a node shares.
   *
   * @param lookups where providers are looked up in the DHT through a circuit
   * @param staticProviders if not empty, these providers are used instead of a DHT lookup
   *     (tests, devnets)
   * @param seedTo if present, a completed download is handed to this share catalogue
   *     ({@link SharesActor.AdoptDownload}) and served from then on
   * @param journalInterval written pieces are journaled at most this often ({@link #JOURNAL_INTERVAL})
   */
  public record Setup(NodeId self, Path dataDir, ActorRef<CircuitsActor.Command> circuits,
      ActorRef<RecordLookupsActor.Command> lookups, SwarmSettings settings,
      List<NodeId> staticProviders, Optional<ActorRef<SharesActor.Command>> seedTo, Clock clock,
      RandomGenerator random, Duration journalInterval) {

    public Setup(NodeId self, Path dataDir, ActorRef<CircuitsActor.Command> circuits,
        ActorRef<RecordLookupsActor.Command> lookups, SwarmSettings settings,
        List<NodeId> staticProviders, Optional<ActorRef<SharesActor.Command>> seedTo, Clock clock,
        RandomGenerator random) {
      this(self, dataDir, circuits, lookups, settings, staticProviders, seedTo, clock, random, JOURNAL_INTERVAL);
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
  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(120);

  private final String id;
  private final Setup setup;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final DownloadStore store;
  private final Executor blocking;
  private DownloadRun run;
  private boolean rechecked;
  /** The part file's actor (piece writes, re-check, output); null until the run exists. */
  private ActorRef<PartFileActor.Command> partFile;
  /** The providers: looked up, and a session to each. */
  private final ProviderSessionActor.Sessions<Command> sessions;
  /** The piece downloads in flight; null until the run exists. */
  private PieceDownloadActor.Downloads<Command> pieces;
  /** Pieces written and forced but not yet in the journal, and when the next entry may be made. */
  private final JournalPacer journal;
  /** True when the output digest waits for the resume check (pieces may be on disk already). */
  private boolean outputDigestAfterRecheck;
  private String finishingError;

  public static Behavior<Command> create(String id, Setup setup) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new DownloadActor(ctx, timers, id, setup)));
  }

  private DownloadActor(ActorContext<Command> context, TimerScheduler<Command> timers, String id, Setup setup) {
    super(PersistenceId.of("download", id),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(500), Duration.ofSeconds(30), 0.2));
    this.id = id;
    this.setup = setup;
    this.context = context;
    this.timers = timers;
    this.store = new DownloadStore(setup.dataDir());
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.journal = new JournalPacer(setup.journalInterval(), System::nanoTime);
    this.sessions = new ProviderSessionActor.Sessions<>(context, setup.circuits(), FromSource::new, SourceStopped::new);
    timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
  }

  @Override
  public DownloadState emptyState() {
    return new DownloadState();
  }

  @Override
  public CommandHandler<Command, DownloadEvent, DownloadState> commandHandler() {
    CommandHandler<Command, DownloadEvent, DownloadState> ended = ended();
    CommandHandler<Command, DownloadEvent, DownloadState> paused = paused();
    CommandHandler<Command, DownloadEvent, DownloadState> running = running();
    // one builder per phase: with several forState groups in one builder, pekko-persistence-typed
    // 1.7.0 reached only the last group's handlers (tried in a scratch program)
    return (state, command) -> switch (state.phase()) {
      case COMPLETE, CANCELLED, FAILED -> ended.apply(state, command);
      case PAUSED -> paused.apply(state, command);
      default -> running.apply(state, command);
    };
  }

  /**
   * COMPLETE, CANCELLED, FAILED: nothing more happens; the lifecycle commands show how it ended,
   * and whatever the run, its children or its timers still send is ignored.
   */
  private CommandHandler<Command, DownloadEvent, DownloadState> ended() {
    return anyPhase(newCommandHandlerBuilder().forState(s -> s.phase().ended())
        .onCommand(Lifecycle.class, (s, c) -> Effect().reply(c.replyTo(), view(s))))
        .onAnyCommand((s, c) -> Effect().none());
  }

  /**
   * PAUSED: no sessions (what they, the lookup and the run's timers still send is ignored);
   * pieces already handed to the writer still land and are journaled.
   */
  private CommandHandler<Command, DownloadEvent, DownloadState> paused() {
    return anyPhase(pieceAndJournalCommands(newCommandHandlerBuilder()
        .forState(s -> s.phase() == DownloadPhase.PAUSED)
        .onCommand(Resume.class, this::onResume)
        .onCommand(Cancel.class, this::onCancel)
        .onCommand(Lifecycle.class, (s, c) -> Effect().reply(c.replyTo(), view(s)))))
        .onAnyCommand((s, c) -> Effect().none());
  }

  /** STARTING, the journal's name for a download that runs (its run knows the live phase). */
  private CommandHandler<Command, DownloadEvent, DownloadState> running() {
    return anyPhase(pieceAndJournalCommands(newCommandHandlerBuilder()
        .forState(s -> s.phase() == DownloadPhase.STARTING)
        .onCommand(Start.class, this::onStart)
        .onCommand(Pause.class, this::onPause)
        .onCommand(Resume.class, (s, c) -> Effect().reply(c.replyTo(), view(s)))
        .onCommand(Cancel.class, this::onCancel)
        .onCommand(ProvidersFound.class, (s, c) -> whileRunning(() -> run.providersFound(c.providers(), c.error())))
        .onCommand(FromSource.class, (s, c) -> whileRunning(() -> run.onReport(c.report())))
        .onCommand(SourceStopped.class, (s, c) -> whileRunning(() -> run.onStopped(c.provider(), c.epoch())))
        .onCommand(Retry.class, (s, c) -> whileRunning(this::findProviders))
        .onCommand(Tick.class, (s, c) -> whileRunning(() -> run.tick())))).build();
  }

  /** What a running or paused download handles alike: the piece layer, piece downloads, the journal, the output. */
  private CommandHandlerBuilderByState<Command, DownloadEvent, DownloadState, DownloadState> pieceAndJournalCommands(
      CommandHandlerBuilderByState<Command, DownloadEvent, DownloadState, DownloadState> phase) {
    return phase.onCommand(LayerDone.class, this::onLayerDone)
        .onCommand(FromPiece.class, this::onFromPiece)
        .onCommand(JournalDue.class, this::onJournalDue)
        .onCommand(OutputDone.class, this::onOutputDone);
  }

  /** What every phase handles alike, after the phase's own commands (and before a phase's catch-all). */
  private CommandHandlerBuilderByState<Command, DownloadEvent, DownloadState, DownloadState> anyPhase(
      CommandHandlerBuilderByState<Command, DownloadEvent, DownloadState, DownloadState> phase) {
    return phase.onCommand(GetView.class, (s, c) -> Effect().reply(c.replyTo(), view(s)))
        .onCommand(Rechecked.class, this::onRechecked)
        .onCommand(PieceStopped.class, this::onPieceStopped);
  }

  @Override
  public EventHandler<DownloadState, DownloadEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(DownloadState::apply);
  }

  @Override
  public SignalHandler<DownloadState> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), state -> {
      if (state.started != null) {
        begin(state);
      }
    }).build();
  }

  private Effect<DownloadEvent, DownloadState> whileRunning(Runnable action) {
    if (run != null && run.running()) {
      action.run();
    }
    return Effect().none();
  }

  private Effect<DownloadEvent, DownloadState> onStart(DownloadState state, Start start) {
    if (state.started != null) {
      return Effect().reply(start.replyTo(), view(state));
    }
    ShareLink link = ShareLink.parse(start.link());
    try {
      store.writeLink(id, start.link());
    } catch (java.io.IOException e) {
      return Effect().persist(new DownloadEvent.DownloadFailed("cannot store the link: " + e.getMessage(),
          setup.clock().instant())).thenReply(start.replyTo(), this::view);
    }
    return Effect().persist(new DownloadEvent.DownloadStarted(id, link.infoHashHex(), start.outputPath(),
            start.hops(), setup.clock().instant()))
        .thenRun(this::begin)
        .thenReply(start.replyTo(), this::view);
  }

  /** Sets up the run from the journaled state: re-check recent pieces, then find providers. */
  private void begin(DownloadState state) {
    if (state.finished() || state.paused) {
      return;
    }
    ShareLink link;
    try {
      link = ShareLink.parse(store.readLink(id).orElseThrow(() -> new IllegalStateException("link file missing")));
    } catch (RuntimeException e) {
      context.getSelf().tell(new OutputDone(new PartFileActor.OutputDone(null, e)));
      return;
    }
    if (run == null) {
      run = new DownloadRun(new RunIo(), link, state, setup.settings(), setup.self(), setup.clock(),
          setup.random());
      // with the piece layer journaled, written pieces may be on disk, journaled or not
      outputDigestAfterRecheck = state.pieceLayer != null;
      partFile = context.spawn(PartFileActor.create(store, id, link, Path.of(state.started.outputPath()),
          run.pieceBuffers(), blocking, state.pieceLayer == null), "part-file");
      pieces = new PieceDownloadActor.Downloads<>(context, link.geometry().pieceCount(),
          context.messageAdapter(PieceDownloadActor.Report.class, FromPiece::new), partFile, PieceStopped::new);
    }
    run.setRunning(true);
    if (run.verifier() == null && state.pieceLayer != null) {
      run.useVerifier(new PieceVerifier(MerkleTree.fromPieceLayerBytes(link.geometry(), state.pieceLayer,
          link.piecesRoot().orElseThrow())));
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
      finish(state);
    } else {
      findProviders();
    }
  }

  private Effect<DownloadEvent, DownloadState> onRechecked(DownloadState state, Rechecked rechecked) {
    this.rechecked = true;
    PartFileActor.Rechecked r = rechecked.result();
    if (r.failure() != null) {
      context.getLog().warn("download {}: re-check failed: {}", id, r.failure().getMessage());
    }
    ResumeCheck found = ResumeCheck.of(r.bad(), r.recovered());
    if (!found.bad().isEmpty()) {
      context.getLog().warn("download {}: {} piece(s) damaged in the part file, fetching them again", id,
          found.bad().cardinality());
    }
    if (!found.recovered().isEmpty()) {
      context.getLog().info("download {}: {} piece(s) written before the stop found in the part file", id,
          found.recovered().cardinality());
    }
    return Effect().persist(found.events()).thenRun(s -> {
      if (run != null) {
        run.invalidated(found.bad());
        run.recovered(found.recovered());
        if (outputDigestAfterRecheck && s.verified.isEmpty()) {
          partFile.tell(PartFileActor.StartOutputDigest.INSTANCE);
        }
        outputDigestAfterRecheck = false;
      }
      if (!s.paused && !s.finished()) {
        findProvidersOrFinish(s);
      }
    });
  }

  /** Asks for providers (static list, or a DHT lookup through a circuit). */
  void findProviders() {
    if (run == null || !run.running()) {
      return;
    }
    run.lookingForProviders();
    if (!setup.staticProviders().isEmpty()) {
      context.getSelf().tell(new ProvidersFound(setup.staticProviders(), null));
      return;
    }
    sessions.lookUp(setup.lookups(), run.link().infoHash(), run.hops(), LOOKUP_TIMEOUT, setup.clock(),
        ProvidersFound::new);
  }

  private Effect<DownloadEvent, DownloadState> onLayerDone(DownloadState state, LayerDone done) {
    if (state.finished() || run == null) {
      return Effect().none();
    }
    return Effect().persist(new DownloadEvent.PieceLayerVerified(done.layer())).thenRun(s -> run.startPicking(s));
  }

  private Effect<DownloadEvent, DownloadState> onFromPiece(DownloadState state, FromPiece from) {
    if (state.finished() || run == null) {
      return Effect().none();
    }
    PieceDownloadActor.Report report = from.report();
    if (report instanceof PieceDownloadActor.BadBlock bad) {
      run.pieces().blockBad(bad.piece(), bad.index(), bad.source());
    } else if (report instanceof PieceDownloadActor.Assembled a) {
      run.pieces().pieceAssembled(a.piece());
    } else if (report instanceof PieceDownloadActor.LeavesFailed f) {
      run.pieces().leavesFailed(f.piece());
    } else if (report instanceof PieceDownloadActor.WriteFailed f) {
      return fail("cannot write the part file: " + f.failure().getMessage());
    } else if (report instanceof PieceDownloadActor.PieceWritten w) {
      return onPieceWritten(state, w.piece());
    }
    return Effect().none();
  }

  /**
   * A piece download stopped. If it had not written its piece (it failed, was killed, or gave
   * the piece up), the piece's blocks go back to the picker: that piece alone is fetched again.
   */
  private Effect<DownloadEvent, DownloadState> onPieceStopped(DownloadState state, PieceStopped stopped) {
    if (pieces != null) {
      pieces.stopped(stopped.piece(), stopped.ref());
    }
    if (!state.finished() && run != null) {
      run.pieces().pieceStopped(stopped.piece());
    }
    return Effect().none();
  }

  /**
   * A piece is written and forced: it waits for the next journal entry, which is made at most
   * every {@link Setup#journalInterval()} (at once when the download completes or is paused), so
   * a piece is always on disk before the {@code PiecesVerified} naming it is persisted.
   */
  private Effect<DownloadEvent, DownloadState> onPieceWritten(DownloadState state, int piece) {
    boolean complete = run.pieces().pieceWritten(piece);
    journal.written(List.of(piece));
    long wait = journal.waitNanos();
    if (complete || state.paused || wait <= 0) {
      return journalWritten(complete);
    }
    if (!timers.isTimerActive(JournalDue.INSTANCE)) {
      timers.startSingleTimer(JournalDue.INSTANCE, Duration.ofNanos(wait));
    }
    return Effect().none();
  }

  private Effect<DownloadEvent, DownloadState> onJournalDue(DownloadState state, JournalDue due) {
    if (state.finished() || !journal.hasWaiting()) {
      return Effect().none();
    }
    return journalWritten(false);
  }

  /**
   * Persists one {@code PiecesVerified} for every piece written since the last one; then
   * finishes if {@code complete}.
   */
  private Effect<DownloadEvent, DownloadState> journalWritten(boolean complete) {
    timers.cancel(JournalDue.INSTANCE);
    return Effect().persist(new DownloadEvent.PiecesVerified(journal.take())).thenRun(s -> {
      if (complete && !s.paused) {
        finish(s);
      }
    });
  }

  private void finish(DownloadState state) {
    run.finishing();
    pieces.stopAll();
    partFile.tell(new PartFileActor.Finish(setup.seedTo().isPresent(),
        context.messageAdapter(PartFileActor.OutputDone.class, OutputDone::new)));
  }

  private Effect<DownloadEvent, DownloadState> onOutputDone(DownloadState state, OutputDone output) {
    PartFileActor.OutputDone done = output.result();
    if (state.finished()) {
      return Effect().none();
    }
    if (done.failure() != null) {
      Throwable cause = done.failure().getCause() != null ? done.failure().getCause() : done.failure();
      return fail(cause.getMessage());
    }
    return Effect().persist(new DownloadEvent.DownloadCompleted(done.finished().sha256Hex(), done.finished().name(),
        setup.clock().instant())).thenRun(s -> {
          store.forgetLink(id);
          if (setup.seedTo().isEmpty()) {
            store.forgetLeaves(id); // only a seed serves from them
          }
          setup.seedTo().ifPresent(this::seed);
        });
  }

  /** Hands the completed download to the share catalogue (through the part-file actor, which owns its files). */
  private void seed(ActorRef<SharesActor.Command> shares) {
    if (run == null || run.verifier() == null) {
      store.forgetLeaves(id);
      return;
    }
    partFile.tell(new PartFileActor.Seed(shares, run.verifier().pieceLayerBytes()));
  }

  private Effect<DownloadEvent, DownloadState> fail(String reason) {
    context.getLog().warn("download {} failed: {}", id, reason);
    endRun();
    finishingError = reason;
    return Effect().persist(new DownloadEvent.DownloadFailed(reason, setup.clock().instant()));
  }

  private Effect<DownloadEvent, DownloadState> onPause(DownloadState state, Pause pause) {
    List<DownloadEvent> events = new ArrayList<>();
    if (journal.hasWaiting()) {
      events.add(new DownloadEvent.PiecesVerified(journal.take()));
      timers.cancel(JournalDue.INSTANCE);
    }
    events.add(new DownloadEvent.Paused(setup.clock().instant()));
    return Effect().persist(events).thenRun(s -> {
      if (run != null) {
        run.stopAll();
      }
      timers.cancel(Retry.INSTANCE);
    }).thenReply(pause.replyTo(), this::view);
  }

  private Effect<DownloadEvent, DownloadState> onResume(DownloadState state, Resume resume) {
    return Effect().persist(new DownloadEvent.Resumed(setup.clock().instant()))
        .thenRun(this::begin)
        .thenReply(resume.replyTo(), this::view);
  }

  private Effect<DownloadEvent, DownloadState> onCancel(DownloadState state, Cancel cancel) {
    return Effect().persist(new DownloadEvent.Cancelled(setup.clock().instant())).thenRun(s -> {
      endRun();
      timers.cancel(Retry.INSTANCE);
      store.delete(id);
    }).thenReply(cancel.replyTo(), this::view);
  }

  /** The download ends without an output (failure, cancel): its run, piece downloads and output digest stop. */
  private void endRun() {
    if (run != null) {
      run.end();
      pieces.stopAll();
      partFile.tell(PartFileActor.DiscardOutputDigest.INSTANCE);
    }
  }

  DownloadView view(DownloadState state) {
    return DownloadView.of(id, state, run, finishingError);
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
      context.getSelf().tell(new LayerDone(pieceLayer));
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
