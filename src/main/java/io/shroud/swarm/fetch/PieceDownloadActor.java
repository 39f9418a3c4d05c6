package io.shroud.swarm.fetch;

import io.shroud.identity.NodeId;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.swarm.transfer.TransferMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The download of one piece, a child of its {@link DownloadActor}: owns the piece's blocks while
 * they arrive, checks each against the verified piece layer and the whole piece's leaves
 * ({@link PieceWork}), hands the complete piece to the {@link PartFileActor} and stops once it is
 * written and forced, or when its piece is given up. The parent watches it: if it stops any
 * other way (an exception, a kill) the parent hands the piece's blocks back to the picker
 * ({@link PieceFlow#abandoned}), so only this piece is fetched again. What its checks find
 * (bytes verified, pieces verified or failed, bad blocks) goes to the node's {@link NodeMetrics}.
 */
final class PieceDownloadActor extends AbstractBehavior<PieceDownloadActor.Command> {

  sealed interface Command {}

  /** A block of this piece from {@code source}, which was asked for it. */
  record Arrived(NodeId source, TransferMessage.Block block) implements Command {}

  /**
   * Blocks of this piece that one report of a source brought, in arrival order: one message
   * (one wake-up of this actor) for all of them.
   */
  record ArrivedAll(List<Arrived> arrivals) implements Command {}

  /** The writer's answer: the piece is in the part file and forced. */
  enum Written implements Command { INSTANCE }

  /** The writer's answer: writing the part file failed. */
  record NotWritten(Throwable failure) implements Command {}

  /** What the parent hears. */
  sealed interface Report {
    int piece();
  }

  /** Block {@code index} from {@code source} fails its proof; it was not kept. */
  record BadBlock(int piece, int index, NodeId source) implements Report {}

  /** Every block is in and checked: the piece is waiting for the part file. */
  record Assembled(int piece) implements Report {}

  /** Every block is in but their leaves do not fold up to the piece hash; the actor stops. */
  record LeavesFailed(int piece) implements Report {}

  /** The piece is written and forced; the actor stops. */
  record PieceWritten(int piece) implements Report {}

  /** Writing the piece failed; the actor stops. */
  record WriteFailed(int piece, Throwable failure) implements Report {}

  private final PieceWork work;
  private final long offset;
  private final ActorRef<Report> parent;
  private final ActorRef<PartFileActor.Command> writer;
  private final NodeMetrics metrics;

  static Behavior<Command> create(PieceWork work, long offset, ActorRef<Report> parent,
      ActorRef<PartFileActor.Command> writer) {
    return Behaviors.setup(ctx -> new PieceDownloadActor(ctx, work, offset, parent, writer));
  }

  private PieceDownloadActor(ActorContext<Command> context, PieceWork work, long offset, ActorRef<Report> parent,
      ActorRef<PartFileActor.Command> writer) {
    super(context);
    this.work = work;
    this.offset = offset;
    this.parent = parent;
    this.writer = writer;
    this.metrics = Metrics.get(context.getSystem());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Arrived.class, this::onArrived)
        .onMessage(ArrivedAll.class, all -> {
          for (Arrived a : all.arrivals()) {
            Behavior<Command> next = onArrived(a);
            if (next != this) {
              return next; // the piece failed: the rest is moot
            }
          }
          return this;
        })
        .onMessageEquals(Written.INSTANCE, this::onWritten)
        .onMessage(NotWritten.class, n -> {
          parent.tell(new WriteFailed(work.piece(), n.failure()));
          return Behaviors.stopped();
        })
        .onSignal(PostStop.class, s -> {
          work.release();
          return this;
        })
        .build();
  }

  private Behavior<Command> onArrived(Arrived a) {
    PieceWork.Outcome outcome = work.accept(a.block());
    if (outcome == PieceWork.Outcome.ADDED || outcome == PieceWork.Outcome.COMPLETE || outcome == PieceWork.Outcome.FAILED) {
      metrics.blockVerified(a.block().length()); // it passed its proof and was kept
    }
    switch (outcome) {
      case BAD -> {
        metrics.blockFailed();
        parent.tell(new BadBlock(work.piece(), a.block().offset() / io.shroud.content.PieceGeometry.BLOCK_SIZE,
            a.source()));
      }
      case COMPLETE -> {
        metrics.pieceVerified();
        parent.tell(new Assembled(work.piece()));
        writer.tell(new PartFileActor.Write(work.handOver(offset), getContext().getSelf()));
      }
      case FAILED -> {
        metrics.pieceFailed();
        parent.tell(new LeavesFailed(work.piece()));
        return Behaviors.stopped();
      }
      case ADDED, DUPLICATE -> { }
    }
    return this;
  }

  private Behavior<Command> onWritten() {
    parent.tell(new PieceWritten(work.piece()));
    return Behaviors.stopped();
  }
  /**
   * The piece downloads of one download, by piece, kept by the download's actor in its own
   * context (a block goes from it straight to its piece's actor, no hop between): each is started
   * with its piece's first block and watched, so that its stop reaches the parent as
   * {@code stopped(piece, ref)}.
   */
  static final class Downloads<C> {
    private final ActorContext<C> context;
    private final ActorRef<Report> reports;
    private final ActorRef<PartFileActor.Command> partFile;
    private final BiFunction<Integer, ActorRef<Command>, C> stopped;
    /** The running piece downloads, by piece; null where none runs. */
    private final ActorRef<Command>[] running;
    /** Piece downloads started so far (each child's name is unique). */
    private long started;
    /** The piece whose delivered blocks wait for {@link #flush}, or -1. */
    private int openPiece = -1;
    private List<Arrived> open;

    @SuppressWarnings("unchecked")
    Downloads(ActorContext<C> context, int pieceCount, ActorRef<Report> reports, ActorRef<PartFileActor.Command> partFile,
        BiFunction<Integer, ActorRef<Command>, C> stopped) {
      this.context = context;
      this.reports = reports;
      this.partFile = partFile;
      this.stopped = stopped;
      this.running = new ActorRef[pieceCount];
    }

    /** Gives a block to its piece's download, starting one (watched) with the piece's first block. */
    void deliver(DownloadRun run, int piece, NodeId source, TransferMessage.Block block) {
      ActorRef<Command> ref = running[piece];
      if (ref == null) {
        PieceWork work = new PieceWork(piece, run.link().geometry(), run.verifier(), run.pieceBuffers());
        // a failed piece download stops and costs that piece only: the watch gives its blocks back
        ref = context.spawn(Behaviors.supervise(create(work, run.link().geometry().pieceOffset(piece), reports,
            partFile)).onFailure(SupervisorStrategy.stop()), "piece-" + piece + "-" + (++started));
        context.watchWith(ref, stopped.apply(piece, ref));
        running[piece] = ref;
      }
      if (piece != openPiece) {
        flush();
        openPiece = piece;
        open = new ArrayList<>(4);
      }
      open.add(new Arrived(source, block));
    }

    /**
     * Sends the blocks delivered since the last flush to their piece's download. The download's
     * actor flushes after each command, so a run of blocks of one piece (one TCP read often
     * brings several) wakes the piece's actor once.
     */
    void flush() {
      if (openPiece >= 0) {
        ActorRef<Command> ref = running[openPiece];
        if (ref != null) {
          ref.tell(open.size() == 1 ? open.get(0) : new ArrivedAll(open));
        }
        openPiece = -1;
        open = null;
      }
    }

    /** The download of {@code piece} by {@code ref} stopped. */
    void stopped(int piece, ActorRef<Command> ref) {
      if (running[piece] == ref) {
        running[piece] = null;
      }
    }

    /** Stops every piece download (the download ends); their pieces are not asked for again. */
    void stopAll() {
      for (int p = 0; p < running.length; p++) {
        if (running[p] != null) {
          context.unwatch(running[p]);
          context.stop(running[p]);
          running[p] = null;
        }
      }
    }
  }
}
