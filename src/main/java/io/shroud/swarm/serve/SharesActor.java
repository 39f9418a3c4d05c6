package io.shroud.swarm.serve;

import io.shroud.content.InfoDict;
import io.shroud.content.ShareBuilder;
import io.shroud.content.ShareLink;
import io.shroud.content.ShareMetadata;
import io.shroud.identity.NodeId;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.swarm.serve.ShareJournal.Event;
import io.shroud.swarm.serve.ShareJournal.ShareAdded;
import io.shroud.swarm.serve.ShareJournal.ShareRemoved;
import io.shroud.swarm.serve.ShareJournal.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The catalogue of what this node shares. Event-sourced ({@link ShareJournal}): a share's public
 * facts (info dict, the piece layer's SHA-256, source path and its fingerprint) are journaled;
 * its key, ciphertext and piece layer live in {@link ShareStore} files, written and forced before
 * the event. Hashing and encrypting run on the blocking-I/O dispatcher, never on the actor's
 * thread. A share whose source file changed since it was shared is reported stale and is not
 * served; so is one whose layer file is missing or damaged while it is rebuilt by hashing the
 * shared bytes again ({@link ShareStore#rebuildLayer}), and after, if they no longer match.
 */
public final class SharesActor
    extends EventSourcedBehavior<SharesActor.Command, ShareJournal.Event, ShareJournal.State> {

  public sealed interface Command {}

  /**
   * Share {@code path} (absolute); encrypted unless {@code publicShare}; {@code pieceLength} a
   * power of two from 16 KiB to 16 MiB, or 0 for the automatic choice.
   */
  public record AddShare(Path path, boolean publicShare, int pieceLength, ActorRef<AddResult> replyTo)
      implements Command {
    public AddShare(Path path, boolean publicShare, ActorRef<AddResult> replyTo) {
      this(path, publicShare, 0, replyTo);
    }
  }

  public record ListShares(ActorRef<List<ShareView>> replyTo) implements Command {}

  public record RemoveShare(String infoHashHex, ActorRef<Boolean> replyTo) implements Command {}

  /** Replies with the share, its metadata and data file, if it exists and is not stale. */
  public record GetServable(String infoHashHex, ActorRef<Optional<Servable>> replyTo) implements Command {}

  /**
   * Seeds a finished download: shares {@code output} under the link's own info-hash. For an
   * encrypted share {@code ciphertext} is the downloaded ciphertext (moved into the share store)
   * and the link's key is stored; for a public share {@code ciphertext} is null and the output is
   * served as is (the link must carry its name, {@code dn}). {@code leaves}, the download's leaf
   * hashes, moves into the share store when it exists (null or missing: the seed hashes pieces).
   */
  public record AdoptDownload(Path output, Path ciphertext, Path leaves, String link, byte[] pieceLayer,
      ActorRef<AddResult> replyTo) implements Command {}

  private record Built(AddShare request, ShareMetadata metadata, byte[] layerSha256,
      ShareFileCheck.Fingerprint fingerprint, Throwable failure) implements Command {}

  /** A lost or damaged layer file was rebuilt ({@code failure} null) or could not be. */
  private record LayerRebuilt(String infoHashHex, Throwable failure) implements Command {}

  /** A folder's files were hashed (or that failed). */
  private record FolderBuilt(AddShare request, FolderShares.Built built, Throwable failure) implements Command {}

  /**
   * The {@code .torrent} of a shared public folder (its info dictionary and its files' piece
   * layers), or with {@code hybrid} its hybrid v1+v2 {@code .torrent}
   * ({@link io.shroud.content.HybridFolderTorrent}, which reads every file, on the blocking
   * dispatcher); empty for an unknown hash, a share that is not a folder, or (logged) unreadable
   * layers or a file changed since it was shared.
   */
  public record FolderTorrent(String infoHashHex, boolean hybrid, ActorRef<Optional<byte[]>> replyTo)
      implements Command {
    public FolderTorrent(String infoHashHex, ActorRef<Optional<byte[]>> replyTo) {
      this(infoHashHex, false, replyTo);
    }
  }

  /**
   * A folder downloaded here whole: every member is already shared from under {@code dir} (each
   * file's download adopted it), so the folder's record is added too and this node serves the
   * folder's dictionary to downloaders of its link. {@code key} is an encrypted folder's key (its
   * key file is written), null for a public one. 409 unless every member is here.
   */
  public record AdoptFolder(byte[] infoDict, Path dir, io.shroud.content.ShareKey key, ActorRef<AddResult> replyTo)
      implements Command {}

  /** The outcome of {@link AddShare}: the share, or a refusal with an HTTP-like status. */
  public sealed interface AddResult {}

  public record Added(ShareView share) implements AddResult {}

  /** {@code status} is 400 for a bad path, 409 for a duplicate, 500 when building failed. */
  public record Refused(int status, String message) implements AddResult {}

  /**
   * A share ready to serve pieces from: its bytes, and the leaf hashes written when it was shared
   * or downloaded ({@link ShareStore}; that file may be missing or damaged: then pieces are hashed).
   */
  public record Servable(ShareMetadata metadata, Path dataFile, Path leavesFile, byte[] folderInfo) {
    public Servable(ShareMetadata metadata, Path dataFile, Path leavesFile) {
      this(metadata, dataFile, leavesFile, null);
    }

    /** A folder's record: it serves its info dictionary (metadata exchange) and no pieces. */
    static Servable folder(byte[] info) {
      return new Servable(null, null, null, info);
    }

    public boolean isFolder() {
      return folderInfo != null;
    }
  }

  private final ActorContext<Command> context;
  private final ShareStore store;
  private final ShareBuilder builder;
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final Executor blocking;
  private final Set<Path> building = new HashSet<>();
  private final LoadedShares loaded;
  /** Inline layers met while recovering an older journal or snapshot, written to files when recovery completes. */
  private final Map<String, byte[]> inlineLayers = new HashMap<>();
  private final NodeMetrics metrics;
  private final FolderShares folders;

  public static Behavior<Command> create(NodeId nodeId, Path dataDir, Clock clock) {
    return Behaviors.setup(ctx -> new SharesActor(ctx, nodeId, new ShareStore(dataDir), clock));
  }

  private SharesActor(ActorContext<Command> context, NodeId nodeId, ShareStore store, Clock clock) {
    super(PersistenceId.of("shares", nodeId.toHex()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(500), Duration.ofSeconds(30), 0.2));
    this.context = context;
    this.store = store;
    this.loaded = new LoadedShares(store);
    this.folders = new FolderShares(store);
    this.builder = new ShareBuilder(random);
    this.clock = clock;
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.metrics = Metrics.get(context.getSystem());
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  /** Snapshots from before layer files ({@link ShareJournal.LegacyState}) are read as today's state. */
  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        return state;
      }

      @Override
      public State fromJournal(Object from) {
        return from instanceof ShareJournal.LegacyState legacy ? legacy.current(inlineLayers::put) : (State) from;
      }
    };
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(AddShare.class, this::onAddShare)
        .onCommand(Built.class, this::onBuilt)
        .onCommand(ListShares.class, this::onListShares)
        .onCommand(RemoveShare.class, this::onRemoveShare)
        .onCommand(GetServable.class, this::onGetServable)
        .onCommand(AdoptDownload.class, this::onAdoptDownload)
        .onCommand(LayerRebuilt.class, this::onLayerRebuilt)
        .onCommand(FolderBuilt.class, this::onFolderBuilt)
        .onCommand(FolderTorrent.class, this::onFolderTorrent)
        .onCommand(AdoptFolder.class, this::onAdoptFolder)
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, e) -> state.apply(e, inlineLayers::put));
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          writeInlineLayers(state);
          metrics.shares(state.shares().size());
        })
        .build();
  }

  /**
   * Writes the layers an older journal or snapshot held inline to their files, where a valid one
   * is not there yet, before anything new is journaled (so before any snapshot drops them). Once,
   * at recovery, on this thread: at most a few 256 KiB files.
   */
  private void writeInlineLayers(State state) {
    for (Map.Entry<String, byte[]> e : inlineLayers.entrySet()) {
      ShareAdded s = state.shares().get(e.getKey());
      try {
        if (s != null && loaded.writeInline(s, e.getValue())) {
          context.getLog().info("share {}: piece layer moved from the journal to its file", e.getKey());
        }
      } catch (java.io.IOException ex) {
        context.getLog().warn("share {}: cannot write its piece layer file: {}", e.getKey(), ex.getMessage());
      }
    }
    inlineLayers.clear();
  }

  /**
   * Persists {@code event}; once it is written, the write's latency and the number of shares go
   * to the node's metrics (before the caller's own callbacks).
   */
  private EffectBuilder<Event, State> persist(Event event) {
    return persist(List.of(event));
  }

  /** Persists {@code events} in one write, timed and counted as {@link #persist(Event)} says. */
  private EffectBuilder<Event, State> persist(List<Event> events) {
    long start = System.nanoTime();
    return Effect().persist(events).thenRun(s -> {
      metrics.journalWrite(NodeMetrics.Journal.SHARES, System.nanoTime() - start);
      metrics.shares(s.shares().size());
    });
  }

  private Effect<Event, State> onAddShare(State state, AddShare cmd) {
    Path path = cmd.path().normalize();
    if (path.isAbsolute() && Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return onAddFolder(state, cmd, path);
    }
    Optional<String> problem = ShareFileCheck.problem(path);
    if (problem.isPresent()) {
      return Effect().reply(cmd.replyTo(), new Refused(400, problem.get()));
    }
    if (building.contains(path) || sharedAlready(state, path, cmd.publicShare())) {
      return Effect().reply(cmd.replyTo(), new Refused(409,
          "already shared" + (cmd.publicShare() ? " publicly" : " encrypted") + ": " + path));
    }
    building.add(path);
    Path temp = cmd.publicShare() ? null : store.newTempData();
    Path leaves = store.newTempLeaves();
    CompletableFuture<Built> work = CompletableFuture.supplyAsync(() -> build(cmd, path, temp, leaves), blocking);
    context.pipeToSelf(work, (built, failure) ->
        failure == null ? built : new Built(cmd, null, null, null, failure));
    return Effect().none();
  }

  private Effect<Event, State> onAddFolder(State state, AddShare cmd, Path dir) {
    if (building.contains(dir) || sharedAlready(state, dir, cmd.publicShare())) {
      return Effect().reply(cmd.replyTo(), new Refused(409,
          "already shared" + (cmd.publicShare() ? " publicly" : " encrypted") + ": " + dir));
    }
    building.add(dir);
    CompletableFuture<FolderShares.Built> work = CompletableFuture.supplyAsync(() -> {
      try {
        return FolderShares.build(store, builder, dir, cmd.pieceLength(), !cmd.publicShare(), random);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, blocking);
    context.pipeToSelf(work, (built, failure) -> new FolderBuilt(cmd, built,
        failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : failure));
    return Effect().none();
  }

  private Effect<Event, State> onFolderBuilt(State state, FolderBuilt b) {
    Path dir = b.request().path().normalize();
    building.remove(dir);
    if (b.failure() != null) {
      context.getLog().warn("sharing folder {} failed: {}", dir, b.failure().getMessage());
      return Effect().reply(b.request().replyTo(), new Refused(
          b.failure() instanceof IllegalArgumentException ? 400 : 500,
          "cannot share " + dir + ": " + b.failure().getMessage()));
    }
    String hash = b.built().folder().infoHashHex();
    if (state.shares().containsKey(hash)) {
      return Effect().reply(b.request().replyTo(), new Refused(409, "already shared: " + hash));
    }
    b.built().members().forEach(m -> loaded.put(m.metadata()));
    List<Event> events = FolderShares.events(b.built(), state.shares(), clock.instant());
    context.getLog().info("sharing folder {} ({} files) as {}", dir.getFileName(),
        b.built().folder().files().size(), hash);
    return persist(events).thenReply(b.request().replyTo(), s -> new Added(view(s, s.shares().get(hash))));
  }

  private Effect<Event, State> onAdoptFolder(State state, AdoptFolder cmd) {
    io.shroud.content.Folder folder;
    try {
      folder = io.shroud.content.Folder.parse(cmd.infoDict(), cmd.key());
    } catch (IllegalArgumentException e) {
      return Effect().reply(cmd.replyTo(), new Refused(400, "not a folder's dictionary: " + e.getMessage()));
    }
    String hash = folder.infoHashHex();
    if (state.shares().containsKey(hash)) {
      return Effect().reply(cmd.replyTo(), new Refused(409, "already shared: " + hash));
    }
    Path dir = cmd.dir().normalize();
    if (!FolderShares.allMembersUnder(folder, state.shares(), dir)) {
      return Effect().reply(cmd.replyTo(), new Refused(409, "not every file of the folder is shared from " + dir));
    }
    if (cmd.key() != null) {
      try {
        store.writeKey(hash, cmd.key());
      } catch (java.io.IOException e) {
        return Effect().reply(cmd.replyTo(), new Refused(500, "cannot store the folder's key: " + e.getMessage()));
      }
    }
    ShareAdded event = new ShareAdded(hash, dir.toString(), !folder.encrypted(), folder.infoBytes(), new byte[32],
        folder.totalLength(), 0, clock.instant());
    context.getLog().info("seeding the downloaded folder {} as {}", dir.getFileName(), hash);
    return persist(event).thenReply(cmd.replyTo(), s -> new Added(view(s, event)));
  }

  private Effect<Event, State> onFolderTorrent(State state, FolderTorrent cmd) {
    ShareAdded s = state.shares().get(cmd.infoHashHex());
    Optional<io.shroud.content.Folder> folder = s == null ? Optional.empty() : folders.folderOf(s);
    if (folder.isEmpty() || folder.get().encrypted()) {
      return Effect().reply(cmd.replyTo(), Optional.empty());
    }
    byte[] v2;
    try {
      v2 = FolderShares.torrent(folder.get(), store, state.shares());
    } catch (PieceLayerFile.Unusable e) {
      context.getLog().warn("folder {}: no .torrent: {}", cmd.infoHashHex(), e.getMessage());
      return Effect().reply(cmd.replyTo(), Optional.empty());
    }
    if (!cmd.hybrid()) {
      return Effect().reply(cmd.replyTo(), Optional.of(v2));
    }
    // the v1 piece hashes take a pass over every file: off the actor's thread, replying from there
    Path dir = Path.of(s.sourcePath());
    org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SharesActor.class);
    CompletableFuture.supplyAsync(() -> FolderShares.hybridTorrent(folder.get(), dir, v2), blocking)
        .whenComplete((torrent, failure) -> {
          if (failure != null) {
            log.warn("folder {}: no hybrid .torrent: {}", cmd.infoHashHex(), FolderShares.rootCause(failure).getMessage());
          }
          cmd.replyTo().tell(Optional.ofNullable(torrent));
        });
    return Effect().none();
  }

  private Built build(AddShare cmd, Path path, Path temp, Path leaves) {
    try {
      FileShares.Result r = FileShares.build(store, builder, path, cmd.publicShare(), cmd.pieceLength(), temp, leaves);
      return new Built(cmd, r.metadata(), r.layerSha256(), r.fingerprint(), null);
    } catch (Exception e) {
      return new Built(cmd, null, null, null, e);
    }
  }

  private Effect<Event, State> onBuilt(State state, Built b) {
    Path path = b.request().path().normalize();
    building.remove(path);
    if (b.failure() != null) {
      context.getLog().warn("sharing {} failed: {}", path, b.failure().getMessage());
      return Effect().reply(b.request().replyTo(), new Refused(
          b.failure() instanceof IllegalArgumentException ? 400 : 500,
          "cannot share " + path + ": " + b.failure().getMessage()));
    }
    ShareMetadata m = b.metadata();
    if (state.shares().containsKey(m.infoHashHex())) {
      return Effect().reply(b.request().replyTo(), new Refused(409, "already shared: " + m.infoHashHex()));
    }
    ShareAdded event = new ShareAdded(m.infoHashHex(), path.toString(), b.request().publicShare(),
        m.info().encode(), b.layerSha256(), b.fingerprint().size(),
        b.fingerprint().modifiedMillis(), clock.instant());
    loaded.put(m);
    context.getLog().info("sharing {} as {}", path.getFileName(), m.infoHashHex());
    return persist(event)
        .thenReply(b.request().replyTo(), s -> new Added(view(s, event)));
  }

  private Effect<Event, State> onAdoptDownload(State state, AdoptDownload cmd) {
    ShareLink link = ShareLink.parse(cmd.link());
    Optional<InfoDict> info = link.infoDict();
    Optional<ShareFileCheck.Fingerprint> fingerprint = ShareFileCheck.fingerprint(cmd.output());
    if (info.isEmpty() || fingerprint.isEmpty()) {
      return Effect().reply(cmd.replyTo(), new Refused(400, info.isEmpty()
          ? "a public link without a name cannot be seeded" : "downloaded file is gone: " + cmd.output()));
    }
    if (state.shares().containsKey(link.infoHashHex())) {
      return Effect().reply(cmd.replyTo(), new Refused(409, "already shared: " + link.infoHashHex()));
    }
    byte[] layerSha;
    try {
      if (link.encrypted()) {
        store.adoptData(cmd.ciphertext(), link.infoHashHex());
        store.writeKey(link.infoHashHex(), link.key().orElseThrow());
      }
      if (cmd.leaves() != null && Files.exists(cmd.leaves())) {
        store.adoptLeaves(cmd.leaves(), link.infoHashHex());
      }
      layerSha = store.writeLayer(link.infoHashHex(), cmd.pieceLayer());
    } catch (java.io.IOException e) {
      return Effect().reply(cmd.replyTo(), new Refused(500, "cannot adopt the download: " + e.getMessage()));
    }
    loaded.forget(link.infoHashHex());
    ShareAdded event = new ShareAdded(link.infoHashHex(), cmd.output().toString(), !link.encrypted(),
        info.get().encode(), layerSha, fingerprint.get().size(), fingerprint.get().modifiedMillis(),
        clock.instant());
    return persist(event).thenReply(cmd.replyTo(), s -> new Added(view(s, event)));
  }

  private Effect<Event, State> onListShares(State state, ListShares cmd) {
    List<ShareView> views = new ArrayList<>();
    Map<String, String> memberOf = folders.memberships(state.shares());
    for (ShareAdded s : state.shares().values()) {
      views.add(view(state, s, memberOf));
    }
    views.sort(Comparator.comparing(ShareView::addedAt).thenComparing(ShareView::infoHash));
    return Effect().reply(cmd.replyTo(), views);
  }

  private Effect<Event, State> onRemoveShare(State state, RemoveShare cmd) {
    ShareAdded removed = state.shares().get(cmd.infoHashHex());
    if (removed == null) {
      return Effect().reply(cmd.replyTo(), false);
    }
    // a folder goes with the members shared from under its directory
    List<String> hashes = new ArrayList<>(folders.folderOf(removed)
        .map(f -> FolderShares.members(f, removed, state.shares())).orElse(List.of()));
    hashes.add(cmd.infoHashHex());
    hashes.forEach(loaded::forget);
    List<Event> events = new ArrayList<>();
    hashes.forEach(h -> events.add(new ShareRemoved(h)));
    return persist(events)
        .thenRun(s -> hashes.forEach(store::delete))
        .thenReply(cmd.replyTo(), s -> true);
  }

  private Effect<Event, State> onGetServable(State state, GetServable cmd) {
    ShareAdded s = state.shares().get(cmd.infoHashHex());
    if (s == null || staleness(state, s).isPresent()) {
      return Effect().reply(cmd.replyTo(), Optional.empty());
    }
    if (folders.folderOf(s).isPresent()) {
      return Effect().reply(cmd.replyTo(), Optional.of(Servable.folder(s.infoDict())));
    }
    ShareMetadata m = loaded.get(s.infoHashHex());
    return Effect().reply(cmd.replyTo(), Optional.of(new Servable(m, m.dataFile(), store.leavesFile(s.infoHashHex()))));
  }

  private Effect<Event, State> onLayerRebuilt(State state, LayerRebuilt r) {
    Throwable cause = r.failure() != null && r.failure().getCause() != null ? r.failure().getCause() : r.failure();
    loaded.rebuilt(r.infoHashHex(), cause).ifPresentOrElse(
        why -> context.getLog().warn("share {}: {}", r.infoHashHex(), why),
        () -> context.getLog().info("share {}: piece layer file rebuilt from the shared bytes", r.infoHashHex()));
    return Effect().none();
  }

  private static boolean sharedAlready(State state, Path path, boolean publicShare) {
    String p = path.toString();
    return state.shares().values().stream()
        .anyMatch(s -> s.sourcePath().equals(p) && s.publicShare() == publicShare);
  }

  /** Why the share is not served: its file changed or vanished, or its piece layer is not usable; for a folder, a member's. */
  private Optional<String> staleness(State state, ShareAdded s) {
    Optional<io.shroud.content.Folder> folder = folders.folderOf(s);
    return folder.isPresent() ? FolderShares.staleness(folder.get(), s, state.shares(), this::staleness)
        : staleness(s);
  }

  private Optional<String> staleness(ShareAdded s) {
    Optional<String> changed = ShareFileCheck.staleness(Path.of(s.sourcePath()),
        new ShareFileCheck.Fingerprint(s.sourceSize(), s.sourceModifiedMillis()));
    return changed.isPresent() ? changed : layer(s);
  }

  /** Empty if the share's piece layer is loaded; otherwise why not (a lost layer file starts its rebuild). */
  private Optional<String> layer(ShareAdded s) {
    return loaded.problem(s, job -> {
      context.getLog().warn("share {}: piece layer file missing or damaged; rebuilding it from the shared bytes",
          s.infoHashHex());
      context.pipeToSelf(CompletableFuture.supplyAsync(() -> {
        try {
          return job.call();
        } catch (Exception e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      }, blocking), (ok, failure) -> new LayerRebuilt(s.infoHashHex(), failure));
    });
  }

  private ShareView view(State state, ShareAdded s) {
    return view(state, s, folders.memberships(state.shares()));
  }

  /** {@code memberOf}: the folder each member share belongs to ({@link FolderShares#memberships}). */
  private ShareView view(State state, ShareAdded s, Map<String, String> memberOf) {
    Optional<String> stale = staleness(state, s);
    Optional<io.shroud.content.Folder> folder = folders.folderOf(s);
    return folder.isPresent() ? ShareView.ofFolder(s, folder.get(), stale)
        : ShareView.ofFile(s, loaded.link(s), stale, memberOf.get(s.infoHashHex()));
  }
}
