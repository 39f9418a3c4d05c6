package io.shroud.swarm.fetch;

import io.shroud.circuit.CircuitsActor;
import io.shroud.content.MerkleTree;
import io.shroud.content.ShareLink;
import io.shroud.identity.NodeId;
import io.shroud.lookup.RecordLookup;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.swarm.pick.PiecePicker;
import io.shroud.swarm.serve.SharesActor;
import io.shroud.swarm.transfer.ProviderKey;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.swarm.transfer.TransferMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
 * (picker, blocks); this class is the journal, the commands by phase and the I/O steps. Its
 * children: a {@link ProviderSessionActor} per source; a {@link PieceDownloadActor} per piece in
 * flight, which checks and assembles the piece's blocks (so their hashing runs beside this actor)
 * and hands the piece to the {@link PartFileWriterActor}, which writes and forces pieces in
 * batches. A piece download that stops before its piece is written (a failure, a kill) costs that
 * piece only: its blocks go back to the picker ({@link PieceFlow#abandoned}). Draft:
 * {@code docs/protocol.md (section 8)} §9.
 */
public final class DownloadActor
    extends EventSourcedBehavior<DownloadActor.Command, DownloadEvent, DownloadState> {

  public sealed interface Command {}

  /** Starts a fresh download (the parent validated the arguments). */
  public record Start(String link, String outputPath, int hops, ActorRef<DownloadView> replyTo) implements Command {}

  public record Pause(ActorRef<DownloadView> replyTo) implements Command {}

  public record Resume(ActorRef<DownloadView> replyTo) implements Command {}

  /** Cancels and deletes the part file. */
  public record Cancel(ActorRef<DownloadView> replyTo) implements Command {}

  public record GetView(ActorRef<DownloadView> replyTo) implements Command {}

  record ProvidersFound(List<NodeId> providers, String error) implements Command {}

  record FromSource(SourceReport report) implements Command {}

  record SourceStopped(NodeId provider, long epoch) implements Command {}

  record LayerDone(byte[] layer) implements Command {}

  /** What a piece download reports. */
  record FromPiece(PieceDownloadActor.Report report) implements Command {}

  /** A piece download stopped (written, given up, or failed). */
  record PieceStopped(int piece, ActorRef<PieceDownloadActor.Command> ref) implements Command {}

  /** The resume check: journaled pieces found damaged, and written pieces the journal missed. */
  private record Rechecked(BitSet bad, BitSet recovered, Throwable failure) implements Command {}

  /** The journal interval has passed since the last entry: journal what was written since. */
  private enum JournalDue implements Command { INSTANCE }

  private record OutputDone(DownloadFinisher.Finished finished, Throwable failure) implements Command {}

  private record Seeded(SharesActor.AddResult result) implements Command {}

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
  /** Bytes of verified pieces that may wait for an earlier one before the output digest gives up. */
  static final long OUTPUT_DIGEST_MAX_WAITING = 16L * 1024 * 1024;
  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(120);

  private final String id;
  private final Setup setup;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final DownloadStore store;
  private final Executor blocking;
  private DownloadRun run;
  private boolean rechecked;
  /** The running piece downloads, by piece; null where none runs. */
  private ActorRef<PieceDownloadActor.Command>[] pieces;
  private ActorRef<PieceDownloadActor.Report> pieceReports;
  /** Writes the pieces the piece downloads complete (group commit); null until the run exists. */
  private ActorRef<PartFileWriterActor.Command> writer;
  /** Pieces written and forced but not yet in the journal, and when the next entry may be made. */
  private final JournalPacer journal;
  /** True when the output digest waits for the resume check (pieces may be on disk already). */
  private boolean outputDigestAfterRecheck;
  /**
   * The output as it is produced while pieces are written (a download that started from its
   * first piece in this incarnation): a public share's SHA-256, or an encrypted share decrypted
   * into the output's {@code .part} sibling. Null otherwise: then the finished part file is read
   * (and decrypted) at the end.
   */
  private OutputDigest outputDigest;
  private String finishingError;
  /** Piece downloads started so far (each child's name is unique). */
  private long pieceDownloads;

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

  /** COMPLETE, CANCELLED, FAILED: nothing more happens; the lifecycle commands show how it ended. */
  private CommandHandler<Command, DownloadEvent, DownloadState> ended() {
    return anyPhase(newCommandHandlerBuilder().forState(s -> s.phase().ended())
        .onCommand(c -> c instanceof Start || c instanceof Pause || c instanceof Resume || c instanceof Cancel,
            (s, c) -> Effect().reply(replyTo(c), view(s)))
        .onCommand(c -> c instanceof ProvidersFound || c instanceof FromSource || c instanceof SourceStopped
            || c instanceof Retry || c instanceof Tick || c instanceof LayerDone || c instanceof FromPiece
            || c instanceof JournalDue || c instanceof OutputDone, (s, c) -> Effect().none()));
  }

  /** PAUSED: no sessions; pieces already handed to the writer still land and are journaled. */
  private CommandHandler<Command, DownloadEvent, DownloadState> paused() {
    return anyPhase(pieceAndJournalCommands(newCommandHandlerBuilder()
        .forState(s -> s.phase() == DownloadPhase.PAUSED)
        .onCommand(c -> c instanceof Start || c instanceof Pause, (s, c) -> Effect().reply(replyTo(c), view(s)))
        .onCommand(Resume.class, this::onResume)
        .onCommand(Cancel.class, this::onCancel)
        .onCommand(c -> c instanceof ProvidersFound || c instanceof FromSource || c instanceof SourceStopped
            || c instanceof Retry || c instanceof Tick, (s, c) -> Effect().none())));
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
        .onCommand(Tick.class, (s, c) -> whileRunning(() -> run.tick()))));
  }

  /** What a running or paused download handles alike: the piece layer, piece downloads, the journal, the output. */
  private CommandHandlerBuilderByState<Command, DownloadEvent, DownloadState, DownloadState> pieceAndJournalCommands(
      CommandHandlerBuilderByState<Command, DownloadEvent, DownloadState, DownloadState> phase) {
    return phase.onCommand(LayerDone.class, this::onLayerDone)
        .onCommand(FromPiece.class, this::onFromPiece)
        .onCommand(JournalDue.class, this::onJournalDue)
        .onCommand(OutputDone.class, this::onOutputDone);
  }

  /** What every phase handles alike, last in each phase's handler. */
  private CommandHandler<Command, DownloadEvent, DownloadState> anyPhase(
      CommandHandlerBuilderByState<Command, DownloadEvent, DownloadState, DownloadState> phase) {
    return phase.onCommand(GetView.class, (s, c) -> Effect().reply(c.replyTo(), view(s)))
        .onCommand(Rechecked.class, this::onRechecked)
        .onCommand(PieceStopped.class, this::onPieceStopped)
        .onCommand(Seeded.class, this::onSeeded)
        .build();
  }

  private static ActorRef<DownloadView> replyTo(Command lifecycle) {
    if (lifecycle instanceof Start c) {
      return c.replyTo();
    } else if (lifecycle instanceof Pause c) {
      return c.replyTo();
    } else if (lifecycle instanceof Resume c) {
      return c.replyTo();
    }
    return ((Cancel) lifecycle).replyTo();
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
    }).onSignal(org.apache.pekko.actor.typed.PostStop.instance(), state -> discardOutputDigest()).build();
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
      context.getSelf().tell(new OutputDone(null, e));
      return;
    }
    if (run == null) {
      run = new DownloadRun(new RunIo(), link, state, setup.settings(), setup.self(), setup.clock(),
          setup.random());
      if (state.pieceLayer == null) {
        outputDigest = startOutputDigest(link, Path.of(state.started.outputPath()), run.pieceBuffers());
      } else {
        outputDigestAfterRecheck = true; // written pieces may be on disk, journaled or not
      }
      writer = context.spawn(PartFileWriterActor.create(store, id, run.pieceBuffers(), outputDigest, blocking),
          "part-file-writer");
      pieceReports = context.messageAdapter(PieceDownloadActor.Report.class, FromPiece::new);
      @SuppressWarnings("unchecked")
      ActorRef<PieceDownloadActor.Command>[] refs = new ActorRef[run.link().geometry().pieceCount()];
      pieces = refs;
    }
    run.setRunning(true);
    if (run.verifier() == null && state.pieceLayer != null) {
      run.useVerifier(new PieceVerifier(MerkleTree.fromPieceLayerBytes(link.geometry(), state.pieceLayer,
          link.piecesRoot().orElseThrow())));
    }
    if (run.verifier() != null && !rechecked) {
      List<Integer> recent = new ArrayList<>(state.recent);
      BitSet journaled = (BitSet) state.verified.clone();
      PieceVerifier verifier = run.verifier();
      context.pipeToSelf(CompletableFuture.supplyAsync(() -> {
        try {
          return new BitSet[] {DownloadFinisher.recheck(store, id, verifier, recent),
              DownloadFinisher.recover(store, id, verifier, journaled)};
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }, blocking), (found, failure) -> found == null ? new Rechecked(null, null, failure)
          : new Rechecked(found[0], found[1], null));
      return;
    }
    findProvidersOrFinish(state);
  }

  /**
   * The output produced while pieces are written: a public share's SHA-256, an encrypted share
   * decrypted into its output's {@code .part} sibling (null if that file cannot be opened; the
   * part file is then decrypted at the end as before).
   */
  private OutputDigest startOutputDigest(ShareLink link, Path output, PieceBuffers buffers) {
    if (!link.encrypted()) {
      return new OutputDigest(link.geometry(), OUTPUT_DIGEST_MAX_WAITING, null, buffers::give);
    }
    try {
      return new OutputDigest(link.geometry(), OUTPUT_DIGEST_MAX_WAITING, DecryptingOutput.create(link, output),
          buffers::give);
    } catch (java.io.IOException | RuntimeException e) {
      context.getLog().debug("download {} decrypts at the end: {}", id, e.getMessage());
      return null;
    }
  }

  /** Drops what the output digest produced (cancel, failure, stop). */
  private void discardOutputDigest() {
    OutputDigest digest = outputDigest;
    useOutputDigest(null);
    if (digest != null) {
      CompletableFuture.runAsync(digest::discard, blocking);
    }
  }

  /** Every piece is on disk (e.g. a crash or pause hit between the last piece and the output): finish. */
  private void findProvidersOrFinish(DownloadState state) {
    if (run.verifier() != null && state.verified.cardinality() == run.link().geometry().pieceCount()) {
      finish(state);
    } else {
      findProviders();
    }
  }

  private Effect<DownloadEvent, DownloadState> onRechecked(DownloadState state, Rechecked r) {
    rechecked = true;
    if (r.failure() != null) {
      context.getLog().warn("download {}: re-check failed: {}", id, r.failure().getMessage());
    }
    List<DownloadEvent> events = new ArrayList<>();
    BitSet bad = r.bad() == null ? new BitSet() : r.bad();
    bad.stream().forEach(p -> events.add(new DownloadEvent.PieceInvalidated(p)));
    if (!bad.isEmpty()) {
      context.getLog().warn("download {}: {} piece(s) damaged in the part file, fetching them again", id,
          bad.cardinality());
    }
    BitSet recovered = r.recovered() == null ? new BitSet() : r.recovered();
    if (!recovered.isEmpty()) {
      events.add(new DownloadEvent.PiecesVerified(recovered.stream().toArray()));
      context.getLog().info("download {}: {} piece(s) written before the stop found in the part file", id,
          recovered.cardinality());
    }
    return Effect().persist(events).thenRun(s -> {
      if (run != null) {
        run.invalidated(bad);
        run.recovered(recovered);
        if (outputDigestAfterRecheck && s.verified.isEmpty()) {
          useOutputDigest(startOutputDigest(run.link(), Path.of(s.started.outputPath()), run.pieceBuffers()));
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
    byte[] infoHash = run.link().infoHash();
    int hops = run.hops();
    context.ask(RecordLookup.class, setup.lookups(), LOOKUP_TIMEOUT,
        replyTo -> new RecordLookupsActor.LookupRecord(ProviderKey.of(infoHash).toBytes(), hops, replyTo),
        (found, failure) -> found == null ? new ProvidersFound(List.of(), "provider lookup: " + failure.getMessage())
            : providers(found, infoHash));
  }

  private ProvidersFound providers(RecordLookup found, byte[] infoHash) {
    return new ProvidersFound(ProviderRecords.providers(found.records(), infoHash, setup.clock(),
        why -> context.getLog().debug("ignoring a provider record: {}", why)), found.error());
  }

  private Effect<DownloadEvent, DownloadState> onLayerDone(DownloadState state, LayerDone done) {
    if (state.finished() || run == null) {
      return Effect().none();
    }
    return Effect().persist(new DownloadEvent.PieceLayerVerified(done.layer())).thenRun(s -> run.startPicking(s));
  }

  /** Hands the output digest to the part-file writer too (null: none). */
  private void useOutputDigest(OutputDigest digest) {
    outputDigest = digest;
    if (writer != null) {
      writer.tell(new PartFileWriterActor.UseDigest(digest));
    }
  }

  /** Gives a block to its piece's download, starting one (watched) with the piece's first block. */
  void deliver(int piece, NodeId source, TransferMessage.Block block) {
    ActorRef<PieceDownloadActor.Command> ref = pieces[piece];
    if (ref == null) {
      PieceWork work = new PieceWork(piece, run.link().geometry(), run.verifier(), run.pieceBuffers());
      ref = context.spawn(PieceDownloadActor.create(work, run.link().geometry().pieceOffset(piece), pieceReports,
          writer), "piece-" + piece + "-" + (++pieceDownloads));
      context.watchWith(ref, new PieceStopped(piece, ref));
      pieces[piece] = ref;
    }
    ref.tell(new PieceDownloadActor.Arrived(source, block));
  }

  /** Stops every piece download (the download ends); their pieces are not asked for again. */
  private void stopPieces() {
    if (pieces == null) {
      return;
    }
    for (int p = 0; p < pieces.length; p++) {
      if (pieces[p] != null) {
        context.unwatch(pieces[p]);
        context.stop(pieces[p]);
        pieces[p] = null;
      }
    }
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
    if (pieces != null && pieces[stopped.piece()] == stopped.ref()) {
      pieces[stopped.piece()] = null;
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
    stopPieces();
    ShareLink link = run.link();
    Path part = store.partFile(id);
    Path output = Path.of(state.started.outputPath());
    boolean keep = setup.seedTo().isPresent();
    OutputDigest digest = outputDigest;
    useOutputDigest(null);
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> {
      try {
        return DownloadFinisher.finish(link, part, output, keep, digest);
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, blocking), OutputDone::new);
  }

  private Effect<DownloadEvent, DownloadState> onOutputDone(DownloadState state, OutputDone done) {
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
          setup.seedTo().ifPresent(shares -> seed(s, shares));
        });
  }

  private void seed(DownloadState state, ActorRef<SharesActor.Command> shares) {
    if (run == null || run.verifier() == null) {
      store.forgetLeaves(id);
      return;
    }
    ShareLink link = run.link();
    shares.tell(new SharesActor.AdoptDownload(Path.of(state.started.outputPath()),
        link.encrypted() ? store.partFile(id) : null, store.leavesFile(id), link.format(),
        run.verifier().pieceLayerBytes(), context.messageAdapter(SharesActor.AddResult.class, Seeded::new)));
  }

  private Effect<DownloadEvent, DownloadState> onSeeded(DownloadState state, Seeded seeded) {
    if (seeded.result() instanceof SharesActor.Refused r) {
      context.getLog().info("download {} is not seeded: {}", id, r.message());
      for (Path leftover : List.of(store.partFile(id), store.leavesFile(id))) {
        try {
          java.nio.file.Files.deleteIfExists(leftover);
        } catch (java.io.IOException e) {
          context.getLog().warn("cannot delete {}: {}", leftover, e.getMessage());
        }
      }
    } else {
      context.getLog().info("download {} completed and is now seeded", id);
    }
    return Effect().none();
  }

  private Effect<DownloadEvent, DownloadState> fail(String reason) {
    context.getLog().warn("download {} failed: {}", id, reason);
    if (run != null) {
      run.end();
    }
    stopPieces();
    finishingError = reason;
    discardOutputDigest();
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
      if (run != null) {
        run.end();
      }
      stopPieces();
      timers.cancel(Retry.INSTANCE);
      discardOutputDigest();
      store.delete(id);
    }).thenReply(cancel.replyTo(), this::view);
  }

  DownloadView view(DownloadState state) {
    return DownloadView.of(id, state, run, finishingError);
  }

  /** The run's hands: sessions, piece writes, the journal. */
  private final class RunIo implements DownloadIo {
    private final Map<NodeId, ActorRef<ProviderSessionActor.Command>> sessions = new LinkedHashMap<>();
    private ActorRef<SourceReport> reports;

    @Override
    public void connect(NodeId provider, long epoch) {
      if (reports == null) {
        reports = context.messageAdapter(SourceReport.class, FromSource::new);
      }
      ActorRef<ProviderSessionActor.Command> ref = context.spawn(ProviderSessionActor.create(provider, epoch,
          run.link().infoHash(), run.hops(), setup.circuits(), reports), "source-" + epoch);
      context.watchWith(ref, new SourceStopped(provider, epoch));
      sessions.put(provider, ref);
    }

    @Override
    public void send(NodeId provider, long epoch, TransferMessage message) {
      ActorRef<ProviderSessionActor.Command> ref = sessions.get(provider);
      if (ref != null) {
        ref.tell(new ProviderSessionActor.Send(message));
      }
    }

    @Override
    public void sendAll(NodeId provider, long epoch, List<TransferMessage> messages) {
      ActorRef<ProviderSessionActor.Command> ref = sessions.get(provider);
      if (ref != null && !messages.isEmpty()) {
        ref.tell(new ProviderSessionActor.SendAll(messages));
      }
    }

    @Override
    public void close(NodeId provider, long epoch) {
      ActorRef<ProviderSessionActor.Command> ref = sessions.remove(provider);
      if (ref != null) {
        context.unwatch(ref);
        ref.tell(ProviderSessionActor.Close.INSTANCE);
      }
    }

    @Override
    public void deliver(int piece, NodeId source, TransferMessage.Block block) {
      DownloadActor.this.deliver(piece, source, block);
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
