package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.InfoDict;
import io.shroud.content.ShareLink;
import io.shroud.identity.NodeId;
import io.shroud.metrics.NodeMetrics;
import io.shroud.swarm.ShareFixture;
import io.shroud.swarm.fetch.SourceReport.Received;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.swarm.transfer.TransferMessage;
import io.shroud.swarm.transfer.TransferMessage.BlockRequest;
import io.shroud.wire.TokenBucket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A run stops asking for blocks while the part file is too far behind, and asks again as the
 * writes are reported: the download waits for the disk instead of holding every verified piece
 * in memory.
 */
class DownloadRunWriteBacklogTest {
  private static final int PIECE = 64 * 1024;
  private static final int PIECES = 16;
  /** The defaults with a pipeline of exactly four blocks (one piece) per source. */
  private static final SwarmSettings FOUR_BLOCKS_IN_FLIGHT = new SwarmSettings(TokenBucket.MAX_RATE, 4L << 20, 32,
      4, 4, 3, Duration.ofSeconds(30), 8, 3, Duration.ofSeconds(30), Duration.ofSeconds(60), false);

  /**
   * Keeps the requests and the pieces handed over for writing; writes nothing. Each piece's
   * blocks are put together at once by a {@link PieceWork}, as its piece download would.
   */
  private final class DiskIo implements DownloadIo {
    final Deque<BlockRequest> requested = new ArrayDeque<>();
    final Map<Integer, byte[]> handedOver = new LinkedHashMap<>();
    final Map<Integer, PieceWork> pieces = new LinkedHashMap<>();
    DownloadRun run;

    @Override public void connect(NodeId provider, long epoch) { }
    @Override public void send(NodeId provider, long epoch, TransferMessage message) { sendAll(provider, epoch, List.of(message)); }
    @Override public void sendAll(NodeId provider, long epoch, List<TransferMessage> messages) {
      for (TransferMessage m : messages) {
        if (m instanceof BlockRequest r) {
          requested.add(r);
        }
      }
    }
    @Override public void close(NodeId provider, long epoch) { }
    @Override public void deliver(int piece, NodeId source, TransferMessage.Block block) {
      PieceWork work = pieces.computeIfAbsent(piece,
          p -> new PieceWork(p, share.geometry, run.verifier(), run.pieceBuffers()));
      if (work.accept(block) == PieceWork.Outcome.COMPLETE) {
        pieces.remove(piece);
        handedOver.put(piece, work.handOver(share.geometry.pieceOffset(piece)).data().clone());
        run.pieces().pieceAssembled(piece);
      }
    }
    @Override public void layerVerified(byte[] pieceLayer) { }
    @Override public void retryLater() { }
    @Override public void findProviders() { }
    @Override public void log(String message) { }
  }

  private final ShareFixture share = new ShareFixture(21, PIECES * PIECE, PIECE);
  private final NodeId provider = NodeId.ofIdentityKey(new byte[] {2});
  private final DiskIo io = new DiskIo();
  private DownloadState state;

  @Test
  void noBlocksAreRequestedWhileThePartFileIsTwoPiecesBehind() {
    DownloadRun run = runWithBacklogLimit(2L * PIECE);
    serveEverythingAsked(run);
    // the second piece reaches the limit; blocks already asked for (a pipeline of four, one
    // piece's worth) may still complete one more; then nothing more is asked for
    int behind = io.handedOver.size();
    assertTrue(behind == 2 || behind == 3, "two or three pieces wait for the disk, not " + behind);
    assertTrue(io.requested.isEmpty());
    assertEquals((long) behind * PIECE, DownloadView.of("d1", state, run, null).waitingForDiskBytes(),
        "the view shows what waits for the disk");

    List<Integer> verified = new ArrayList<>();
    for (int piece : new ArrayList<>(io.handedOver.keySet())) {
      run.pieces().pieceWritten(piece);
      verified.add(piece);
      behind--;
      if (behind >= 2) {
        assertTrue(io.requested.isEmpty(), behind + " pieces behind: still nothing asked for");
      } else {
        assertFalse(io.requested.isEmpty(), behind + " piece(s) behind: the run asks again");
        break;
      }
    }
    for (int round = 0; round < 2 * PIECES && io.handedOver.size() < PIECES; round++) {
      serveEverythingAsked(run);
      assertTrue(io.handedOver.size() - verified.size() <= 3, "never more than the limit and a piece behind");
      assertTrue(io.requested.isEmpty());
      for (int piece : new ArrayList<>(io.handedOver.keySet())) {
        if (!verified.contains(piece)) {
          verified.add(piece);
          run.pieces().pieceWritten(piece);
        }
      }
    }
    assertEquals(PIECES, io.handedOver.size(), "the whole share arrives");
    for (Map.Entry<Integer, byte[]> e : io.handedOver.entrySet()) {
      assertArrayEquals(share.piece(e.getKey()), e.getValue(), "piece " + e.getKey());
    }
  }

  @Test
  void aRunLetsItsPieceArraysGoWhenItPausesAndWhenItEnds() {
    DownloadRun run = runWithBacklogLimit(DownloadRun.MAX_WRITE_BACKLOG_BYTES);
    run.pieceBuffers().give(new byte[PIECE]);
    run.pieceBuffers().give(new byte[PIECE]);
    run.stopAll();
    assertEquals(0, run.pieceBuffers().kept(), "a paused download holds no spare arrays");
    run.pieceBuffers().give(new byte[PIECE]); // a write that was under way when it paused
    run.finishing();
    assertEquals(0, run.pieceBuffers().kept());
    run.pieceBuffers().give(new byte[PIECE]); // the output digest letting go of a piece late
    assertEquals(0, run.pieceBuffers().kept(), "a finished download, which stays listed, holds none");
  }

  @Test
  void aBacklogLimitAboveTheShareNeverHoldsItBack() {
    DownloadRun run = runWithBacklogLimit(DownloadRun.MAX_WRITE_BACKLOG_BYTES);
    serveEverythingAsked(run);
    assertEquals(PIECES, io.handedOver.size());
  }

  private DownloadRun runWithBacklogLimit(long limit) {
    ShareLink link = ShareLink.forPublic(new InfoDict("f.bin", share.geometry, share.tree.root(), null));
    state = new DownloadState().apply(new DownloadEvent.DownloadStarted(
        "d1", link.infoHashHex(), "/tmp/out.bin", 1, Instant.EPOCH));
    DownloadRun run = new DownloadRun(io, link, state, FOUR_BLOCKS_IN_FLIGHT,
        NodeId.ofIdentityKey(new byte[] {1}), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), new SplittableRandom(1),
        new NodeMetrics(), limit);
    io.run = run;
    run.setRunning(true);
    run.useVerifier(new PieceVerifier(share.tree));
    run.providersFound(List.of(provider), null);
    run.onReport(new Received(provider, 1, List.of(TransferMessage.Have.allPieces())));
    return run;
  }

  /** Answers every outstanding request, one block per report, until none is left. */
  private void serveEverythingAsked(DownloadRun run) {
    for (BlockRequest r; (r = io.requested.poll()) != null; ) {
      run.onReport(new Received(provider, 1, List.of(share.serve(r.piece(), r.offset(), r.length()))));
    }
  }
}
