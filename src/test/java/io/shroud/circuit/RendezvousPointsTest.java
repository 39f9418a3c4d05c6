package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rendezvous-point cookies (protocol §11.7): one use, in use, expiry after 2 minutes, 4096 at most. */
class RendezvousPointsTest {
  private static byte[] cookie(int n) {
    return ByteBuffer.allocate(20).putInt(n).array();
  }

  @Test
  void aCookieIsTakenOnce() {
    RendezvousPoints<String> points = new RendezvousPoints<>();
    assertEquals(RendezvousPoints.Established.OK, points.establish(cookie(1), "downloader", 0));
    assertEquals(RendezvousPoints.Established.COOKIE_IN_USE, points.establish(cookie(1), "other", 0));
    assertTrue(points.take(cookie(2), 0).isEmpty());
    assertEquals(Optional.of("downloader"), points.take(cookie(1), 0));
    assertTrue(points.take(cookie(1), 0).isEmpty(), "forgotten once taken");
    assertEquals(RendezvousPoints.Established.OK, points.establish(cookie(1), "other", 0), "free again");
  }

  @Test
  void aCookieExpiresAfterTwoMinutesAndWithItsCircuit() {
    RendezvousPoints<String> points = new RendezvousPoints<>();
    points.establish(cookie(1), "a", 0);
    points.establish(cookie(2), "b", 60_000);
    points.establish(cookie(3), "c", 60_000);
    assertEquals(Optional.of("a"), points.take(cookie(1), 119_999));
    points.establish(cookie(1), "a", 119_999);
    points.expire(180_000);
    assertEquals(1, points.size(), "b and c expired at 180 s, a (again since 119.999 s) not");
    assertTrue(points.take(cookie(2), 180_000).isEmpty());
    points.circuitEnded("a");
    assertEquals(0, points.size());
    points.establish(cookie(4), "d", 200_000);
    assertTrue(points.take(cookie(4), 320_000).isEmpty(), "take expires too");
  }

  @Test
  void atMost4096Pending() {
    RendezvousPoints<Integer> points = new RendezvousPoints<>();
    for (int i = 0; i < 4096; i++) {
      assertEquals(RendezvousPoints.Established.OK, points.establish(cookie(i), i, 0));
    }
    assertEquals(RendezvousPoints.Established.FULL, points.establish(cookie(9999), 9999, 1));
    assertEquals(RendezvousPoints.Established.OK, points.establish(cookie(9999), 9999, 120_000),
        "the old ones expired");
    assertEquals(1, points.size());
  }
}
