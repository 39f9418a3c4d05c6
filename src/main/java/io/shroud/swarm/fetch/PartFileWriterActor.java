package io.shroud.swarm.fetch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Writes a download's complete pieces to its part file in batches (group commit), a child of the
 * {@link DownloadActor}: while one batch is written and forced on the blocking dispatcher, the
 * pieces handed over meanwhile wait, and the next batch is written with one open and one force.
 * Under load this turns one fsync per piece into one per batch. After the force each piece is
 * hashed into the output digest (if any) and its {@link PieceDownloadActor} is told; the array
 * goes back to the {@link PieceBuffers} (through the digest, which may keep it a while for an
 * earlier piece). A failed write keeps the arrays from reuse: the download fails and they are
 * left to the collector.
 */
final class PartFileWriterActor extends AbstractBehavior<PartFileWriterActor.Command> {

  sealed interface Command {}

  /** Write {@code piece} and tell {@code replyTo} once it is forced. */
  record Write(DownloadStore.PieceData piece, ActorRef<PieceDownloadActor.Command> replyTo) implements Command {}

  /** Hash the pieces written from now on into {@code digest} (null: none). */
  record UseDigest(OutputDigest digest) implements Command {}

  private record BatchDone(List<Write> batch, Throwable failure) implements Command {}

  private final DownloadStore store;
  private final String id;
  private final PieceBuffers buffers;
  private final Executor blocking;
  private final List<Write> waiting = new ArrayList<>();
  private OutputDigest digest;
  private boolean writing;

  static Behavior<Command> create(DownloadStore store, String id, PieceBuffers buffers, OutputDigest digest,
      Executor blocking) {
    return Behaviors.setup(ctx -> new PartFileWriterActor(ctx, store, id, buffers, digest, blocking));
  }

  private PartFileWriterActor(ActorContext<Command> context, DownloadStore store, String id, PieceBuffers buffers,
      OutputDigest digest, Executor blocking) {
    super(context);
    this.store = store;
    this.id = id;
    this.buffers = buffers;
    this.digest = digest;
    this.blocking = blocking;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Write.class, w -> {
          waiting.add(w);
          if (!writing) {
            writeBatch();
          }
          return this;
        })
        .onMessage(UseDigest.class, u -> {
          digest = u.digest();
          return this;
        })
        .onMessage(BatchDone.class, this::onBatchDone)
        .build();
  }

  private void writeBatch() {
    List<Write> batch = List.copyOf(waiting);
    waiting.clear();
    writing = true;
    List<DownloadStore.PieceData> pieces = new ArrayList<>(batch.size());
    for (Write w : batch) {
      pieces.add(w.piece());
    }
    OutputDigest hashInto = digest;
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> {
      try {
        store.writePieces(id, pieces);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (DownloadStore.PieceData p : pieces) {
        if (hashInto != null) {
          hashInto.add(p.piece(), p.data());
        } else {
          buffers.give(p.data());
        }
      }
    }, blocking), (ok, failure) -> new BatchDone(batch, failure));
  }

  private Behavior<Command> onBatchDone(BatchDone done) {
    writing = false;
    for (Write w : done.batch()) {
      w.replyTo().tell(done.failure() == null ? PieceDownloadActor.Written.INSTANCE
          : new PieceDownloadActor.NotWritten(done.failure()));
    }
    if (!waiting.isEmpty()) {
      writeBatch();
    }
    return this;
  }
}
