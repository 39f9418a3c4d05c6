package io.shroud.node;

import io.shroud.admission.AdmissionException;
import io.shroud.admission.Consensus;
import io.shroud.admission.DirectoryBundle;
import io.shroud.admission.NetworkDefinition;
import io.shroud.circuit.CircuitsActor;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.link.ClientLinksActor;
import io.shroud.link.DirectoryFetch;
import io.shroud.link.Links;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.DirectoryCells;
import io.shroud.wire.ProtocolViolationException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * A client's directory (design.md §8.4, protocol §4.10.4-4.10.5): fetches the directory bundle
 * (the consensus and the descriptors of the relays it lists) from a relay over a peer link, takes
 * it only once verified against {@code network.conf} ({@link DirectoryFetch}), keeps it as
 * {@code directory.bundle} in the data directory (read back and verified again at start), and
 * hands the descriptors and the consensus to its subscribers (links, circuits). The first fetch
 * goes to a bootstrap relay by address; later ones to a relay of the directory, picked at random,
 * after the consensus's fresh-until. A client is ready once it holds a directory.
 */
public final class ClientDirectoryActor extends AbstractBehavior<ClientDirectoryActor.Command> {
  /** The saved directory bundle, in the data directory. */
  public static final String FILE = "directory.bundle";
  /** How far a relay's clock may be from the client's (protocol §2.1). */
  static final Duration SKEW = Duration.ofMinutes(5);
  /** How long one request may take before another relay is asked. */
  static final Duration ANSWER_WAIT = Duration.ofSeconds(60);
  /** After a failure (no answer, NONE, BUSY, a refused bundle), the next attempt: 5 s, 10 s, … 60 s. */
  static final Duration RETRY = Duration.ofSeconds(5);
  static final Duration MAX_RETRY = Duration.ofSeconds(60);
  /** Bounds of the wait between two refreshes; the lower one respects a relay's 1 per 60 s. */
  static final Duration MIN_REFRESH = Duration.ofSeconds(61);
  static final Duration MAX_REFRESH = Duration.ofHours(1);

  public sealed interface Command {}

  /** {@code subscriber} gets the current descriptors now (if any) and every newer set. */
  public record Subscribe(ActorRef<DirectoryView> subscriber) implements Command {}

  /** {@code subscriber} gets the current consensus now (if any) and every newer one. */
  public record SubscribeConsensus(ActorRef<CircuitsActor.UseConsensus> subscriber) implements Command {}

  /** Replies with the consensus held, if any. */
  public record GetCurrent(ActorRef<Optional<Consensus>> replyTo) implements Command {}

  /** Replies with the descriptors held (empty before the first directory). */
  public record GetDirectory(ActorRef<DirectoryView> replyTo) implements Command {}

  private record Bootstrapped(ClientLinksActor.BootstrapResult result) implements Command {}

  private record DirData(Links.Inbound inbound) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private record AnswerOverdue(long request) implements Command {}

  /** The network, the bootstrap relays' data addresses, and where the bundle is kept. */
  public record Setup(NetworkDefinition network, List<InetSocketAddress> bootstrap, Path dataDir) {
    public Setup {
      bootstrap = List.copyOf(bootstrap);
      if (bootstrap.isEmpty()) {
        throw new IllegalArgumentException("a client needs at least one bootstrap relay");
      }
    }
  }

  private final Setup setup;
  private final ActorRef<Links.Command> links;
  private final Clock clock;
  private final SecureRandom random;
  private final TimerScheduler<Command> timers;
  private final Runnable onFirstDirectory;
  private final List<ActorRef<DirectoryView>> subscribers = new ArrayList<>();
  private final List<ActorRef<CircuitsActor.UseConsensus>> consensusSubscribers = new ArrayList<>();
  private DirectoryBundle.Verified held;
  private int nextBootstrap;
  /** The request outstanding: the relay asked and its fetch (null: none). */
  private NodeId asking;
  private DirectoryFetch fetch;
  private long requests;
  /** Failures in a row, for the back-off. */
  private int failures;

  /** {@code onFirstDirectory} runs once, when the client first holds a directory. */
  public static Behavior<Command> create(Setup setup, ActorRef<Links.Command> links, Clock clock,
      SecureRandom random, Runnable onFirstDirectory) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new ClientDirectoryActor(ctx, timers, setup, links, clock, random, onFirstDirectory)));
  }

  /** What {@code CircuitsActor.Setup} and {@code ClientLinksActor} take as the directory to follow. */
  public static Consumer<ActorRef<DirectoryView>> subscriptions(ActorRef<Command> directory) {
    return subscriber -> directory.tell(new Subscribe(subscriber));
  }

  private ClientDirectoryActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, Setup setup,
      ActorRef<Links.Command> links, Clock clock, SecureRandom random, Runnable onFirstDirectory) {
    super(ctx);
    this.setup = setup;
    this.links = links;
    this.clock = clock;
    this.random = random;
    this.timers = timers;
    this.onFirstDirectory = onFirstDirectory;
    links.tell(new Links.Route(CellCommand.DIR_DATA, ctx.messageAdapter(Links.Inbound.class, DirData::new)));
    loadSaved();
    ctx.getSelf().tell(Tick.INSTANCE);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Subscribe.class, s -> {
          subscribers.add(s.subscriber());
          if (held != null) {
            s.subscriber().tell(new DirectoryView(held.descriptors()));
          }
          return this;
        })
        .onMessage(SubscribeConsensus.class, s -> {
          consensusSubscribers.add(s.subscriber());
          if (held != null) {
            s.subscriber().tell(new CircuitsActor.UseConsensus(held.consensus()));
          }
          return this;
        })
        .onMessage(GetCurrent.class, g -> {
          g.replyTo().tell(Optional.ofNullable(held).map(DirectoryBundle.Verified::consensus));
          return this;
        })
        .onMessage(GetDirectory.class, g -> {
          g.replyTo().tell(new DirectoryView(held == null ? List.of() : held.descriptors()));
          return this;
        })
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(Bootstrapped.class, this::onBootstrapped)
        .onMessage(DirData.class, this::onDirData)
        .onMessage(AnswerOverdue.class, o -> {
          if (o.request() == requests && asking != null) {
            getContext().getLog().warn("relay {} did not answer the directory request in {}; asking another",
                asking.shortHex(), ANSWER_WAIT);
            abandon();
          }
          return this;
        })
        .build();
  }

  /** Asks for a newer directory: a bootstrap relay while none is held, else a relay it lists. */
  private Behavior<Command> onTick() {
    if (asking != null) {
      return this;
    }
    List<NodeDescriptor> relays = held == null ? List.of() : held.descriptors();
    if (relays.isEmpty()) {
      InetSocketAddress address = setup.bootstrap().get(nextBootstrap++ % setup.bootstrap().size());
      links.tell(new ClientLinksActor.Bootstrap(address,
          getContext().messageAdapter(ClientLinksActor.BootstrapResult.class, Bootstrapped::new)));
    } else {
      request(relays.get(random.nextInt(relays.size())).nodeId());
    }
    return this;
  }

  private Behavior<Command> onBootstrapped(Bootstrapped b) {
    if (b.result() instanceof ClientLinksActor.BootstrapOpened opened) {
      if (asking == null) {
        request(opened.relay());
      }
    } else if (b.result() instanceof ClientLinksActor.BootstrapFailed failed) {
      getContext().getLog().warn("bootstrap relay {} not reached: {}", failed.address(), failed.reason());
      timers.startSingleTimer(Tick.INSTANCE, backoff());
    }
    return this;
  }

  private void request(NodeId relay) {
    fetch = new DirectoryFetch(setup.network(), held == null ? null : held.consensus(), clock, SKEW, random,
        DirectoryCells.MAX_BUNDLE_BYTES);
    asking = relay;
    long id = ++requests;
    links.tell(new Links.Send(relay, new Cell(0, CellCommand.DIR_REQUEST, fetch.request())));
    timers.startSingleTimer(new AnswerOverdue(id), ANSWER_WAIT);
  }

  private Behavior<Command> onDirData(DirData d) {
    Cell cell = d.inbound().cell();
    if (asking == null || !asking.equals(d.inbound().from())) {
      return this; // not the answer awaited: an answer given up on, or unasked
    }
    try {
      DirectoryFetch.Outcome outcome = fetch.onData(cell.payload());
      if (outcome instanceof DirectoryFetch.Fetched f) {
        NodeId from = asking;
        asking = null;
        take(f.directory(), f.bundle(), from);
      } else if (outcome instanceof DirectoryFetch.Stale) {
        asking = null;
        failures = 0;
        scheduleRefresh();
      } else if (outcome instanceof DirectoryFetch.Declined declined) {
        getContext().getLog().info("relay {} declined the directory request ({}); asking another later",
            asking.shortHex(), declined.status());
        abandon();
      }
    } catch (ProtocolViolationException | AdmissionException e) {
      getContext().getLog().warn("directory from relay {} refused: {}", asking.shortHex(), e.getMessage());
      abandon();
    }
    return this;
  }

  private void abandon() {
    asking = null;
    fetch = null;
    timers.startSingleTimer(Tick.INSTANCE, backoff());
  }

  private Duration backoff() {
    failures = Math.min(failures + 1, 12);
    Duration wait = RETRY.multipliedBy(failures);
    return wait.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait;
  }

  private void take(DirectoryBundle.Verified directory, byte[] bundle, NodeId from) {
    boolean first = held == null;
    failures = 0;
    held = directory;
    fetch = null;
    save(bundle);
    getContext().getLog().info("directory from relay {}: consensus valid after {}, {} relays, {} descriptors",
        from.shortHex(), directory.consensus().validAfter(), directory.consensus().relays().size(),
        directory.descriptors().size());
    if (first) {
      onFirstDirectory.run(); // held already: ready before any subscriber hears of it
    }
    publish();
    scheduleRefresh();
  }

  private void publish() {
    DirectoryView view = new DirectoryView(held.descriptors());
    subscribers.forEach(s -> s.tell(view));
    CircuitsActor.UseConsensus use = new CircuitsActor.UseConsensus(held.consensus());
    consensusSubscribers.forEach(s -> s.tell(use));
  }

  /** The next fetch: after fresh-until, at a random point in the following half of its validity. */
  private void scheduleRefresh() {
    Consensus c = held.consensus();
    Duration toFresh = Duration.between(clock.instant(), c.freshUntil());
    long spread = Math.max(1, Duration.between(c.freshUntil(), c.validUntil()).toMillis() / 2);
    Duration wait = toFresh.plusMillis(Math.floorMod(random.nextLong(), spread));
    if (wait.compareTo(MIN_REFRESH) < 0) {
      wait = MIN_REFRESH;
    } else if (wait.compareTo(MAX_REFRESH) > 0) {
      wait = MAX_REFRESH;
    }
    timers.startSingleTimer(Tick.INSTANCE, wait);
  }

  private void loadSaved() {
    Path file = setup.dataDir().resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return;
    }
    try {
      held = DirectoryBundle.decode(Files.readAllBytes(file)).verify(setup.network(), clock, SKEW);
      getContext().getLog().info("saved directory: consensus valid after {}, {} relays",
          held.consensus().validAfter(), held.consensus().relays().size());
      onFirstDirectory.run();
      publish();
    } catch (IOException | AdmissionException e) {
      getContext().getLog().info("saved directory {} not used ({}); fetching one from a bootstrap relay", file,
          e.getMessage());
    }
  }

  private void save(byte[] bundle) {
    Path file = setup.dataDir().resolve(FILE);
    Path tmp = setup.dataDir().resolve(FILE + ".tmp");
    try {
      Files.write(tmp, bundle);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      getContext().getLog().warn("cannot save the directory to {}: {}", file, e.getMessage());
    }
  }
}
