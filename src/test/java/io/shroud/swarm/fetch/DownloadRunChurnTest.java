package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Two providers that keep losing their sessions (one, or both at once) and coming back, blocks
 * served, rejected and written in a seeded random order: at no point may the download stand
 * still with pieces missing while a ready source could be asked, and it completes with the
 * right bytes. "Standing still" is what the stall check cannot see: nothing on the wire, no
 * piece waiting for the disk, no session waiting for its HELLO answer.
 */
class DownloadRunChurnTest {
  private static final int PIECE = 128 * 1024; // eight blocks
  private static final int PIECES = 12;
  private static final SwarmSettings SMALL_PIPELINE = new SwarmSettings(TokenBucket.MAX_RATE, 4L << 20, 32,
      4, 8, 3, Duration.ofSeconds(30), 8, 3, Duration.ofSeconds(30), Duration.ofSeconds(60), false);

  /** One session's requests on the wire, oldest first, as its provider serves them. */
  private static final class Session {
    final NodeId provider;
    final long epoch;
    final Deque<BlockRequest> wire = new ArrayDeque<>();
    boolean answered;

    Session(NodeId provider, long epoch) {
      this.provider = provider;
      this.epoch = epoch;
    }
  }

  private final class FakeIo implements DownloadIo {
    final Map<Long, Session> sessions = new LinkedHashMap<>();
    final Map<Integer, PieceWork> pieces = new LinkedHashMap<>();
    final Deque<Integer> toWrite = new ArrayDeque<>();
    final Map<Integer, byte[]> written = new LinkedHashMap<>();
    DownloadRun run;
    boolean complete;

    @Override public void connect(NodeId provider, long epoch) { sessions.put(epoch, new Session(provider, epoch)); }
    @Override public void send(NodeId provider, long epoch, TransferMessage message) { sendAll(provider, epoch, List.of(message)); }
    @Override public void sendAll(NodeId provider, long epoch, List<TransferMessage> messages) {
      Session s = sessions.get(epoch);
      for (TransferMessage m : messages) {
        if (m instanceof BlockRequest r) {
          s.wire.add(r);
        } else if (m instanceof TransferMessage.Cancel c) {
          s.wire.removeIf(r -> r.piece() == c.piece() && r.offset() == c.offset());
        }
      }
    }
    @Override public void close(NodeId provider, long epoch) { sessions.remove(epoch); }
    @Override public void deliver(int piece, NodeId source, TransferMessage.Block block) {
      PieceWork work = pieces.computeIfAbsent(piece,
          p -> new PieceWork(p, share.geometry, run.verifier(), run.pieceBuffers()));
      if (work.accept(block) == PieceWork.Outcome.COMPLETE) {
        pieces.remove(piece);
        written.put(piece, work.handOver(share.geometry.pieceOffset(piece)).data().clone());
        run.pieces().pieceAssembled(piece);
        toWrite.add(piece);
      }
    }
    @Override public void layerVerified(byte[] pieceLayer) { }
    @Override public void retryLater() { }
    @Override public void findProviders() { }
    @Override public void log(String message) { }
  }

  private final ShareFixture share = new ShareFixture(44, PIECES * PIECE - 5000, PIECE);
  private final List<NodeId> providers = List.of(NodeId.ofIdentityKey(new byte[] {2}), NodeId.ofIdentityKey(new byte[] {3}));

  @Test
  void aDownloadWhoseSourcesComeAndGoNeverStandsStillAndCompletes() {
    for (long seed = 1; seed <= 100; seed++) {
      churn(seed);
    }
  }

  private void churn(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    FakeIo io = new FakeIo();
    DownloadRun run = newRun(io, seed);
    run.providersFound(providers, null);
    for (int step = 0; !io.complete; step++) {
      if (step > 20_000) {
        fail("seed " + seed + ": no end after " + step + " steps");
      }
      List<Session> live = new ArrayList<>(io.sessions.values());
      int event = random.nextInt(100);
      if (event < 2 && !live.isEmpty()) {
        lose(run, io, live.get(random.nextInt(live.size())));
      } else if (event < 3 && !live.isEmpty()) {
        live.forEach(s -> lose(run, io, s)); // a relay both circuits ran through died
      } else if (event < 8) {
        run.providersFound(providers, null);
      } else if (event < 11 && !io.pieces.isEmpty()) {
        int piece = io.pieces.keySet().iterator().next(); // its piece download failed: the piece is asked again
        io.pieces.remove(piece).release();
        run.pieces().pieceStopped(piece);
      } else if (event < 22 && !io.toWrite.isEmpty()) {
        int piece = io.toWrite.poll();
        io.complete |= run.pieces().pieceWritten(piece);
        run.pieces().pieceStopped(piece); // its piece download stops once the piece is written
      } else {
        Session s = live.isEmpty() ? null : live.get(random.nextInt(live.size()));
        if (s != null && !s.answered) {
          if (random.nextBoolean()) {
            run.onReport(new Connected(s.provider, s.epoch, "c" + s.epoch, List.of()));
          }
          s.answered = true;
          run.onReport(new Received(s.provider, s.epoch, List.of(TransferMessage.Have.allPieces())));
        } else if (s != null && !s.wire.isEmpty()) {
          BlockRequest r = s.wire.poll();
          TransferMessage answer = random.nextInt(20) == 0 ? new TransferMessage.Reject(r.piece(), r.offset(), TransferMessage.RejectReason.BUSY)
              : share.serve(r.piece(), r.offset(), r.length());
          run.onReport(new Received(s.provider, s.epoch, List.of(answer)));
        }
      }
      checkNotStandingStill(seed, step, run, io);
    }
    assertEquals(PIECES, io.written.size(), "seed " + seed);
    for (Map.Entry<Integer, byte[]> e : io.written.entrySet()) {
      assertArrayEquals(share.piece(e.getKey()), e.getValue(), "seed " + seed + ", piece " + e.getKey());
    }
  }

  private static void lose(DownloadRun run, FakeIo io, Session s) {
    io.sessions.remove(s.epoch);
    run.onReport(new Lost(s.provider, s.epoch, "link to the first hop lost"));
  }

  /**
   * Something must be under way while pieces are missing: a request on the wire, a piece for
   * the disk, a session before its HELLO answer, or no session at all (a lookup is due).
   */
  private static void checkNotStandingStill(long seed, int step, DownloadRun run, FakeIo io) {
    if (io.complete || !io.toWrite.isEmpty() || io.sessions.isEmpty()) {
      return;
    }
    boolean underWay = false;
    for (Session s : io.sessions.values()) {
      underWay |= !s.answered || !s.wire.isEmpty();
      if (s.answered) {
        assertEquals(!s.wire.isEmpty(), run.pieces().owes(s.provider),
            "seed " + seed + ", step " + step + ": the stall check sees what is on the wire of " + s.provider.shortHex());
      }
    }
    assertTrue(underWay, "seed " + seed + ", step " + step + ": pieces missing, ready sources, nothing asked for");
  }

  private DownloadRun newRun(FakeIo io, long seed) {
    ShareLink link = ShareLink.forPublic(new InfoDict("f.bin", share.geometry, share.tree.root(), null));
    DownloadState state = new DownloadState().apply(new DownloadEvent.DownloadStarted(
        "d1", link.infoHashHex(), "/tmp/out.bin", 1, Instant.EPOCH));
    DownloadRun r = new DownloadRun(io, link, state, SMALL_PIPELINE, NodeId.ofIdentityKey(new byte[] {1}),
        Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), new SplittableRandom(seed), new NodeMetrics(),
        DownloadRun.MAX_WRITE_BACKLOG_BYTES);
    io.run = r;
    r.setRunning(true);
    r.useVerifier(new PieceVerifier(share.tree));
    return r;
  }
}
