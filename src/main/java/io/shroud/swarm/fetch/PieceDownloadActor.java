package io.shroud.swarm.fetch;

import io.shroud.identity.NodeId;
import io.shroud.swarm.transfer.TransferMessage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The download of one piece, a child of its {@link DownloadActor}: owns the piece's blocks while
 * they arrive, checks each against the verified piece layer and the whole piece's leaves
 * ({@link PieceWork}), hands the complete piece to the part-file writer and stops once it is
 * written and forced, or when its piece is given up. The parent watches it: if it stops any
 * other way (an exception, a kill) the parent hands the piece's blocks back to the picker
 * ({@link PieceFlow#abandoned}), so only this piece is fetched again.
 */
final class PieceDownloadActor extends AbstractBehavior<PieceDownloadActor.Command> {

  sealed interface Command {}

  /** A block of this piece from {@code source}, which was asked for it. */
  record Arrived(NodeId source, TransferMessage.Block block) implements Command {}

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
  private final ActorRef<PartFileWriterActor.Command> writer;

  static Behavior<Command> create(PieceWork work, long offset, ActorRef<Report> parent,
      ActorRef<PartFileWriterActor.Command> writer) {
    return Behaviors.setup(ctx -> new PieceDownloadActor(ctx, work, offset, parent, writer));
  }

  private PieceDownloadActor(ActorContext<Command> context, PieceWork work, long offset, ActorRef<Report> parent,
      ActorRef<PartFileWriterActor.Command> writer) {
    super(context);
    this.work = work;
    this.offset = offset;
    this.parent = parent;
    this.writer = writer;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Arrived.class, this::onArrived)
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
    switch (work.accept(a.block())) {
      case BAD -> parent.tell(new BadBlock(work.piece(), a.block().offset() / io.shroud.content.PieceGeometry.BLOCK_SIZE,
          a.source()));
      case COMPLETE -> {
        parent.tell(new Assembled(work.piece()));
        writer.tell(new PartFileWriterActor.Write(work.handOver(offset), getContext().getSelf()));
      }
      case FAILED -> {
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
}
