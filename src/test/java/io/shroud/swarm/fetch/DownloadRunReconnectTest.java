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
import io.shroud.swarm.fetch.SourceReport.Connected;
import io.shroud.swarm.fetch.SourceReport.Lost;
import io.shroud.swarm.fetch.SourceReport.Received;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.swarm.transfer.TransferMessage;
import io.shroud.swarm.transfer.TransferMessage.BlockRequest;
import io.shroud.wire.TokenBucket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A source lost while blocks it sent wait in unfinished pieces, and the same provider back as a
 * new session: the download resumes on it. (SwarmIT's "a provider killed halfway" lost the other
 * provider too, its circuit ran through the killed node: the reconnected source was offered
 * only blocks already delivered, nothing went on the wire and the download stood still.)
 */
class DownloadRunReconnectTest {
  private static final int PIECE = 128 * 1024; // eight blocks
  private static final int PIECES = 8;
  /** The defaults with a pipeline of exactly four blocks (half a piece) per source. */
  private static final SwarmSettings FOUR_BLOCKS_IN_FLIGHT = new SwarmSettings(TokenBucket.MAX_RATE, 4L << 20, 32,
      4, 4, 3, Duration.ofSeconds(30), 8, 3, Duration.ofSeconds(30), Duration.ofSeconds(60), false);

  /** Keeps each session's requests; puts pieces together as their piece downloads would and writes them at once. */
  private final class FakeIo implements DownloadIo {
    /** Requests on the wire, by session epoch. */
    final Map<Long, List<BlockRequest>> wire = new LinkedHashMap<>();
    final Map<Integer, PieceWork> pieces = new LinkedHashMap<>();
    final Map<Integer, byte[]> written = new LinkedHashMap<>();
    DownloadRun run;
    boolean complete;

    @Override public void connect(NodeId provider, long epoch) { wire.put(epoch, new ArrayList<>()); }
    @Override public void send(NodeId provider, long epoch, TransferMessage message) { sendAll(provider, epoch, List.of(message)); }
    @Override public void sendAll(NodeId provider, long epoch, List<TransferMessage> messages) {
      for (TransferMessage m : messages) {
        if (m instanceof BlockRequest r) {
          wire.get(epoch).add(r);
        } else if (m instanceof TransferMessage.Cancel c) {
          wire.get(epoch).removeIf(r -> r.piece() == c.piece() && r.offset() == c.offset());
        }
      }
    }
    @Override public void close(NodeId provider, long epoch) { wire.remove(epoch); }
    @Override public void deliver(int piece, NodeId source, TransferMessage.Block block) {
      PieceWork work = pieces.computeIfAbsent(piece,
          p -> new PieceWork(p, share.geometry, run.verifier(), run.pieceBuffers()));
      if (work.accept(block) == PieceWork.Outcome.COMPLETE) {
        pieces.remove(piece);
        written.put(piece, work.handOver(share.geometry.pieceOffset(piece)).data().clone());
        run.pieces().pieceAssembled(piece);
        complete |= run.pieces().pieceWritten(piece);
      }
    }
    @Override public void layerVerified(byte[] pieceLayer) { }
    @Override public void retryLater() { }
    @Override public void findProviders() { }
    @Override public void log(String message) { }
  }

  private final ShareFixture share = new ShareFixture(33, PIECES * PIECE, PIECE);
  private final NodeId killed = NodeId.ofIdentityKey(new byte[] {2});
  private final NodeId survivor = NodeId.ofIdentityKey(new byte[] {3});
  private final FakeIo io = new FakeIo();
  private final DownloadRun run = newRun();

  @Test
  void aSourceLostWithTheOtherComesBackAndTheDownloadFinishesOnIt() {
    connect(List.of(killed, survivor));
    long killedEpoch = 1;
    long survivorEpoch = 2;
    assertEquals(4, io.wire.get(killedEpoch).size());
    assertEquals(4, io.wire.get(survivorEpoch).size());
    // the first piece's first half arrives from the killed provider, which is asked for more
    serve(killed, killedEpoch, 4);
    assertFalse(io.pieces.isEmpty(), "a piece is half put together");

    // node 2 dies: its provider and the circuit of the other (node 2 was its first hop) with it
    run.onReport(new Lost(killed, killedEpoch, "link to the first hop lost"));
    run.onReport(new Lost(survivor, survivorEpoch, "link to the first hop lost"));
    run.providersFound(List.of(killed, survivor), null);
    long reconnected = lastEpoch();
    run.onReport(new Connected(survivor, reconnected, "c", List.of()));
    run.onReport(new Received(survivor, reconnected, List.of(TransferMessage.Have.allPieces())));

    assertFalse(io.wire.get(reconnected).isEmpty(), "the reconnected source is asked for blocks");
    assertTrue(run.pieces().owes(survivor), "it owes them: the stall check watches it");
    serveUntilDone(survivor, reconnected);
    assertWholeShare();
  }

  @Test
  void theOnlySourceLostHalfwayThroughAPieceIsAskedAgainWhenItReconnects() {
    connect(List.of(survivor));
    serve(survivor, 1, 4);
    run.onReport(new Lost(survivor, 1, "stream ended"));
    run.providersFound(List.of(survivor), null);
    long reconnected = lastEpoch();
    run.onReport(new Received(survivor, reconnected, List.of(TransferMessage.Have.allPieces())));

    assertFalse(io.wire.get(reconnected).isEmpty(), "the reconnected source is asked for blocks");
    serveUntilDone(survivor, reconnected);
    assertWholeShare();
  }

  private DownloadRun newRun() {
    ShareLink link = ShareLink.forPublic(new InfoDict("f.bin", share.geometry, share.tree.root(), null));
    DownloadState state = new DownloadState().apply(new DownloadEvent.DownloadStarted(
        "d1", link.infoHashHex(), "/tmp/out.bin", 1, Instant.EPOCH));
    DownloadRun r = new DownloadRun(io, link, state, FOUR_BLOCKS_IN_FLIGHT, NodeId.ofIdentityKey(new byte[] {1}),
        Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), new SplittableRandom(1), new NodeMetrics(),
        DownloadRun.MAX_WRITE_BACKLOG_BYTES);
    io.run = r;
    r.setRunning(true);
    r.useVerifier(new PieceVerifier(share.tree));
    return r;
  }

  /** Connects to {@code providers} (epochs 1, 2, ...), each of which has every piece. */
  private void connect(List<NodeId> providers) {
    run.providersFound(providers, null);
    long epoch = 0;
    for (NodeId p : providers) {
      run.onReport(new Received(p, ++epoch, List.of(TransferMessage.Have.allPieces())));
    }
  }

  private long lastEpoch() {
    return io.wire.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
  }

  /** Answers {@code count} of the session's oldest requests, one block per report. */
  private void serve(NodeId provider, long epoch, int count) {
    for (int i = 0; i < count; i++) {
      BlockRequest r = io.wire.get(epoch).remove(0);
      run.onReport(new Received(provider, epoch, List.of(share.serve(r.piece(), r.offset(), r.length()))));
    }
  }

  private void serveUntilDone(NodeId provider, long epoch) {
    for (int guard = 0; !io.complete && guard < 10 * PIECES * 8; guard++) {
      assertFalse(io.wire.get(epoch).isEmpty(), "the download is not done, yet nothing is asked for");
      serve(provider, epoch, 1);
    }
  }

  private void assertWholeShare() {
    assertTrue(io.complete, "every piece is written");
    assertEquals(PIECES, io.written.size());
    for (Map.Entry<Integer, byte[]> e : io.written.entrySet()) {
      assertArrayEquals(share.piece(e.getKey()), e.getValue(), "piece " + e.getKey());
    }
  }
}
