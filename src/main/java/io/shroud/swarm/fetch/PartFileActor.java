package io.shroud.swarm.fetch;

import io.shroud.content.ShareLink;
import io.shroud.swarm.serve.SharesActor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A download's part file (and its leaves file), a child of the {@link DownloadActor}, which
 * decides and journals while this actor does the blocking file work on the blocking dispatcher.
 *
 * <p>It writes complete pieces in batches (group commit): while one batch is written and forced,
 * the pieces handed over meanwhile wait, and the next batch is written with one open and one
 * force. Under load this turns one fsync per piece into one per batch. After the force each
 * piece is hashed into the output digest (if any) and its {@link PieceDownloadActor} is told; the
 * array goes back to the {@link PieceBuffers} (through the digest, which may keep it a while for
 * an earlier piece). A failed write keeps the arrays from reuse: the download fails and they are
 * left to the collector.
 *
 * <p>It also re-checks the part file when a download resumes ({@link Recheck}), produces the
 * output from the complete part file ({@link Finish}), and hands a completed download to the
 * share catalogue, deleting the part and leaves files if it is refused ({@link Seed}). The
 * output digest ({@link OutputDigest}) is the output produced while pieces are written, for a
 * download that started from its first piece in this incarnation: a public share's SHA-256, or
 * an encrypted share decrypted into the output's {@code .part} sibling; without it the finished
 * part file is read (and decrypted) at the end. It is dropped when this actor stops.
 */
final class PartFileActor extends AbstractBehavior<PartFileActor.Command> {

  sealed interface Command {}

  /** Write {@code piece} and tell {@code replyTo} once it is forced. */
  record Write(DownloadStore.PieceData piece, ActorRef<PieceDownloadActor.Command> replyTo) implements Command {}

  /** Hash the pieces written from now on into a new output digest (none was written yet). */
  enum StartOutputDigest implements Command { INSTANCE }

  /** Drop the output digest and what it produced (the download ends without an output). */
  enum DiscardOutputDigest implements Command { INSTANCE }

  /**
   * The download is cancelled: delete its files ({@link DownloadStore#delete}) once the batch being
   * written (if any) is done, and write nothing after that.
   */
  record DeleteFiles(Path output) implements Command {}

  /**
   * The resume check: re-read and check the {@code recent} journaled pieces, and find the pieces
   * written after the last journal entry ({@link DownloadFinisher#recheck}, {@link DownloadFinisher#recover}).
   */
  record Recheck(PieceVerifier verifier, List<Integer> recent, BitSet journaled, ActorRef<Rechecked> replyTo)
      implements Command {}

  /** The answer to {@link Recheck}: journaled pieces found damaged, and written pieces the journal missed. */
  record Rechecked(BitSet bad, BitSet recovered, Throwable failure) {}

  /** Every piece is written: produce the output ({@link DownloadFinisher#finish}). */
  record Finish(boolean keepCiphertext, ActorRef<OutputDone> replyTo) implements Command {}

  /** The answer to {@link Finish}. */
  record OutputDone(DownloadFinisher.Finished finished, Throwable failure) {}

  /** Write the verified piece layer to its file ({@link DownloadStore#writeLayer}) and answer its SHA-256. */
  record StoreLayer(byte[] layer, ActorRef<LayerStored> replyTo) implements Command {}

  /** The answer to {@link StoreLayer}: the layer, and its SHA-256 once it is on disk (or the failure). */
  record LayerStored(byte[] layer, byte[] sha256, Throwable failure) {}

  /** Hand the completed download to {@code shares} to be served from its part and leaves files. */
  record Seed(ActorRef<SharesActor.Command> shares, byte[] pieceLayer) implements Command {}

  private record BatchDone(List<Write> batch, Throwable failure) implements Command {}

  private record Seeded(SharesActor.AddResult result) implements Command {}

  private record FilesDeleted(Throwable failure) implements Command {}

  /** Bytes of verified pieces that may wait for an earlier one before the output digest gives up. */
  static final long OUTPUT_DIGEST_MAX_WAITING = 16L * 1024 * 1024;

  private final DownloadStore store;
  private final String id;
  private final ShareLink link;
  private final Path output;
  private final PieceBuffers buffers;
  private final Executor blocking;
  private final List<Write> waiting = new ArrayList<>();
  private OutputDigest digest;
  private boolean writing;
  /** Files to delete after the batch in flight, once asked to ({@link DeleteFiles}); nothing is written then. */
  private Path deleteAfterBatch;
  private boolean deleted;

  /** With {@code outputDigest} the output digest starts at once (the download starts from its first piece). */
  static Behavior<Command> create(DownloadStore store, String id, ShareLink link, Path output, PieceBuffers buffers,
      Executor blocking, boolean outputDigest) {
    return Behaviors.setup(ctx -> {
      PartFileActor actor = new PartFileActor(ctx, store, id, link, output, buffers, blocking);
      if (outputDigest) {
        actor.digest = actor.startOutputDigest();
      }
      return actor;
    });
  }

  private PartFileActor(ActorContext<Command> context, DownloadStore store, String id, ShareLink link, Path output,
      PieceBuffers buffers, Executor blocking) {
    super(context);
    this.store = store;
    this.id = id;
    this.link = link;
    this.output = output;
    this.buffers = buffers;
    this.blocking = blocking;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Write.class, w -> {
          if (deleted || deleteAfterBatch != null) {
            w.replyTo().tell(new PieceDownloadActor.NotWritten(new IOException("the download was cancelled")));
            return this;
          }
          waiting.add(w);
          if (!writing) {
            writeBatch();
          }
          return this;
        })
        .onMessage(DeleteFiles.class, this::onDeleteFiles)
        .onMessage(FilesDeleted.class, this::onFilesDeleted)
        .onMessage(BatchDone.class, this::onBatchDone)
        .onMessageEquals(StartOutputDigest.INSTANCE, () -> {
          discardOutputDigest();
          digest = startOutputDigest();
          return this;
        })
        .onMessageEquals(DiscardOutputDigest.INSTANCE, () -> {
          discardOutputDigest();
          return this;
        })
        .onMessage(Recheck.class, this::onRecheck)
        .onMessage(Finish.class, this::onFinish)
        .onMessage(StoreLayer.class, this::onStoreLayer)
        .onMessage(Seed.class, this::onSeed)
        .onMessage(Seeded.class, this::onSeeded)
        .onSignal(PostStop.class, s -> {
          discardOutputDigest();
          return this;
        })
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
    if (deleteAfterBatch != null) {
      deleteNow(deleteAfterBatch);
    } else if (!waiting.isEmpty()) {
      writeBatch();
    }
    return this;
  }

  private Behavior<Command> onDeleteFiles(DeleteFiles delete) {
    for (Write w : waiting) {
      w.replyTo().tell(new PieceDownloadActor.NotWritten(new IOException("the download was cancelled")));
    }
    waiting.clear();
    discardOutputDigest();
    if (writing) {
      deleteAfterBatch = delete.output();
    } else {
      deleteNow(delete.output());
    }
    return this;
  }

  /** Deletes the files on the blocking dispatcher; from now on nothing is written. */
  private void deleteNow(Path output) {
    deleteAfterBatch = null;
    deleted = true;
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> store.delete(id, output), blocking),
        (ok, failure) -> new FilesDeleted(failure));
  }

  private Behavior<Command> onFilesDeleted(FilesDeleted deleted) {
    if (deleted.failure() != null) {
      getContext().getLog().warn("download {}: its files could not all be deleted: {}", id,
          deleted.failure().getMessage());
    }
    return this;
  }

  /**
   * A public share's SHA-256, or an encrypted share decrypted into its output's {@code .part}
   * sibling (null if that file cannot be opened; the part file is then decrypted at the end).
   */
  private OutputDigest startOutputDigest() {
    if (!link.encrypted()) {
      return new OutputDigest(link.geometry(), OUTPUT_DIGEST_MAX_WAITING, null, buffers::give);
    }
    try {
      return new OutputDigest(link.geometry(), OUTPUT_DIGEST_MAX_WAITING,
          DecryptingOutput.create(link, store.outputPart(id, output)), buffers::give);
    } catch (OutputPart.NotOurs e) {
      getContext().getLog().warn("download {}: {} — it fails when it finishes unless that file is removed", id,
          e.getMessage());
      return null;
    } catch (IOException | RuntimeException e) {
      getContext().getLog().debug("download {} decrypts at the end: {}", id, e.getMessage());
      return null;
    }
  }

  private void discardOutputDigest() {
    OutputDigest dropped = digest;
    digest = null;
    if (dropped != null) {
      CompletableFuture.runAsync(dropped::discard, blocking);
    }
  }

  private Behavior<Command> onRecheck(Recheck r) {
    CompletableFuture.supplyAsync(() -> {
      try {
        return new Rechecked(DownloadFinisher.recheck(store, id, r.verifier(), r.recent()),
            DownloadFinisher.recover(store, id, r.verifier(), r.journaled()), null);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, blocking).whenComplete((found, failure) -> r.replyTo().tell(found != null ? found
        : new Rechecked(null, null, failure)));
    return this;
  }

  private Behavior<Command> onFinish(Finish f) {
    OutputDigest streamed = digest;
    digest = null;
    Path part = store.partFile(id);
    OutputPart plain = store.outputPart(id, output);
    CompletableFuture.supplyAsync(() -> {
      try {
        return DownloadFinisher.finish(link, part, output, plain, f.keepCiphertext(), streamed);
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, blocking).whenComplete((finished, failure) -> f.replyTo().tell(new OutputDone(finished, failure)));
    return this;
  }

  private Behavior<Command> onStoreLayer(StoreLayer s) {
    CompletableFuture.supplyAsync(() -> {
      try {
        return store.writeLayer(id, s.layer());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, blocking).whenComplete((sha, failure) -> s.replyTo().tell(new LayerStored(s.layer(), sha,
        failure == null ? null : failure.getCause() != null ? failure.getCause() : failure)));
    return this;
  }

  private Behavior<Command> onSeed(Seed s) {
    s.shares().tell(new SharesActor.AdoptDownload(output, link.encrypted() ? store.partFile(id) : null,
        store.leavesFile(id), link.format(), s.pieceLayer(),
        getContext().messageAdapter(SharesActor.AddResult.class, Seeded::new)));
    return this;
  }

  private Behavior<Command> onSeeded(Seeded seeded) {
    if (seeded.result() instanceof SharesActor.Refused r) {
      getContext().getLog().info("download {} is not seeded: {}", id, r.message());
      for (Path leftover : List.of(store.partFile(id), store.leavesFile(id))) {
        try {
          Files.deleteIfExists(leftover);
        } catch (IOException e) {
          getContext().getLog().warn("cannot delete {}: {}", leftover, e.getMessage());
        }
      }
    } else {
      getContext().getLog().info("download {} completed and is now seeded", id);
    }
    return this;
  }
}
