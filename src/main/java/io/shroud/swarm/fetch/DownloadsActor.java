package io.shroud.swarm.fetch;

import io.shroud.content.Folder;
import io.shroud.content.Magnet;
import io.shroud.content.ShareLink;
import io.shroud.serialization.ShroudSerializable;
import io.shroud.swarm.serve.SharesActor;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
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
    extends EventSourcedBehavior<DownloadsActor.Command, DownloadsActor.Event, DownloadsActor.State> {

  public sealed interface Command {}

  /**
   * Starts a download of {@code link} into {@code outputPath} (absolute; its directory must
   * exist and no file may be there yet) through circuits of {@code hops} (null: the default).
   */
  public record StartDownload(String link, String outputPath, Integer hops, byte[] metadata, String files,
      boolean seed, ActorRef<StartResult> replyTo) implements Command {
    public StartDownload(String link, String outputPath, Integer hops, ActorRef<StartResult> replyTo) {
      this(link, outputPath, hops, null, null, true, replyTo);
    }

    public StartDownload(String link, String outputPath, Integer hops, byte[] metadata, String files,
        ActorRef<StartResult> replyTo) {
      this(link, outputPath, hops, metadata, files, true, replyTo);
    }
  }

  public record GetDownloads(ActorRef<List<DownloadView>> replyTo) implements Command {}

  /** Replies empty for an unknown id (404). */
  public record GetDownload(String id, ActorRef<Optional<DownloadView>> replyTo) implements Command {}

  /** Replies empty for an unknown id (404). */
  public record GetPieces(String id, ActorRef<Optional<PieceMap>> replyTo) implements Command {}

  public record Pause(String id, ActorRef<Optional<DownloadView>> replyTo) implements Command {}

  public record Resume(String id, ActorRef<Optional<DownloadView>> replyTo) implements Command {}

  public record Cancel(String id, ActorRef<Optional<DownloadView>> replyTo) implements Command {}

  /** A bare magnet's download found that its metadata is a folder's. */
  private record FolderMetadata(DownloadActor.FolderFound found) implements Command {}

  /** Time to look for folders downloaded whole whose record is not seeded yet. */
  private enum SeedFolders implements Command { INSTANCE }

  /** A folder's file downloads answered: {@code complete} when every one is COMPLETE. */
  private record FolderChecked(String id, boolean complete) implements Command {}

  /** What the share catalogue said to a folder's record. */
  private record FolderSeeded(String id, SharesActor.AddResult result) implements Command {}

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

  /** What this actor journals. */
  public sealed interface Event extends ShroudSerializable permits DownloadRegistered, FolderRegistered, FilesSelected {}

  /** A download was started under {@code id}. */
  public record DownloadRegistered(String id, String outputPath, Instant at) implements Event {}

  /**
   * Download {@code id} is a folder's: its verified info dictionary, the directory it is written
   * to, the selected file numbers (from 1) and the hops of its files' circuits. Each selected
   * non-empty file is its own download, {@code <id>-<number>} ({@link FolderDownload}).
   */
  public record FolderRegistered(String id, String outputDir, byte[] infoDict, int[] files, int hops, Instant at)
      implements Event {}

  /** A bare magnet's download was asked for some files only ({@code files} as {@link FolderDownload#select} reads it). */
  public record FilesSelected(String id, String files) implements Event {}

  /** Download ids and output paths, in start order; the folder downloads among them; pending selections. */
  public static final class State {
    final LinkedHashMap<String, String> outputs = new LinkedHashMap<>();
    final Map<String, FolderRegistered> folders = new HashMap<>();
    final Map<String, String> selections = new HashMap<>();
  }

  static final Duration ASK = Duration.ofSeconds(10);

  private final ActorContext<Command> context;
  private final DownloadActor.Setup setup;
  private final Map<String, ActorRef<DownloadActor.Command>> children = new HashMap<>();
  private final ActorRef<DownloadActor.FolderFound> folderFound;
  private final FolderDownloads folders;
  private final DownloadStore store;
  /** Folders whose record was handed to the share catalogue since this actor started (it refuses a second). */
  private final java.util.Set<String> seeded = new java.util.HashSet<>();

  /** How often folders downloaded whole are looked for, to seed their records ({@link SharesActor.AdoptFolder}). */
  static final Duration SEED_FOLDERS = Duration.ofSeconds(5);

  public static Behavior<Command> create(DownloadActor.Setup setup) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      if (setup.seedTo().isPresent()) {
        timers.startTimerWithFixedDelay(SeedFolders.INSTANCE, SEED_FOLDERS);
      }
      return new DownloadsActor(ctx, setup);
    }));
  }

  private DownloadsActor(ActorContext<Command> context, DownloadActor.Setup setup) {
    super(PersistenceId.of("downloads", setup.self().toHex()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(500), Duration.ofSeconds(30), 0.2));
    this.context = context;
    this.setup = setup;
    this.folderFound = context.messageAdapter(DownloadActor.FolderFound.class, FolderMetadata::new);
    this.store = new DownloadStore(setup.dataDir());
    this.folders = new FolderDownloads(store);
  }

  @Override
  public State emptyState() {
    return new State();
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(StartDownload.class, this::onStart)
        .onCommand(GetDownloads.class, this::onGetDownloads)
        .onCommand(GetDownload.class, (s, c) -> forward(s, c.id(), c.replyTo(), DownloadActor.GetView::new))
        .onCommand(GetPieces.class, (s, c) -> forward(c.id(), c.replyTo(), PieceMap.class, DownloadActor.GetPieces::new))
        .onCommand(Pause.class, (s, c) -> forward(s, c.id(), c.replyTo(), DownloadActor.Pause::new))
        .onCommand(Resume.class, (s, c) -> forward(s, c.id(), c.replyTo(), DownloadActor.Resume::new))
        .onCommand(Cancel.class, (s, c) -> forward(s, c.id(), c.replyTo(), DownloadActor.Cancel::new))
        .onCommand(FolderMetadata.class, this::onFolderMetadata)
        .onCommand(SeedFolders.class, this::onSeedFolders)
        .onCommand(FolderChecked.class, this::onFolderChecked)
        .onCommand(FolderSeeded.class, (s, f) -> {
          if (f.result() instanceof SharesActor.Refused r && r.status() != 409) {
            seeded.remove(f.id()); // asked again at the next look
            context.getLog().info("folder download {} is not seeded yet: {}", f.id(), r.message());
          }
          return Effect().none();
        })
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
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, e) -> {
      if (e instanceof DownloadRegistered r) {
        state.outputs.put(r.id(), r.outputPath());
      } else if (e instanceof FolderRegistered f) {
        state.outputs.put(f.id(), f.outputDir());
        state.folders.put(f.id(), f);
        state.selections.remove(f.id());
      } else if (e instanceof FilesSelected f) {
        state.selections.put(f.id(), f.files());
      }
      return state;
    });
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> state.outputs.keySet().forEach(id -> {
          if (state.folders.containsKey(id)) {
            startFolder(state.folders.get(id));
          } else {
            spawn(id);
          }
        }))
        .build();
  }

  private ActorRef<DownloadActor.Command> spawn(String id) {
    return children.computeIfAbsent(id, k -> {
      // a download that throws restarts with backoff and recovers from its journal; watched, so
      // that one which stops for good is spawned again (DownloadStopped)
      ActorRef<DownloadActor.Command> child = context.spawn(Behaviors.supervise(DownloadActor.create(k, setup, folderFound))
          .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(500), Duration.ofSeconds(30), 0.2)),
          "download-" + k);
      context.watchWith(child, new DownloadStopped(k, child));
      return child;
    });
  }

  private Effect<Event, State> onStart(State state, StartDownload start) {
    StartCheck check = StartCheck.of(start.link(), start.hops(), setup.settings().defaultHops(), start.metadata(),
        start.files(), start.outputPath());
    if (check.problem() != null) {
      return Effect().reply(start.replyTo(), new Rejected(400, check.problem()));
    }
    Magnet link = check.link();
    int hops = check.hops();
    Folder folder = check.folder();
    BitSet selected = check.selected();
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
    ActorRef<StartResult> replyTo = start.replyTo();
    if (!start.seed()) {
      try {
        store.markNoSeed(id); // before the download exists: it can never complete unmarked
      } catch (java.io.IOException e) {
        return Effect().reply(replyTo, new Rejected(500, "cannot mark the download as not seeded: " + e.getMessage()));
      }
    }
    if (folder != null) {
      FolderRegistered f = new FolderRegistered(id, output.toString(), folder.infoBytes(),
          FolderDownload.numbers(selected), hops, setup.clock().instant());
      return Effect().persist(f).thenRun(s -> {
        startFolder(f);
        replyTo.tell(new Started(FolderDownload.view(id, folders.open(id, f.infoDict()), f.files(), f.outputDir(),
            Map.of())));
      });
    }
    String text = start.link().trim();
    List<Event> events = new ArrayList<>();
    events.add(new DownloadRegistered(id, output.toString(), setup.clock().instant()));
    if (start.files() != null && !start.files().isBlank()) {
      events.add(new FilesSelected(id, start.files()));
    }
    return Effect().persist(events).thenRun(s -> {
      ActorRef<DownloadActor.Command> child = spawn(id);
      context.ask(DownloadView.class, child, ASK, r -> new DownloadActor.Start(text, output.toString(), hops, r),
          (view, failure) -> new Answer<StartResult>(view != null ? new Started(view)
              : new Rejected(500, "download did not start: " + failure.getMessage()), replyTo));
    });
  }

  /**
   * A bare magnet's download learned that it fetches a folder: the folder is registered under
   * the same id, with the selection asked for at the start (all files if none, or if it does not
   * fit this folder), and that download's actor gives way to one per selected file.
   */
  private Effect<Event, State> onFolderMetadata(State state, FolderMetadata m) {
    DownloadActor.FolderFound found = m.found();
    String id = found.id();
    if (state.folders.containsKey(id) || !state.outputs.containsKey(id)) {
      return Effect().none();
    }
    Folder folder;
    try {
      folder = folders.open(id, found.info());
    } catch (RuntimeException e) {
      context.getLog().warn("download {}: the folder's dictionary cannot be read: {}", id, e.getMessage());
      return Effect().none();
    }
    BitSet selected;
    try {
      selected = FolderDownload.select(state.selections.get(id), folder.files().size());
    } catch (IllegalArgumentException e) {
      context.getLog().warn("download {}: {}; fetching every file", id, e.getMessage());
      selected = FolderDownload.select(null, folder.files().size());
    }
    FolderRegistered f = new FolderRegistered(id, state.outputs.get(id), folder.infoBytes(),
        FolderDownload.numbers(selected), found.hops(), setup.clock().instant());
    return Effect().persist(f).thenRun(s -> {
      ActorRef<DownloadActor.Command> metadataPhase = children.remove(id);
      if (metadataPhase != null) {
        context.stop(metadataPhase);
      }
      startFolder(f);
    });
  }

  /**
   * Seeding after a download covers a folder too: once every file of a folder downloaded whole
   * (all its files selected) is complete, and so adopted as a share, the folder's record follows,
   * so this node serves the folder's dictionary to downloaders of its link.
   */
  private Effect<Event, State> onSeedFolders(State state, SeedFolders tick) {
    for (FolderRegistered f : state.folders.values()) {
      if (seeded.contains(f.id())) {
        continue;
      }
      try {
        if (f.files().length != folders.open(f.id(), f.infoDict()).files().size()) {
          seeded.add(f.id()); // a part of a folder is seeded file by file only
          continue;
        }
      } catch (RuntimeException e) {
        continue;
      }
      Map<String, ActorRef<DownloadActor.Command>> files = folderChildren(f);
      String id = f.id();
      context.spawnAnonymous(ViewCollectorActor.collect(files, views -> new FolderChecked(id,
          views.size() == files.size() && views.values().stream().allMatch(v -> v.state().equals("COMPLETE"))),
          context.getSelf().narrow()));
    }
    return Effect().none();
  }

  private Effect<Event, State> onFolderChecked(State state, FolderChecked checked) {
    FolderRegistered f = state.folders.get(checked.id());
    if (!checked.complete() || f == null || !seeded.add(f.id()) || setup.seedTo().isEmpty() || !store.seeds(f.id())) {
      return Effect().none();
    }
    io.shroud.content.Folder folder = folders.open(f.id(), f.infoDict());
    context.ask(SharesActor.AddResult.class, setup.seedTo().get(), ASK,
        replyTo -> new SharesActor.AdoptFolder(f.infoDict(), Path.of(f.outputDir()), folder.key().orElse(null), replyTo),
        (result, failure) -> new FolderSeeded(f.id(), result != null ? result
            : new SharesActor.Refused(500, "no answer: " + failure.getMessage())));
    return Effect().none();
  }

  /**
   * Makes the folder's tree and empty files and starts (or, after a restart, wakes) the download
   * of each selected non-empty file ({@link FolderDownloads#prepare}); idempotent.
   */
  private void startFolder(FolderRegistered f) {
    for (FolderDownloads.FileStart file : folders.prepare(f.id(), f.infoDict(), f.files(), f.outputDir(),
        why -> context.getLog().warn("folder download {}: {}", f.id(), why))) {
      spawn(file.id()).tell(new DownloadActor.Start(file.link(), file.target().toString(), f.hops(),
          context.getSystem().ignoreRef()));
    }
  }

  /** The running downloads of {@code f}'s files; none when its dictionary cannot be opened (logged where it is). */
  private Map<String, ActorRef<DownloadActor.Command>> folderChildren(FolderRegistered f) {
    Map<String, ActorRef<DownloadActor.Command>> out = new LinkedHashMap<>();
    List<String> ids;
    try {
      ids = folders.fileIds(f.id(), f.infoDict(), f.files());
    } catch (RuntimeException e) {
      return out;
    }
    for (String id : ids) {
      if (children.containsKey(id)) {
        out.put(id, children.get(id));
      }
    }
    return out;
  }

  /**
   * Sends a download its command and replies with its view; for a folder, each of its files'
   * downloads gets the command and the reply is the folder's view.
   */
  private Effect<Event, State> forward(State state, String id, ActorRef<Optional<DownloadView>> replyTo,
      Function<ActorRef<DownloadView>, DownloadActor.Command> command) {
    FolderRegistered folder = state.folders.get(id);
    if (folder == null) {
      return forward(id, replyTo, DownloadView.class, command);
    }
    Folder opened;
    try {
      opened = folders.open(id, folder.infoDict());
    } catch (RuntimeException e) { // an encrypted folder whose link file (its key) is gone
      context.getLog().warn("folder download {}: {}", id, e.getMessage());
      return Effect().reply(replyTo, Optional.empty());
    }
    Map<String, ActorRef<DownloadActor.Command>> files = folderChildren(folder);
    ActorRef<DownloadView> ignore = context.getSystem().ignoreRef();
    files.values().forEach(child -> child.tell(command.apply(ignore)));
    // a child handles messages in order: the views asked for now show the command's effect
    context.spawnAnonymous(ViewCollectorActor.collect(files, views -> Optional.of(
        FolderDownload.view(id, opened, folder.files(), folder.outputDir(), views)), replyTo));
    return Effect().none();
  }

  private <T> Effect<Event, State> forward(String id, ActorRef<Optional<T>> replyTo, Class<T> answer,
      Function<ActorRef<T>, DownloadActor.Command> command) {
    ActorRef<DownloadActor.Command> child = children.get(id);
    if (child == null) {
      return Effect().reply(replyTo, Optional.empty());
    }
    context.ask(answer, child, ASK, command::apply,
        (view, failure) -> new Answer<>(Optional.ofNullable(view), replyTo));
    return Effect().none();
  }

  /** Every download in start order; a folder as one entry with its files. */
  private Effect<Event, State> onGetDownloads(State state, GetDownloads get) {
    Map<String, ActorRef<DownloadActor.Command>> all = new LinkedHashMap<>();
    for (String id : state.outputs.keySet()) {
      FolderRegistered f = state.folders.get(id);
      if (f != null) {
        all.putAll(folderChildren(f));
      } else {
        all.put(id, spawn(id));
      }
    }
    List<String> order = new ArrayList<>(state.outputs.keySet());
    Map<String, FolderRegistered> registered = Map.copyOf(state.folders);
    Map<String, Folder> opened = new HashMap<>();
    registered.forEach((id, f) -> {
      try {
        opened.put(id, folders.open(id, f.infoDict()));
      } catch (RuntimeException e) {
        context.getLog().warn("folder download {}: {}", id, e.getMessage());
      }
    });
    context.spawnAnonymous(ViewCollectorActor.collect(all, views -> {
      List<DownloadView> list = new ArrayList<>();
      for (String id : order) {
        if (registered.containsKey(id)) {
          if (!opened.containsKey(id)) {
            continue;
          }
          FolderRegistered f = registered.get(id);
          list.add(FolderDownload.view(id, opened.get(id), f.files(), f.outputDir(), views));
        } else if (views.containsKey(id)) {
          list.add(views.get(id));
        }
      }
      list.sort(Comparator.comparing(DownloadView::id));
      return List.copyOf(list);
    }, get.replyTo()));
    return Effect().none();
  }
}
