package io.shroud.dht;

import io.shroud.testutil.MutableClock;
import static io.shroud.dht.DhtFixtures.T0;
import static io.shroud.dht.DhtFixtures.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepublisherTest {
  private static final Ed25519.KeyPair A = Ed25519.generate(new SecureRandom());
  private final MutableClock clock = new MutableClock(T0);

  private SignedRecord rec(Ed25519.KeyPair kp, int key, long seq, Duration life, int value) {
    return SignedRecord.sign(kp, num(key), seq, clock.instant().plus(life), new byte[] {(byte) value});
  }

  @Test
  void republisherSaysWhenOwnRecordsAreDue() {
    Republisher rp = new Republisher(clock);
    assertNull(rp.nextDue());
    SignedRecord r = rec(A, 1, 1, Duration.ofHours(24), 1);
    rp.track(r);
    Instant due = T0.plus(Duration.ofHours(18));
    assertEquals(due, rp.nextDue());
    clock.advance(Duration.ofHours(18).minusSeconds(1));
    assertTrue(rp.due().isEmpty());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(List.of(r), rp.due());
    SignedRecord renewed = rec(A, 1, 2, Duration.ofHours(24), 1);
    rp.track(renewed);
    assertEquals(1, rp.size(), "the renewed record replaces the old one");
    assertTrue(rp.due().isEmpty());
    assertTrue(rp.untrack(num(1), A.publicKey()));
    assertEquals(0, rp.size());
  }

  @Test
  void aConfiguredFractionMovesTheDueTime() {
    Republisher half = new Republisher(clock, 0.5);
    half.track(rec(A, 2, 1, Duration.ofHours(2), 1));
    assertEquals(T0.plus(Duration.ofHours(1)), half.nextDue());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new Republisher(clock, 1.0));
  }
}
