package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PieceBuffersTest {
  private static final int PIECE = 32 * 1024;

  @Test
  void anArrayGivenBackIsTheNextOneTaken() {
    PieceBuffers pool = new PieceBuffers(PIECE, 4);
    byte[] first = pool.take(PIECE);
    assertEquals(PIECE, first.length);
    pool.give(first);
    assertEquals(1, pool.kept());
    assertSame(first, pool.take(PIECE));
    assertEquals(0, pool.kept());
    assertNotSame(first, pool.take(PIECE), "an array is handed out once per give");
  }

  @Test
  void aShortLastPieceGetsItsOwnArrayAndIsNotKept() {
    PieceBuffers pool = new PieceBuffers(PIECE, 4);
    pool.give(new byte[PIECE]);
    byte[] last = pool.take(5000);
    assertEquals(5000, last.length);
    assertEquals(1, pool.kept(), "the kept array is not spent on a short piece");
    pool.give(last);
    assertEquals(1, pool.kept());
  }

  @Test
  void keepsNoMoreThanItsCap() {
    PieceBuffers pool = new PieceBuffers(PIECE, 2);
    for (int i = 0; i < 5; i++) {
      pool.give(new byte[PIECE]);
    }
    assertEquals(2, pool.kept());
  }

  @Test
  void theCapFollowsThePieceLength() {
    PieceBuffers small = PieceBuffers.forPieceLength(128 * 1024, 32L << 20);
    for (int i = 0; i < 1000; i++) {
      small.give(new byte[128 * 1024]);
    }
    assertEquals(256, small.kept());
    PieceBuffers huge = PieceBuffers.forPieceLength(16 * 1024 * 1024, 32L << 20);
    for (int i = 0; i < 5; i++) {
      huge.give(new byte[16 * 1024 * 1024]);
    }
    assertEquals(2, huge.kept(), "at least two, so that one can fill while one is written");
  }

  @Test
  void clearLetsTheKeptArraysGoAndCloseKeepsNoneAfter() {
    PieceBuffers pool = new PieceBuffers(PIECE, 4);
    pool.give(new byte[PIECE]);
    pool.clear();
    assertEquals(0, pool.kept());
    pool.give(new byte[PIECE]);
    assertEquals(1, pool.kept(), "a paused download keeps arrays again once it gets them back");
    pool.close();
    assertEquals(0, pool.kept());
    pool.give(new byte[PIECE]);
    assertEquals(0, pool.kept(), "an ended download keeps nothing, even what a late write gives back");
    assertEquals(PIECE, pool.take(PIECE).length);
  }

  @Test
  void rejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new PieceBuffers(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new PieceBuffers(PIECE, -1));
  }
}
