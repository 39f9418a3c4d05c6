package io.shroud.swarm.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shroud.swarm.ShareFixture;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SessionProofsTest {
  private final ShareFixture share = new ShareFixture(4, 6 * 65536, 65536);

  private SessionProofs.Prover prover(int piece, AtomicInteger calls) {
    return () -> {
      calls.incrementAndGet();
      return new SessionProofs.Proven(PieceProofs.of(share.tree, piece, share.piece(piece)), share.piece(piece));
    };
  }

  @Test
  void twoTasksAskingForOnePieceAtOnceHashItOnce() throws Exception {
    SessionProofs proofs = new SessionProofs(4);
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch proving = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CompletableFuture<SessionProofs.Proven> first = CompletableFuture.supplyAsync(() -> {
        try {
          return proofs.get(2, () -> {
            calls.incrementAndGet();
            proving.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
            return new SessionProofs.Proven(PieceProofs.of(share.tree, 2, share.piece(2)), share.piece(2));
          });
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }, pool);
      proving.await(10, TimeUnit.SECONDS);
      CompletableFuture<SessionProofs.Proven> second = CompletableFuture.supplyAsync(() -> {
        try {
          return proofs.get(2, prover(2, calls));
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      }, pool);
      release.countDown();
      SessionProofs.Proven a = first.get(10, TimeUnit.SECONDS);
      SessionProofs.Proven b = second.get(10, TimeUnit.SECONDS);
      assertEquals(1, calls.get(), "the piece was read and hashed once");
      assertSame(a.proofs(), b.proofs());
      assertArrayEquals(share.piece(2), a.pieceData(), "the task that read the piece gets its bytes");
      assertNull(b.pieceData(), "the waiting task reads its own blocks");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void keepsTheMostRecentPiecesUpToItsCapacity() throws Exception {
    SessionProofs proofs = new SessionProofs(2);
    AtomicInteger calls = new AtomicInteger();
    for (int p = 0; p < 5; p++) {
      assertNotNull(proofs.get(p, prover(p, calls)).pieceData());
    }
    assertEquals(2, proofs.size());
    assertNull(proofs.get(4, prover(4, calls)).pieceData(), "piece 4 is cached");
    assertNull(proofs.get(3, prover(3, calls)).pieceData(), "piece 3 is cached");
    assertEquals(5, calls.get());
    assertNotNull(proofs.get(0, prover(0, calls)).pieceData(), "piece 0 was evicted and is proven again");
    assertEquals(6, calls.get());
  }

  @Test
  void aFailedReadIsNotCachedAndSurfacesAsIoException() throws Exception {
    SessionProofs proofs = new SessionProofs(2);
    IOException e = assertThrows(IOException.class, () -> proofs.get(1, () -> {
      throw new IOException("disk gone");
    }));
    assertEquals("disk gone", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> proofs.get(1, () ->
        new SessionProofs.Proven(PieceProofs.of(share.tree, 1, new byte[10]), null)), "a wrong piece is refused");
    assertEquals(0, proofs.size());
    AtomicInteger calls = new AtomicInteger();
    assertNotNull(proofs.get(1, prover(1, calls)).pieceData());
  }
}
