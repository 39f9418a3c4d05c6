package io.shroud.swarm.serve;

import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.Streams;
import io.shroud.circuit.Streams.StreamCommand;
import io.shroud.circuit.Streams.StreamEvent;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.swarm.transfer.TransferCodec;
import io.shroud.wire.TokenBucket;
import java.time.Clock;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The provider side of the transfer protocol: the circuit service {@code "transfer"}. One
 * {@link ServingSession} per incoming stream holds the protocol's rules; this actor routes the
 * stream's events to it, asks {@link SharesActor} for the share a HELLO names, runs the read
 * tasks the session plans on the blocking-I/O dispatcher, and sends what the session writes.
 * The sessions share one node-wide {@link TokenBucket} (a request waits for tokens rather than
 * being rejected) and a cap on concurrent streams (further HELLOs get REFUSE busy). Protocol:
 * {@code docs/protocol.md} §8.3–§8.4, §8.6; {@code docs/design.md} §9.1.
 */
public final class TransferServiceActor extends AbstractBehavior<TransferServiceActor.Command> {
  /** The circuit service name. */
  public static final String SERVICE = TransferCodec.SERVICE;

  public sealed interface Command {}

  /** Replies with counters. */
  public record GetStats(ActorRef<TransferServiceView> replyTo) implements Command {}

  /** Replies with the pieces of a share served since the last reset (diagnostics and tests). */
  public record GetServedPieces(String infoHashHex, boolean reset, ActorRef<BitSet> replyTo) implements Command {}

  /**
   * A stream opened at a hidden service's end-to-end hop (protocol §11.8): served like any other,
   * but only for the share {@code infoHashHex}. A HELLO naming another share is answered as an
   * unknown share, so a downloader who reached this node through one share's descriptor cannot
   * learn which other shares it serves (shares stay unlinkable, §11.1).
   */
  public record ServeOnly(String infoHashHex, Streams.OpenServiceStream open) implements Command {}

  private record Service(Streams.ServiceRequest request) implements Command {}

  private record FromStream(int session, StreamEvent event) implements Command {}

  private record ServableFound(int session, Optional<SharesActor.Servable> servable) implements Command {}

  /** The blocks of one read task of a session, in request order. */
  private record BlocksRead(int session, List<ReadTask.BlockRead> reads) implements Command {}

  private enum RateRetry implements Command { INSTANCE }

  private final SwarmSettings settings;
  private final ActorRef<SharesActor.Command> shares;
  private final TimerScheduler<Command> timers;
  private final Executor blocking;
  private final ServingCounters counters = new ServingCounters();
  private final ServingSession.Provider provider;
  private final Map<Integer, Stream> sessions = new HashMap<>();
  private int nextSession = 1;

  /**
   * Registers itself with {@code circuits} as the {@code transfer} service: the in-memory test
   * networks' way to reach a seeder by a circuit ending at it. A node never does.
   */
  public static Behavior<Command> create(ActorRef<CircuitsActor.Command> circuits,
      ActorRef<SharesActor.Command> shares, SwarmSettings settings, Clock clock) {
    return create(Optional.of(circuits), shares, settings, clock);
  }

  /**
   * With {@code circuits}, registers itself there as the {@code transfer} service, so that any
   * circuit ending at this node can open it (tests only); without, as on every node, it serves
   * only the streams hidden services hand it ({@link ServeOnly}): a node serves nothing to a
   * circuit that merely ends at it, so no one can test whether it holds a share.
   */
  public static Behavior<Command> create(Optional<ActorRef<CircuitsActor.Command>> circuits,
      ActorRef<SharesActor.Command> shares, SwarmSettings settings, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      circuits.ifPresent(c -> c.tell(new CircuitsActor.RegisterService(SERVICE,
          ctx.messageAdapter(Streams.ServiceRequest.class, Service::new))));
      return new TransferServiceActor(ctx, timers, shares, settings, clock);
    }));
  }

  private TransferServiceActor(ActorContext<Command> ctx, TimerScheduler<Command> timers,
      ActorRef<SharesActor.Command> shares, SwarmSettings settings, Clock clock) {
    super(ctx);
    this.timers = timers;
    this.shares = shares;
    this.settings = settings;
    TokenBucket bucket = new TokenBucket(settings.uploadBytesPerSecond(), settings.uploadBurstBytes(), clock);
    this.provider = new ServingSession.Provider(bucket, counters, Streams.MAX_CHUNK,
        settings.corruptBlocksForTesting(), ctx.getLog());
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    if (settings.corruptBlocksForTesting()) {
      ctx.getLog().error("TEST ONLY fault switch is ON: every block this node serves is corrupted, and every "
          + "downloader will ban it. It is set by the test harness's JVM property, never by configuration; "
          + "a node running like this must not be part of a real network");
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Service.class, this::onService)
        .onMessage(ServeOnly.class, only -> open(only.open(), only.infoHashHex()))
        .onMessage(FromStream.class, this::onFromStream)
        .onMessage(ServableFound.class, this::onServableFound)
        .onMessage(BlocksRead.class, this::onBlocksRead)
        .onMessage(RateRetry.class, r -> pumpAll())
        .onMessage(GetStats.class, this::onGetStats)
        .onMessage(GetServedPieces.class, this::onGetServedPieces)
        .build();
  }

  private Behavior<Command> onService(Service service) {
    if (!(service.request() instanceof Streams.OpenServiceStream open)) {
      return this;
    }
    return open(open, null);
  }

  /** Takes a stream; {@code only}, when not null, the one share it may be served. */
  private Behavior<Command> open(Streams.OpenServiceStream open, String only) {
    int id = nextSession++;
    boolean busy = sessions.size() >= settings.maxDownloaders();
    Stream stream = new Stream(id, open.stream(), busy, only);
    sessions.put(id, stream);
    ActorRef<Command> self = getContext().getSelf();
    stream.forwarder = getContext().spawnAnonymous(Behaviors.<StreamEvent>receiveMessage(e -> {
      self.tell(new FromStream(id, e));
      return Behaviors.same();
    }));
    open.replyTo().tell(new Streams.Accept(stream.forwarder));
    return this;
  }

  private Behavior<Command> onFromStream(FromStream from) {
    Stream s = sessions.get(from.session());
    if (s == null) {
      return this;
    }
    StreamEvent e = from.event();
    if (e instanceof Streams.StreamOpened opened) {
      s.session.opened(opened.credit());
    } else if (e instanceof Streams.StreamCredit credit) {
      s.session.credited(credit.chunks());
    } else if (e instanceof Streams.StreamData data) {
      s.stream.tell(new Streams.Consumed(data.chunks()));
      s.session.received(data.parts());
    } else if (e instanceof Streams.StreamEnded || e instanceof Streams.StreamRefused) {
      forget(s);
    }
    return this;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ActorRef<Optional<SharesActor.Servable>> castOptional(ActorRef replyTo) {
    return replyTo;
  }

  @SuppressWarnings("unchecked")
  private static Optional<SharesActor.Servable> castServable(Optional<?> found) {
    return (Optional<SharesActor.Servable>) found;
  }

  private Behavior<Command> onServableFound(ServableFound found) {
    Stream s = sessions.get(found.session());
    if (s == null) {
      return this;
    }
    if (found.servable().isEmpty()) {
      s.session.shareUnknown();
    } else {
      SharesActor.Servable servable = found.servable().get();
      if (servable.isFolder()) {
        s.session.folderFound(servable.folderInfo());
      } else {
        s.session.shareFound(servable.metadata(), servable.dataFile(), servable.leavesFile());
      }
    }
    return this;
  }

  private Behavior<Command> pumpAll() {
    sessions.values().forEach(s -> s.session.pump());
    return this;
  }

  private Behavior<Command> onBlocksRead(BlocksRead read) {
    Stream s = sessions.get(read.session());
    if (s != null) {
      s.session.blocksRead(read.reads());
    }
    return this;
  }

  private void forget(Stream s) {
    sessions.remove(s.id);
    s.session.close();
    if (s.forwarder != null) {
      getContext().stop(s.forwarder);
    }
  }

  private Behavior<Command> onGetStats(GetStats get) {
    get.replyTo().tell(counters.view(sessions.size()));
    return this;
  }

  private Behavior<Command> onGetServedPieces(GetServedPieces get) {
    get.replyTo().tell(counters.servedPieces(get.infoHashHex(), get.reset()));
    return this;
  }

  /** One incoming stream: its session, and the session's I/O done with messages. */
  private final class Stream implements ServingIo {
    final int id;
    final ActorRef<StreamCommand> stream;
    final ServingSession session;
    /** The one share this stream may be served (a hidden service's stream), or null for any. */
    final String only;
    ActorRef<StreamEvent> forwarder;

    Stream(int id, ActorRef<StreamCommand> stream, boolean busy, String only) {
      this.id = id;
      this.stream = stream;
      this.only = only;
      this.session = new ServingSession(id, busy, provider, this);
    }

    @Override
    public void write(List<byte[]> chunks) {
      stream.tell(new Streams.WriteAll(chunks));
    }

    @Override
    public void endStream() {
      stream.tell(Streams.EndStream.INSTANCE);
    }

    @Override
    public void findShare(String infoHashHex) {
      if (only != null && !only.equalsIgnoreCase(infoHashHex)) {
        getContext().getSelf().tell(new ServableFound(id, Optional.empty()));
        return;
      }
      getContext().ask(Optional.class, shares, Duration.ofSeconds(5),
          replyTo -> new SharesActor.GetServable(infoHashHex, castOptional(replyTo)),
          (found, failure) -> new ServableFound(id, found == null ? Optional.empty() : castServable(found)));
    }

    @Override
    public void read(ReadTask task) {
      CompletableFuture<List<ReadTask.BlockRead>> read = CompletableFuture.supplyAsync(task::read, blocking);
      getContext().pipeToSelf(read, (ok, failure) -> new BlocksRead(id, ok != null ? ok : task.failed(failure)));
    }

    @Override
    public void retryIn(Duration wait) {
      timers.startSingleTimer(RateRetry.INSTANCE, wait);
    }
  }
}
