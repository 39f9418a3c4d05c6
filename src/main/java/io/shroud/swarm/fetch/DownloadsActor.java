package io.shroud.swarm.fetch;

import io.shroud.content.Magnet;
import io.shroud.content.ShareLink;
import io.shroud.content.ShareLinkException;
import io.shroud.serialization.ShroudSerializable;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The node's downloads: validates and starts them ({@code POST /shroud/v1/downloads}), lists
 * them, and forwards pause / resume / cancel. It journals only the ids of the downloads it
 * started ({@link DownloadRegistered}, persistence id {@code downloads|<node id>}); on start it
 * respawns every one of them, and each {@link DownloadActor} recovers its own state and carries
 * on (finished ones just answer views).
 */
public final class DownloadsActor
    extends EventSourcedBehavior<DownloadsActor.Command, DownloadsActor.DownloadRegistered, DownloadsActor.State> {

  public sealed interface Command {}

  /**
   * Starts a download of {@code link} into {@code outputPath} (absolute; its directory must
   * exist and no file may be there yet) through circuits of {@code hops} (null: the default).
   */
  public record StartDownload(String link, String outputPath, Integer hops, ActorRef<StartResult> replyTo)
      implements Command {}

  public record GetDownloads(ActorRef<List<DownloadView>> replyTo) implements Command {}

  /** Replies empty for an unknown id (404). */
  public record GetDownload(String id, ActorRef<Optional<DownloadView>> replyTo) implements Command {}

  /** Replies empty for an unknown id (404). */
  public record GetPieces(String id, ActorRef<Optional<PieceMap>> replyTo) implements Command {}

  public record Pause(String id, ActorRef<Optional<DownloadView>> replyTo) implements Command {}

  public record Resume(String id, ActorRef<Optional<DownloadView>> replyTo) implements Command {}

  public record Cancel(String id, ActorRef<Optional<DownloadView>> replyTo) implements Command {}

  /** A download's actor stopped for good (stopped from outside, or its restarts gave up). */
  private record DownloadStopped(String id, ActorRef<DownloadActor.Command> ref) implements Command {}

  private record Answer<T>(T value, ActorRef<T> replyTo) implements Command {
    void send() {
      replyTo.tell(value);
    }
  }

  /** The outcome of {@link StartDownload}. */
  public sealed interface StartResult {}

  public record Started(DownloadView download) implements StartResult {}

  /**
   * {@code status}: 400 bad link / path / hops, 409 output file exists or is taken, or (encrypted
   * share) a file is at {@code <output>.part}.
   */
  public record Rejected(int status, String message) implements StartResult {}

  /** A download was started under {@code id}. */
  public record DownloadRegistered(String id, String outputPath, Instant at) implements ShroudSerializable {}

  /** Download ids and output paths, in start order. */
  public static final class State {
    final LinkedHashMap<String, String> outputs = new LinkedHashMap<>();
  }

  static final Duration ASK = Duration.ofSeconds(10);

  private final ActorContext<Command> context;
  private final DownloadActor.Setup setup;
  private final Map<String, ActorRef<DownloadActor.Command>> children = new HashMap<>();

  public static Behavior<Command> create(DownloadActor.Setup setup) {
    return Behaviors.setup(ctx -> new DownloadsActor(ctx, setup));
  }

  private DownloadsActor(ActorContext<Command> context, DownloadActor.Setup setup) {
    super(PersistenceId.of("downloads", setup.self().toHex()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(500), Duration.ofSeconds(30), 0.2));
    this.context = context;
    this.setup = setup;
  }

  @Override
  public State emptyState() {
    return new State();
  }

  @Override
  public CommandHandler<Command, DownloadRegistered, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(StartDownload.class, this::onStart)
        .onCommand(GetDownloads.class, this::onGetDownloads)
        .onCommand(GetDownload.class, (s, c) -> forward(c.id(), c.replyTo(), DownloadActor.GetView::new))
        .onCommand(GetPieces.class, (s, c) -> forward(c.id(), c.replyTo(), PieceMap.class, DownloadActor.GetPieces::new))
        .onCommand(Pause.class, (s, c) -> forward(c.id(), c.replyTo(), DownloadActor.Pause::new))
        .onCommand(Resume.class, (s, c) -> forward(c.id(), c.replyTo(), DownloadActor.Resume::new))
        .onCommand(Cancel.class, (s, c) -> forward(c.id(), c.replyTo(), DownloadActor.Cancel::new))
        .onCommand(DownloadStopped.class, (s, stopped) -> {
          // a download never stops by itself: one that was stopped from outside (or whose
          // restarts gave up) comes back at once and recovers from its journal
          if (children.remove(stopped.id(), stopped.ref())) {
            context.getLog().warn("download {} stopped; recovering it from its journal", stopped.id());
            spawn(stopped.id());
          }
          return Effect().none();
        })
        .onCommand(Answer.class, (s, a) -> {
          a.send();
          return Effect().none();
        })
        .build();
  }

  @Override
  public EventHandler<State, DownloadRegistered> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, e) -> {
      state.outputs.put(e.id(), e.outputPath());
      return state;
    });
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> state.outputs.keySet().forEach(this::spawn))
        .build();
  }

  private ActorRef<DownloadActor.Command> spawn(String id) {
    return children.computeIfAbsent(id, k -> {
      // a download that throws restarts with backoff and recovers from its journal; watched, so
      // that one which stops for good is spawned again (DownloadStopped)
      ActorRef<DownloadActor.Command> child = context.spawn(Behaviors.supervise(DownloadActor.create(k, setup))
          .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(500), Duration.ofSeconds(30), 0.2)),
          "download-" + k);
      context.watchWith(child, new DownloadStopped(k, child));
      return child;
    });
  }

  private Effect<DownloadRegistered, State> onStart(State state, StartDownload start) {
    Optional<String> problem = Optional.empty();
    Magnet link = null;
    try {
      // a bare magnet (info-hash only) is accepted: the download fetches its metadata first
      link = Magnet.parse(start.link() == null ? "" : start.link().trim());
    } catch (ShareLinkException e) {
      problem = Optional.of("bad link: " + e.getMessage());
    }
    int hops = start.hops() == null ? setup.settings().defaultHops() : start.hops();
    if (problem.isEmpty() && link.shareLink().map(l -> l.geometry().length() == 0).orElse(false)) {
      problem = Optional.of("the share is empty: nothing to download");
    }
    if (problem.isEmpty() && (hops < 1 || hops > 4)) {
      problem = Optional.of("hops must be 1..4, got " + hops);
    }
    if (problem.isEmpty()) {
      problem = outputProblem(start.outputPath());
    }
    if (problem.isPresent()) {
      return Effect().reply(start.replyTo(), new Rejected(400, problem.get()));
    }
    Path output = Path.of(start.outputPath()).normalize();
    if (Files.exists(output, LinkOption.NOFOLLOW_LINKS) || state.outputs.containsValue(output.toString())) {
      return Effect().reply(start.replyTo(), new Rejected(409, "output file exists or is taken: " + output));
    }
    Path plain = OutputPart.of(output);
    if (link.shareLink().map(ShareLink::encrypted).orElse(false) && Files.exists(plain, LinkOption.NOFOLLOW_LINKS)) {
      // an encrypted share is decrypted into <output>.part: a file or link already there is
      // someone else's, and is neither written through, truncated nor deleted
      return Effect().reply(start.replyTo(), new Rejected(409, "a file is already at " + plain
          + ", where the download would write; remove it or choose another output"));
    }
    byte[] idBytes = new byte[8];
    setup.random().nextBytes(idBytes);
    String id = HexFormat.of().formatHex(idBytes);
    String text = start.link().trim();
    return Effect().persist(new DownloadRegistered(id, output.toString(), setup.clock().instant())).thenRun(s -> {
      ActorRef<DownloadActor.Command> child = spawn(id);
      ActorRef<StartResult> replyTo = start.replyTo();
      context.ask(DownloadView.class, child, ASK, r -> new DownloadActor.Start(text, output.toString(), hops, r),
          (view, failure) -> new Answer<StartResult>(view != null ? new Started(view)
              : new Rejected(500, "download did not start: " + failure.getMessage()), replyTo));
    });
  }

  private static Optional<String> outputProblem(String outputPath) {
    if (outputPath == null || outputPath.isBlank()) {
      return Optional.of("output path is required");
    }
    Path p;
    try {
      p = Path.of(outputPath);
    } catch (RuntimeException e) {
      return Optional.of("bad output path: " + e.getMessage());
    }
    if (!p.isAbsolute()) {
      return Optional.of("output path must be absolute: " + outputPath);
    }
    Path dir = p.normalize().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      return Optional.of("output directory does not exist: " + dir);
    }
    return Optional.empty();
  }

  private Effect<DownloadRegistered, State> forward(String id, ActorRef<Optional<DownloadView>> replyTo,
      Function<ActorRef<DownloadView>, DownloadActor.Command> command) {
    return forward(id, replyTo, DownloadView.class, command);
  }

  private <T> Effect<DownloadRegistered, State> forward(String id, ActorRef<Optional<T>> replyTo, Class<T> answer,
      Function<ActorRef<T>, DownloadActor.Command> command) {
    ActorRef<DownloadActor.Command> child = children.get(id);
    if (child == null) {
      return Effect().reply(replyTo, Optional.empty());
    }
    context.ask(answer, child, ASK, command::apply,
        (view, failure) -> new Answer<>(Optional.ofNullable(view), replyTo));
    return Effect().none();
  }

  private Effect<DownloadRegistered, State> onGetDownloads(State state, GetDownloads get) {
    List<ActorRef<DownloadActor.Command>> all = new ArrayList<>();
    state.outputs.keySet().forEach(id -> all.add(spawn(id)));
    context.spawnAnonymous(collector(all, get.replyTo()));
    return Effect().none();
  }

  /** Asks each download for its view and replies with all that answered within {@link #ASK}. */
  private static Behavior<Object> collector(List<ActorRef<DownloadActor.Command>> downloads,
      ActorRef<List<DownloadView>> replyTo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ActorRef<DownloadView> self = ctx.getSelf().narrow();
      downloads.forEach(d -> d.tell(new DownloadActor.GetView(self)));
      timers.startSingleTimer("timeout", ASK);
      List<DownloadView> views = new ArrayList<>();
      if (downloads.isEmpty()) {
        replyTo.tell(List.of());
        return Behaviors.stopped();
      }
      return Behaviors.receiveMessage(m -> {
        if (m instanceof DownloadView v) {
          views.add(v);
        }
        if (views.size() == downloads.size() || "timeout".equals(m)) {
          views.sort(Comparator.comparing(DownloadView::id));
          replyTo.tell(List.copyOf(views));
          return Behaviors.stopped();
        }
        return Behaviors.same();
      });
    }));
  }
}
