package io.shroud.swarm.fetch;

import io.shroud.circuit.CircuitsActor;
import io.shroud.content.MerkleTree;
import io.shroud.content.ShareLink;
import io.shroud.dht.SignedRecord;
import io.shroud.identity.NodeId;
import io.shroud.lookup.RecordLookup;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.swarm.pick.PiecePicker;
import io.shroud.swarm.serve.SharesActor;
import io.shroud.swarm.transfer.ProviderKey;
import io.shroud.swarm.transfer.ProviderRecord;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.swarm.transfer.TransferMessage;
import io.shroud.swarm.transfer.TransferProtocolException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * ({@link DownloadFinisher#recover}), and only what is missing is fetched. The wire-level work
 * is in {@link DownloadRun}; this class is the journal, the commands and the I/O steps. Draft:
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

  record FromSource(ProviderSessionActor.Report report) implements Command {}

  record SourceStopped(NodeId provider, long epoch) implements Command {}

  record LayerDone(byte[] layer) implements Command {}

  /** A batch of pieces is on disk (forced), or writing it failed. */
  record PiecesWritten(List<Integer> pieces, Throwable failure) implements Command {}

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
  /** Verified pieces waiting for the part-file writer, and whether a write is running. */
  private final List<DownloadStore.PieceData> unwritten = new ArrayList<>();
  private boolean writing;
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
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Start.class, this::onStart)
        .onCommand(Pause.class, this::onPause)
        .onCommand(Resume.class, this::onResume)
        .onCommand(Cancel.class, this::onCancel)
        .onCommand(GetView.class, (s, c) -> Effect().reply(c.replyTo(), view(s)))
        .onCommand(Rechecked.class, this::onRechecked)
        .onCommand(ProvidersFound.class, (s, c) -> whileRunning(s, () -> run.providersFound(c.providers(), c.error())))
        .onCommand(FromSource.class, (s, c) -> whileRunning(s, () -> run.onReport(c.report())))
        .onCommand(SourceStopped.class, (s, c) -> whileRunning(s, () -> run.onStopped(c.provider(), c.epoch())))
        .onCommand(Retry.class, (s, c) -> whileRunning(s, this::findProviders))
        .onCommand(Tick.class, (s, c) -> whileRunning(s, () -> run.tick()))
        .onCommand(LayerDone.class, this::onLayerDone)
        .onCommand(PiecesWritten.class, this::onPiecesWritten)
        .onCommand(JournalDue.class, this::onJournalDue)
        .onCommand(OutputDone.class, this::onOutputDone)
        .onCommand(Seeded.class, this::onSeeded)
        .build();
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

  private Effect<DownloadEvent, DownloadState> whileRunning(DownloadState state, Runnable action) {
    if (run != null && run.running() && !state.finished() && !state.paused) {
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
    outputDigest = null;
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
          outputDigest = startOutputDigest(run.link(), Path.of(s.started.outputPath()), run.pieceBuffers());
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
    Set<NodeId> out = new LinkedHashSet<>();
    for (SignedRecord r : found.records()) {
      try {
        out.add(ProviderRecord.open(r, infoHash, setup.clock()).nodeId());
      } catch (TransferProtocolException e) {
        context.getLog().debug("ignoring a provider record: {}", e.getMessage());
      }
    }
    return new ProvidersFound(new ArrayList<>(out), found.error());
  }

  private Effect<DownloadEvent, DownloadState> onLayerDone(DownloadState state, LayerDone done) {
    if (state.finished() || run == null) {
      return Effect().none();
    }
    return Effect().persist(new DownloadEvent.PieceLayerVerified(done.layer())).thenRun(s -> run.startPicking(s));
  }

  /**
   * Queues a verified piece for the part file. Pieces are written in batches (group commit):
   * while one batch is being written and forced, the pieces verified meanwhile wait; the next
   * batch is written with one open, one force and then journaled as one {@code PiecesVerified}.
   * Under load this turns one fsync and one journal transaction per piece into one per batch;
   * a piece is still on disk before the {@code PiecesVerified} naming it is persisted.
   */
  void writePiece(int piece, long offset, byte[] data, byte[][] leafHashes) {
    unwritten.add(new DownloadStore.PieceData(piece, offset, data, leafHashes));
    if (!writing) {
      writeBatch();
    }
  }

  /**
   * Writes and forces the waiting pieces on the blocking dispatcher, then hashes them into the
   * output digest; each piece's array goes back to the run's {@link PieceBuffers} after both
   * (through the digest, which may keep it a while for an earlier piece). A failed write keeps
   * them from reuse: the download fails and they are left to the collector.
   */
  private void writeBatch() {
    List<DownloadStore.PieceData> batch = List.copyOf(unwritten);
    unwritten.clear();
    writing = true;
    List<Integer> pieces = batch.stream().map(DownloadStore.PieceData::piece).toList();
    OutputDigest digest = outputDigest;
    PieceBuffers buffers = run.pieceBuffers();
    context.pipeToSelf(CompletableFuture.runAsync(() -> {
      try {
        store.writePieces(id, batch);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      for (DownloadStore.PieceData p : batch) {
        if (digest != null) {
          digest.add(p.piece(), p.data());
        } else {
          buffers.give(p.data());
        }
      }
    }, blocking), (ok, failure) -> new PiecesWritten(pieces, failure));
  }

  private Effect<DownloadEvent, DownloadState> onPiecesWritten(DownloadState state, PiecesWritten w) {
    writing = false;
    if (state.finished()) {
      return Effect().none();
    }
    if (w.failure() != null) {
      return fail("cannot write the part file: " + w.failure().getMessage());
    }
    journal.written(w.pieces());
    boolean complete = false;
    for (int piece : w.pieces()) {
      complete |= run != null && run.pieceVerified(piece);
    }
    long wait = journal.waitNanos();
    if (complete || state.paused || wait <= 0) {
      return journalWritten(complete);
    }
    if (!timers.isTimerActive(JournalDue.INSTANCE)) {
      timers.startSingleTimer(JournalDue.INSTANCE, Duration.ofNanos(wait));
    }
    writeNextBatch();
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
   * finishes ({@code complete}) or writes what was verified meanwhile.
   */
  private Effect<DownloadEvent, DownloadState> journalWritten(boolean complete) {
    timers.cancel(JournalDue.INSTANCE);
    return Effect().persist(new DownloadEvent.PiecesVerified(journal.take())).thenRun(s -> {
      if (complete && !s.paused) {
        finish(s);
      } else {
        writeNextBatch();
      }
    });
  }

  private void writeNextBatch() {
    if (!unwritten.isEmpty() && !writing) {
      writeBatch();
    }
  }

  private void finish(DownloadState state) {
    run.finishing();
    ShareLink link = run.link();
    Path part = store.partFile(id);
    Path output = Path.of(state.started.outputPath());
    boolean keep = setup.seedTo().isPresent();
    OutputDigest digest = outputDigest;
    outputDigest = null;
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
    finishingError = reason;
    discardOutputDigest();
    return Effect().persist(new DownloadEvent.DownloadFailed(reason, setup.clock().instant()));
  }

  private Effect<DownloadEvent, DownloadState> onPause(DownloadState state, Pause pause) {
    if (state.finished() || state.paused) {
      return Effect().reply(pause.replyTo(), view(state));
    }
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
    if (state.finished() || !state.paused) {
      return Effect().reply(resume.replyTo(), view(state));
    }
    return Effect().persist(new DownloadEvent.Resumed(setup.clock().instant()))
        .thenRun(this::begin)
        .thenReply(resume.replyTo(), this::view);
  }

  private Effect<DownloadEvent, DownloadState> onCancel(DownloadState state, Cancel cancel) {
    if (state.finished()) {
      return Effect().reply(cancel.replyTo(), view(state));
    }
    return Effect().persist(new DownloadEvent.Cancelled(setup.clock().instant())).thenRun(s -> {
      if (run != null) {
        run.end();
      }
      timers.cancel(Retry.INSTANCE);
      discardOutputDigest();
      store.delete(id);
    }).thenReply(cancel.replyTo(), this::view);
  }

  DownloadView view(DownloadState state) {
    return DownloadView.of(id, state, run, finishingError);
  }

  /** The run's hands: sessions, piece writes, the journal. */
  private final class RunIo implements DownloadRun.Io {
    private final Map<NodeId, ActorRef<ProviderSessionActor.Command>> sessions = new LinkedHashMap<>();
    private ActorRef<ProviderSessionActor.Report> reports;

    @Override
    public void connect(NodeId provider, long epoch) {
      if (reports == null) {
        reports = context.messageAdapter(ProviderSessionActor.Report.class, FromSource::new);
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
    public void writePiece(int piece, long offset, byte[] data, byte[][] leafHashes) {
      DownloadActor.this.writePiece(piece, offset, data, leafHashes);
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
