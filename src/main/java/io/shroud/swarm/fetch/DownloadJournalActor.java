package io.shroud.swarm.fetch;

import io.shroud.content.Magnet;
import io.shroud.content.ShareLink;
import io.shroud.identity.NodeId;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.swarm.fetch.DownloadActor.Setup;
import io.shroud.swarm.serve.SharesActor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The journal side of a {@link DownloadActor}: its messages, the commands by phase, every {@link DownloadEvent}
 * it persists (start, pause, resume, cancel, failure, the verified piece layer, written pieces,
 * the resume re-check's findings, the completed output), recovery, and the {@link DownloadView}.
 * Written pieces are journaled through a {@link JournalPacer}: at most once per
 * {@link Setup#journalInterval()}, at once when the download completes or pauses, and always
 * after the piece is forced to the part file.
 *
 * <p>The live run is the subclass's ({@link DownloadActor}): its {@link DownloadRun}, sessions,
 * piece downloads, part-file actor and timers. This class asks it through the hooks below, after
 * an event is persisted or where the live run alone knows the answer; the messages only the live
 * run handles go straight to its handlers ({@link #runCommands}), with no hop through this class.
 */
abstract class DownloadJournalActor
    extends EventSourcedBehavior<DownloadJournalActor.Command, DownloadEvent, DownloadState> {

  // ---- the download's messages (a DownloadActor's protocol; DownloadActor.Start etc. name them too)

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

  /** Asks for the bitfield of verified pieces. */
  public record GetPieces(ActorRef<PieceMap> replyTo) implements Command {}

  record ProvidersFound(List<NodeId> providers, String error) implements Command {}

  record FromSource(SourceReport report) implements Command {}

  record SourceStopped(NodeId provider, long epoch) implements Command {}

  /** The verified piece layer is in its file (or could not be written). */
  record LayerDone(PartFileActor.LayerStored stored) implements Command {}

  /** What a piece download reports. */
  record FromPiece(PieceDownloadActor.Report report) implements Command {}

  /** A piece download stopped (written, given up, or failed). */
  record PieceStopped(int piece, ActorRef<PieceDownloadActor.Command> ref) implements Command {}

  /** The part-file actor's resume check: journaled pieces found damaged, and written pieces the journal missed. */
  record Rechecked(PartFileActor.Rechecked result) implements Command {}

  /** The journal interval has passed since the last entry: journal what was written since. */
  enum JournalDue implements Command { INSTANCE }

  record OutputDone(PartFileActor.OutputDone result) implements Command {}

  enum Retry implements Command { INSTANCE }

  /** The metadata phase verified the info dictionary of a bare magnet: {@code link} is what it stands for. */
  record MetadataVerified(ShareLink link) implements Command {}

  /** The live run's periodic check (stalled sources, more sources). */
  enum Tick implements Command { INSTANCE }


  final String id;
  final Setup setup;
  final ActorContext<Command> context;
  final TimerScheduler<Command> timers;
  final DownloadStore store;
  /** The node's metrics: downloads started, completed and failed, and the journal's write latency. */
  final NodeMetrics metrics;
  /** Pieces written and forced but not yet in the journal, and when the next entry may be made. */
  private final JournalPacer journal;
  private String finishingError;

  DownloadJournalActor(ActorContext<Command> context, TimerScheduler<Command> timers, String id, Setup setup) {
    super(PersistenceId.of("download", id),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(500), Duration.ofSeconds(30), 0.2));
    this.id = id;
    this.setup = setup;
    this.context = context;
    this.timers = timers;
    this.store = new DownloadStore(setup.dataDir());
    this.metrics = Metrics.get(context.getSystem());
    this.journal = new JournalPacer(setup.journalInterval(), System::nanoTime);
  }

  // The live run's hooks.

  /** The live run, or null before it is set up (the view shows it when there is one). */
  abstract DownloadRun run();

  /** The metadata phase of a bare magnet's download while it runs, else null (the view shows it). */
  abstract MetadataRun metadataRun();

  /** Sets up or resumes the live run from the journaled state (after a start, resume or recovery). */
  abstract void begin(DownloadState state);

  /** Adds the handlers of the live run's own messages (sessions, lookups, its timers) while it runs. */
  abstract CommandHandlerBuilderByState<Command, DownloadEvent, DownloadState, DownloadState> runCommands(
      CommandHandlerBuilderByState<Command, DownloadEvent, DownloadState, DownloadState> running);

  /** The piece layer is in its file and journaled: start picking pieces (after a re-check if pieces may be on disk). */
  abstract void layerStored(DownloadState state);

  /** A piece download's report other than written or failed to write (a bad block, assembled, leaves failed). */
  abstract void pieceProgress(PieceDownloadActor.Report report);

  /** {@code piece} is written and forced; true if it was the last one. */
  abstract boolean pieceWritten(int piece);

  /** A piece download stopped, in any phase. */
  abstract void pieceStopped(DownloadState state, PieceStopped stopped);

  /** The resume re-check's findings are journaled: go on (find providers, or finish). */
  abstract void afterRecheck(DownloadState state, ResumeCheck found);

  /** Every piece is journaled: produce the output. */
  abstract void finishRun(DownloadState state);

  /** The output is journaled as complete: hand it to {@code shares}. */
  abstract void seed(ActorRef<SharesActor.Command> shares);

  /** The pause is journaled: close the sessions. */
  abstract void pauseRun();

  /** The download ends without an output (failure, cancel): the run and everything it started stop. */
  abstract void endRun();

  /** The run's part-file actor, or null before the run was set up. */
  abstract ActorRef<PartFileActor.Command> partFile();

  /**
   * Deletes the download's files and the output's {@code .part} sibling (cancel), after every
   * write already handed to the part file: a write still in flight would otherwise create the part
   * file again after its deletion.
   */
  private void deleteFiles(Path output) {
    ActorRef<PartFileActor.Command> files = partFile();
    if (files != null) {
      files.tell(new PartFileActor.DeleteFiles(output));
    } else {
      store.delete(id, output);
    }
  }

  // The journal.

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
    return anyPhase(pieceAndJournalCommands(runCommands(newCommandHandlerBuilder()
        .forState(s -> s.phase() == DownloadPhase.STARTING)
        .onCommand(Start.class, this::onStart)
        .onCommand(Pause.class, this::onPause)
        .onCommand(Resume.class, (s, c) -> Effect().reply(c.replyTo(), view(s)))
        .onCommand(Cancel.class, this::onCancel)))).build();
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
        .onCommand(DownloadActor.GetPieces.class, (s, c) -> Effect().reply(c.replyTo(), pieces(s)))
        .onCommand(Rechecked.class, this::onRechecked)
        .onCommand(PieceStopped.class, (s, c) -> {
          pieceStopped(s, c);
          return Effect().none();
        });
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

  /**
   * Persists {@code events}; once written, the write's latency goes to the metrics (before any
   * other callback). Nothing to write (a re-check that found nothing) is not timed.
   */
  private EffectBuilder<DownloadEvent, DownloadState> persist(List<DownloadEvent> events) {
    if (events.isEmpty()) {
      return Effect().persist(events);
    }
    long start = System.nanoTime();
    return Effect().persist(events)
        .thenRun(s -> metrics.journalWrite(NodeMetrics.Journal.DOWNLOAD, System.nanoTime() - start));
  }

  private EffectBuilder<DownloadEvent, DownloadState> persist(DownloadEvent event) {
    return persist(List.of(event));
  }

  private Effect<DownloadEvent, DownloadState> onStart(DownloadState state, Start start) {
    if (state.started != null) {
      return Effect().reply(start.replyTo(), view(state));
    }
    // a bare magnet (info-hash only) is accepted: its metadata is fetched from the providers
    Magnet link = Magnet.parse(start.link());
    try {
      store.writeLink(id, start.link());
    } catch (java.io.IOException e) {
      return persist(new DownloadEvent.DownloadFailed("cannot store the link: " + e.getMessage(),
          setup.clock().instant())).thenRun(s -> metrics.downloadFailed()).thenReply(start.replyTo(), this::view);
    }
    return persist(new DownloadEvent.DownloadStarted(id, link.infoHashHex(), start.outputPath(),
            start.hops(), setup.clock().instant()))
        .thenRun(s -> metrics.downloadStarted())
        .thenRun(this::begin)
        .thenReply(start.replyTo(), this::view);
  }

  private Effect<DownloadEvent, DownloadState> onRechecked(DownloadState state, Rechecked rechecked) {
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
    return persist(found.events()).thenRun(s -> afterRecheck(s, found));
  }

  private Effect<DownloadEvent, DownloadState> onLayerDone(DownloadState state, LayerDone done) {
    if (state.finished() || run() == null) {
      return Effect().none();
    }
    PartFileActor.LayerStored stored = done.stored();
    if (stored.failure() != null) {
      return fail("cannot store the piece layer: " + stored.failure().getMessage());
    }
    return persist(new DownloadEvent.PieceLayerStored(stored.sha256())).thenRun(this::layerStored);
  }

  private Effect<DownloadEvent, DownloadState> onFromPiece(DownloadState state, FromPiece from) {
    if (state.finished() || run() == null) {
      return Effect().none();
    }
    PieceDownloadActor.Report report = from.report();
    if (report instanceof PieceDownloadActor.WriteFailed f) {
      return fail("cannot write the part file: " + f.failure().getMessage());
    } else if (report instanceof PieceDownloadActor.PieceWritten w) {
      return onPieceWritten(state, w.piece());
    }
    pieceProgress(report);
    return Effect().none();
  }

  /**
   * A piece is written and forced: it waits for the next journal entry, which is made at most
   * every {@link Setup#journalInterval()} (at once when the download completes or is paused), so
   * a piece is always on disk before the {@code PiecesVerified} naming it is persisted.
   */
  private Effect<DownloadEvent, DownloadState> onPieceWritten(DownloadState state, int piece) {
    boolean complete = pieceWritten(piece);
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
    return persist(new DownloadEvent.PiecesVerified(journal.take())).thenRun(s -> {
      if (complete && !s.paused) {
        finishRun(s);
      }
    });
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
    return persist(new DownloadEvent.DownloadCompleted(done.finished().sha256Hex(), done.finished().name(),
        setup.clock().instant())).thenRun(s -> {
          metrics.downloadCompleted();
          store.forgetLink(id);
          store.forgetLayer(id); // a seed writes its own copy from the layer it is handed
          boolean seeds = setup.seedTo().isPresent() && store.seeds(id); // not when started with "seed": false
          if (!seeds) {
            store.forgetLeaves(id); // only a seed serves from them
          }
          setup.seedTo().filter(catalogue -> seeds).ifPresent(this::seed);
        });
  }

  private Effect<DownloadEvent, DownloadState> fail(String reason) {
    context.getLog().warn("download {} failed: {}", id, reason);
    endRun();
    finishingError = reason;
    return persist(new DownloadEvent.DownloadFailed(reason, setup.clock().instant()))
        .thenRun(s -> metrics.downloadFailed());
  }

  private Effect<DownloadEvent, DownloadState> onPause(DownloadState state, Pause pause) {
    List<DownloadEvent> events = new ArrayList<>();
    if (journal.hasWaiting()) {
      events.add(new DownloadEvent.PiecesVerified(journal.take()));
      timers.cancel(JournalDue.INSTANCE);
    }
    events.add(new DownloadEvent.Paused(setup.clock().instant()));
    return persist(events).thenRun(s -> pauseRun()).thenReply(pause.replyTo(), this::view);
  }

  private Effect<DownloadEvent, DownloadState> onResume(DownloadState state, Resume resume) {
    return persist(new DownloadEvent.Resumed(setup.clock().instant()))
        .thenRun(this::begin)
        .thenReply(resume.replyTo(), this::view);
  }

  private Effect<DownloadEvent, DownloadState> onCancel(DownloadState state, Cancel cancel) {
    return persist(new DownloadEvent.Cancelled(setup.clock().instant())).thenRun(s -> {
      endRun();
      deleteFiles(Path.of(s.started.outputPath()));
    }).thenReply(cancel.replyTo(), this::view);
  }

  DownloadView view(DownloadState state) {
    return DownloadView.of(id, state, run(), metadataRun(), finishingError);
  }

  PieceMap pieces(DownloadState state) {
    DownloadRun run = run();
    int total = run != null ? run.link().geometry().pieceCount()
        : state.completed != null ? state.verified.length() : 0;
    return PieceMap.of(id, total, state.verified);
  }
}
