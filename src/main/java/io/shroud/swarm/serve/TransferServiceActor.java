package io.shroud.swarm.serve;

import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.Streams;
import io.shroud.circuit.Streams.StreamCommand;
import io.shroud.circuit.Streams.StreamEvent;
import io.shroud.content.Merkle;
import io.shroud.content.MerkleTree;
import io.shroud.content.PieceGeometry;
import io.shroud.swarm.transfer.OutboundChunks;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.swarm.transfer.TransferCodec;
import io.shroud.swarm.transfer.TransferFrameDecoder;
import io.shroud.swarm.transfer.TransferMessage;
import io.shroud.swarm.transfer.TransferMessage.BlockRequest;
import io.shroud.swarm.transfer.TransferProtocolException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * {@link ServingSession} per incoming stream; HELLO asks {@link SharesActor} for the share,
 * HASH_REQUEST is answered from the piece layer, BLOCK_REQUESTs are served one at a time per
 * stream, read on the blocking-I/O dispatcher, under one node-wide {@link TokenBucket} (a request
 * waits for tokens rather than being rejected) and a cap on concurrent streams (further HELLOs
 * get REFUSE busy). Protocol: {@code docs/protocol.md (section 8)} §3–4, §9.
 */
public final class TransferServiceActor extends AbstractBehavior<TransferServiceActor.Command> {
  /** The circuit service name. */
  public static final String SERVICE = TransferCodec.SERVICE;
  /** Chunks waiting for stream credit above which no further block is read. */
  private static final int MAX_OUTBOUND_CHUNKS = 16;
  /**
   * Read tasks of one session running at once. With one, the session's next disk read (and the
   * hashing of its piece proofs) waited until the last batch had been sealed and handed to the
   * stream; two overlap the two. Blocks may then leave out of request order, which the transfer
   * protocol allows (each BLOCK names its piece and offset).
   */
  static final int READS_IN_FLIGHT = 2;
  /** Pieces whose proofs a session keeps for its read tasks (its requests come nearly in order). */
  static final int PROOF_CACHE_PIECES = 4;

  public sealed interface Command {}

  /** Replies with counters. */
  public record GetStats(ActorRef<TransferServiceView> replyTo) implements Command {}

  /** Replies with the pieces of a share served since the last reset (diagnostics and tests). */
  public record GetServedPieces(String infoHashHex, boolean reset, ActorRef<BitSet> replyTo) implements Command {}

  private record Service(Streams.ServiceRequest request) implements Command {}

  private record FromStream(int session, StreamEvent event) implements Command {}

  private record ServableFound(int session, Optional<SharesActor.Servable> servable) implements Command {}

  /** One block read from disk for {@code request}: data and proofs, or why it failed. */
  private record BlockRead(BlockRequest request, PieceProofs proofs, byte[] data, Throwable failure) {}

  /** The blocks of one read task of a session, in request order. */
  private record BlocksRead(int session, List<BlockRead> reads) implements Command {}

  private enum RateRetry implements Command { INSTANCE }

  private final SwarmSettings settings;
  private final ActorRef<SharesActor.Command> shares;
  private final TimerScheduler<Command> timers;
  private final TokenBucket bucket;
  private final Executor blocking;
  private final Map<Integer, ServingSession> sessions = new HashMap<>();
  private final Map<String, BitSet> served = new HashMap<>();
  private int nextSession = 1;
  private long blocksServed;
  private long bytesServed;
  private long refused;
  private long rejected;
  private long violations;

  /** Registers itself with {@code circuits} as the {@code transfer} service. */
  public static Behavior<Command> create(ActorRef<CircuitsActor.Command> circuits,
      ActorRef<SharesActor.Command> shares, SwarmSettings settings, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      circuits.tell(new CircuitsActor.RegisterService(SERVICE,
          ctx.messageAdapter(Streams.ServiceRequest.class, Service::new)));
      return new TransferServiceActor(ctx, timers, shares, settings, clock);
    }));
  }

  private TransferServiceActor(ActorContext<Command> ctx, TimerScheduler<Command> timers,
      ActorRef<SharesActor.Command> shares, SwarmSettings settings, Clock clock) {
    super(ctx);
    this.timers = timers;
    this.shares = shares;
    this.settings = settings;
    this.bucket = new TokenBucket(settings.uploadBytesPerSecond(), settings.uploadBurstBytes(), clock);
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    if (settings.corruptBlocksForTesting()) {
      ctx.getLog().warn("TEST ONLY: every served block is corrupted (shroud.swarm.test-only-corrupt-served-blocks)");
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Service.class, this::onService)
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
    int id = nextSession++;
    boolean busy = sessions.size() >= settings.maxDownloaders();
    ServingSession session = new ServingSession(id, open.stream(), busy);
    sessions.put(id, session);
    ActorRef<Command> self = getContext().getSelf();
    ActorRef<StreamEvent> events = getContext().spawnAnonymous(Behaviors.<StreamEvent>receiveMessage(e -> {
      self.tell(new FromStream(id, e));
      return Behaviors.same();
    }));
    session.forwarder = events;
    open.replyTo().tell(new Streams.Accept(events));
    return this;
  }

  private Behavior<Command> onFromStream(FromStream from) {
    ServingSession s = sessions.get(from.session());
    if (s == null) {
      return this;
    }
    StreamEvent e = from.event();
    if (e instanceof Streams.StreamOpened opened) {
      s.outbound.credit(opened.credit());
      s.flush();
    } else if (e instanceof Streams.StreamCredit credit) {
      s.outbound.credit(credit.chunks());
      s.flush();
      pump(s);
    } else if (e instanceof Streams.StreamData data) {
      s.stream.tell(new Streams.Consumed(data.chunks()));
      try {
        for (TransferMessage m : s.decoder.feed(data.parts())) {
          onMessage(s, m);
        }
        // once per delivered batch, not per request: the requests that came together are read
        // together (a read task takes up to BLOCKS_PER_READ of them)
        pump(s);
      } catch (TransferProtocolException ex) {
        violation(s, ex.getMessage());
      }
    } else if (e instanceof Streams.StreamEnded || e instanceof Streams.StreamRefused) {
      forget(s);
    }
    return this;
  }

  private void onMessage(ServingSession s, TransferMessage m) throws TransferProtocolException {
    if (s.closing) {
      return;
    }
    if (m instanceof TransferMessage.Hello hello) {
      if (s.helloSeen) {
        throw new TransferProtocolException("second HELLO on one stream");
      }
      s.helloSeen = true;
      if (s.busy) {
        refuse(s, TransferMessage.RefuseReason.BUSY, 30);
        return;
      }
      String hex = java.util.HexFormat.of().formatHex(hello.infoHash());
      getContext().ask(Optional.class, shares, java.time.Duration.ofSeconds(5),
          replyTo -> new SharesActor.GetServable(hex, castOptional(replyTo)),
          (found, failure) -> new ServableFound(s.id, found == null ? Optional.empty() : castServable(found)));
    } else if (m instanceof TransferMessage.HashRequest r) {
      ServingSession.Share share = s.requireShare();
      if ((long) r.index() + r.count() > share.geometry().pieceCount()) {
        throw new TransferProtocolException("hash request past the last piece");
      }
      byte[] layer = share.metadata().tree().pieceLayerBytes();
      s.send(new TransferMessage.Hashes(r.layer(), r.index(),
          java.util.Arrays.copyOfRange(layer, r.index() * 32, (r.index() + r.count()) * 32)));
    } else if (m instanceof BlockRequest r) {
      s.requireShare();
      if (s.queue.size() >= TransferCodec.MAX_QUEUED_REQUESTS) {
        throw new TransferProtocolException("more than " + TransferCodec.MAX_QUEUED_REQUESTS + " block requests queued");
      }
      s.queue.add(r);
    } else if (m instanceof TransferMessage.Cancel c) {
      s.queue.removeIf(q -> q.piece() == c.piece() && q.offset() == c.offset());
    } else {
      throw new TransferProtocolException("a provider does not accept " + m.type());
    }
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
    ServingSession s = sessions.get(found.session());
    if (s == null || s.closing) {
      return this;
    }
    if (found.servable().isEmpty()) {
      refuse(s, TransferMessage.RefuseReason.UNKNOWN_SHARE, 0);
      return this;
    }
    SharesActor.Servable servable = found.servable().get();
    try {
      FileChannel data = FileChannel.open(servable.dataFile(), StandardOpenOption.READ);
      FileChannel leaves = null;
      try {
        if (servable.leavesFile() != null) {
          leaves = FileChannel.open(servable.leavesFile(), StandardOpenOption.READ);
        }
      } catch (IOException e) {
        // no leaf hashes (a share made before they were kept, or the file was lost): proofs
        // are built by hashing each piece
      }
      s.share = new ServingSession.Share(servable.metadata(), servable.metadata().infoHashHex(), data, leaves);
    } catch (IOException e) {
      getContext().getLog().warn("cannot open share data {}: {}", servable.metadata().infoHashHex(), e.getMessage());
      refuse(s, TransferMessage.RefuseReason.STALE, 60);
      return this;
    }
    s.send(TransferMessage.Have.allPieces());
    return this;
  }

  private Behavior<Command> pumpAll() {
    sessions.values().forEach(this::pump);
    return this;
  }

  /**
   * Starts read tasks of {@code s} while fewer than {@link #READS_IN_FLIGHT} run, tokens allow
   * and output is drained. One task reads up to {@link FileRun#BLOCKS_PER_READ} queued requests: one
   * hop to the blocking dispatcher and back per batch rather than per 16 KiB block. A piece's
   * proofs come from the leaf hashes written when the share was made ({@link ShareStore}), read
   * and folded to the piece hash; each block is then read alone. Without usable leaf hashes the
   * first block of a piece reads the whole piece and hashes it, and later blocks of that piece in
   * the same task are cut from it. Either way {@link SessionProofs} builds each piece's proofs
   * once per session (a task that needs a piece another task is proving waits for it).
   */
  private void pump(ServingSession s) {
    while (s.readsInFlight < READS_IN_FLIGHT && startRead(s)) {
      // each pass starts one read task
    }
  }

  /** Starts one read task of {@code s}; false if nothing may be read now. */
  private boolean startRead(ServingSession s) {
    if (s.closing || s.share == null || s.outbound.backlog() >= MAX_OUTBOUND_CHUNKS) {
      return false;
    }
    PieceGeometry g = s.share.geometry();
    List<BlockRequest> batch = new ArrayList<>();
    while (!s.queue.isEmpty() && batch.size() < FileRun.BLOCKS_PER_READ) {
      BlockRequest r = s.queue.peek();
      if (!r.fits(g)) {
        s.queue.poll();
        rejected++;
        s.send(new TransferMessage.Reject(r.piece(), r.offset(), TransferMessage.RejectReason.NOT_AVAILABLE));
        continue;
      }
      if (!bucket.tryTake(r.length())) {
        timers.startSingleTimer(RateRetry.INSTANCE, bucket.timeUntil(r.length()));
        break;
      }
      batch.add(s.queue.poll());
    }
    if (batch.isEmpty()) {
      return false;
    }
    s.readsInFlight++;
    SessionProofs proofCache = s.proofs;
    FileChannel ch = s.share.channel();
    FileChannel leavesCh = s.share.leaves();
    var tree = s.share.metadata().tree();
    int id = s.id;
    CompletableFuture<BlocksRead> read = CompletableFuture.supplyAsync(() -> {
      List<BlockRead> reads = new ArrayList<>(batch.size());
      int pieceDataIndex = -1;
      byte[] pieceData = null;
      FileRun run = null;
      for (int i = 0; i < batch.size(); i++) {
        BlockRequest r = batch.get(i);
        try {
          long pieceStart = g.pieceOffset(r.piece());
          SessionProofs.Proven proven = proofCache.get(r.piece(), () -> {
            PieceProofs stored = leavesCh == null ? null : storedProofs(leavesCh, tree, r.piece());
            if (stored != null) {
              return new SessionProofs.Proven(stored, null);
            }
            byte[] piece = FileRun.readFully(ch, pieceStart, g.pieceSize(r.piece()));
            return new SessionProofs.Proven(PieceProofs.of(tree, r.piece(), piece), piece);
          });
          if (proven.pieceData() != null) {
            pieceData = proven.pieceData();
            pieceDataIndex = r.piece();
          }
          byte[] data;
          if (pieceDataIndex == r.piece()) {
            data = java.util.Arrays.copyOfRange(pieceData, r.offset(), r.offset() + r.length());
          } else {
            long at = pieceStart + r.offset();
            if (run == null || !run.covers(at, r.length())) {
              run = FileRun.read(ch, g, batch, i);
            }
            data = run.cut(at, r.length());
          }
          reads.add(new BlockRead(r, proven.proofs(), data, null));
        } catch (IOException | RuntimeException e) {
          reads.add(new BlockRead(r, null, null, e));
        }
      }
      return new BlocksRead(id, reads);
    }, blocking);
    getContext().pipeToSelf(read, (ok, failure) -> ok != null ? ok
        : new BlocksRead(id, batch.stream().map(r -> new BlockRead(r, null, null, failure)).toList()));
    return true;
  }

  /** Proofs of {@code piece} from the share's leaf hashes, or null if they are short or do not fold. */
  private static PieceProofs storedProofs(FileChannel leaves, MerkleTree tree, int piece) {
    PieceGeometry g = tree.geometry();
    long first = g.pieceOffset(piece) / PieceGeometry.BLOCK_SIZE;
    try {
      return PieceProofs.fromLeaves(tree, piece,
          FileRun.readFully(leaves, first * Merkle.HASH_LENGTH, g.blocksIn(piece) * Merkle.HASH_LENGTH));
    } catch (IOException e) {
      return null;
    }
  }

  private Behavior<Command> onBlocksRead(BlocksRead batch) {
    ServingSession s = sessions.get(batch.session());
    if (s == null) {
      return this;
    }
    s.readsInFlight--;
    for (BlockRead read : batch.reads()) {
      serve(s, read);
    }
    s.flush(); // the whole batch as one write to the stream: its cells leave together
    pump(s);
    return this;
  }

  private void serve(ServingSession s, BlockRead read) {
    BlockRequest r = read.request();
    if (read.failure() != null) {
      getContext().getLog().warn("cannot serve block {}/{}: {}", r.piece(), r.offset(), read.failure().getMessage());
      rejected++;
      s.enqueue(new TransferMessage.Reject(r.piece(), r.offset(), TransferMessage.RejectReason.NOT_AVAILABLE));
      return;
    }
    byte[] data = read.data();
    if (settings.corruptBlocksForTesting()) {
      data[data.length / 2] ^= 0x5a;
    }
    s.enqueue(TransferMessage.Block.of(r.piece(), r.offset(),
        read.proofs().proof(r.offset() / PieceGeometry.BLOCK_SIZE), data));
    blocksServed++;
    bytesServed += data.length;
    served.computeIfAbsent(s.share.infoHashHex(), k -> new BitSet()).set(r.piece());
  }

  private void refuse(ServingSession s, TransferMessage.RefuseReason reason, int retryAfter) {
    refused++;
    s.send(new TransferMessage.Refuse(reason, retryAfter));
    s.end();
  }

  private void violation(ServingSession s, String reason) {
    violations++;
    getContext().getLog().info("closing transfer stream {}: {}", s.id, reason);
    s.end();
  }

  private void forget(ServingSession s) {
    sessions.remove(s.id);
    s.close();
    if (s.forwarder != null) {
      getContext().stop(s.forwarder);
    }
  }

  private Behavior<Command> onGetStats(GetStats get) {
    get.replyTo().tell(new TransferServiceView(sessions.size(), blocksServed, bytesServed, refused, rejected,
        violations));
    return this;
  }

  private Behavior<Command> onGetServedPieces(GetServedPieces get) {
    BitSet set = served.getOrDefault(get.infoHashHex(), new BitSet());
    get.replyTo().tell((BitSet) set.clone());
    if (get.reset()) {
      served.remove(get.infoHashHex());
    }
    return this;
  }

  /** One incoming transfer stream. */
  private static final class ServingSession {
    /**
     * {@code infoHashHex}: the metadata's, computed once (it bencodes and hashes the info
     * dictionary, and every block served counts under it); {@code leaves}: the share's leaf
     * hashes ({@link ShareStore}), null when it has none.
     */
    record Share(io.shroud.content.ShareMetadata metadata, String infoHashHex, FileChannel channel, FileChannel leaves) {
      PieceGeometry geometry() {
        return metadata.info().geometry();
      }
    }

    final int id;
    final ActorRef<StreamCommand> stream;
    final boolean busy;
    final TransferFrameDecoder decoder = new TransferFrameDecoder();
    final OutboundChunks outbound = new OutboundChunks(Streams.MAX_CHUNK);
    final ArrayDeque<BlockRequest> queue = new ArrayDeque<>();
    ActorRef<StreamEvent> forwarder;
    Share share;
    final SessionProofs proofs = new SessionProofs(PROOF_CACHE_PIECES);
    boolean helloSeen;
    int readsInFlight;
    boolean closing;
    boolean endSent;

    ServingSession(int id, ActorRef<StreamCommand> stream, boolean busy) {
      this.id = id;
      this.stream = stream;
      this.busy = busy;
    }

    Share requireShare() throws TransferProtocolException {
      if (share == null) {
        throw new TransferProtocolException("request before the share was accepted");
      }
      return share;
    }

    void send(TransferMessage m) {
      enqueue(m);
      flush();
    }

    /** Queues {@code m} without writing; the caller flushes. */
    void enqueue(TransferMessage m) {
      outbound.add(m);
    }

    void flush() {
      List<byte[]> chunks = outbound.drain();
      if (!chunks.isEmpty()) {
        stream.tell(new Streams.WriteAll(chunks));
      }
      if (closing && !endSent && outbound.backlog() == 0) {
        endSent = true;
        stream.tell(Streams.EndStream.INSTANCE);
      }
    }

    /** Ends the stream once what is queued has been written. */
    void end() {
      closing = true;
      queue.clear();
      flush();
    }

    void close() {
      if (share != null) {
        try {
          share.channel().close();
          if (share.leaves() != null) {
            share.leaves().close();
          }
        } catch (IOException ignored) {
          // read-only channels: nothing to lose
        }
      }
    }
  }
}
