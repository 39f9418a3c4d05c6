package io.shroud.dht;

import io.shroud.testutil.MutableClock;
import static io.shroud.dht.DhtFixtures.T0;
import static io.shroud.dht.DhtFixtures.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordStoreTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Ed25519.KeyPair A = Ed25519.generate(RANDOM);
  private static final Ed25519.KeyPair B = Ed25519.generate(RANDOM);
  private final MutableClock clock = new MutableClock(T0);
  private final RecordStore store = new RecordStore(clock, new RecordVerifier(clock), 10, 3);

  private SignedRecord rec(Ed25519.KeyPair kp, int key, long seq, Duration life, int value) {
    return SignedRecord.sign(kp, num(key), seq, clock.instant().plus(life), new byte[] {(byte) value});
  }

  @Test
  void storesAndReturnsRecordsFromSeveralPublishers() {
    SignedRecord a = rec(A, 1, 1, Duration.ofHours(1), 1);
    SignedRecord b = rec(B, 1, 1, Duration.ofHours(2), 2);
    assertEquals(Optional.empty(), store.put(a));
    assertEquals(Optional.empty(), store.put(b));
    assertEquals(List.of(b, a), store.get(num(1)), "latest expiry first");
    assertEquals(List.of(), store.get(num(2)));
  }

  @Test
  void newestSeqPerPublisherWins() {
    SignedRecord v1 = rec(A, 1, 1, Duration.ofHours(1), 1);
    SignedRecord v2 = rec(A, 1, 2, Duration.ofHours(1), 2);
    store.put(v1);
    assertEquals(Optional.empty(), store.put(v2));
    assertEquals(List.of(v2), store.get(num(1)));
    assertEquals(Optional.of(RecordRejection.STALE_SEQ), store.put(v1));
    assertEquals(Optional.of(RecordRejection.STALE_SEQ),
        store.put(rec(A, 1, 2, Duration.ofHours(1), 9)), "same seq, other content");
    assertEquals(Optional.empty(), store.put(v2), "identical re-put is fine");
    assertEquals(1, store.size());
  }

  @Test
  void invalidRecordsAreNotStored() {
    SignedRecord good = rec(A, 1, 1, Duration.ofHours(1), 1);
    SignedRecord forged = new SignedRecord(good.key(), B.publicKey(), 1, good.expiry(),
        good.value(), good.signature());
    assertEquals(Optional.of(RecordRejection.BAD_SIGNATURE), store.put(forged));
    assertEquals(Optional.of(RecordRejection.EXPIRY_TOO_FAR),
        store.put(rec(A, 1, 1, Duration.ofHours(25), 1)));
    assertEquals(0, store.size());
  }

  @Test
  void expiredRecordsDisappearAndFreeTheirSlots() {
    store.put(rec(A, 1, 1, Duration.ofMinutes(10), 1));
    store.put(rec(B, 1, 1, Duration.ofHours(1), 2));
    clock.advance(Duration.ofMinutes(10));
    assertEquals(1, store.get(num(1)).size(), "an expired record is never returned");
    assertEquals(1, store.evictExpired());
    assertEquals(1, store.size());
    clock.advance(Duration.ofHours(1));
    assertEquals(1, store.evictExpired());
    assertEquals(0, store.keyCount());
  }

  @Test
  void publishersPerKeyAreCapped() {
    Ed25519.KeyPair c = Ed25519.generate(RANDOM);
    Ed25519.KeyPair d = Ed25519.generate(RANDOM);
    store.put(rec(A, 1, 1, Duration.ofMinutes(5), 1));
    store.put(rec(B, 1, 1, Duration.ofHours(1), 1));
    store.put(rec(c, 1, 1, Duration.ofHours(1), 1));
    assertEquals(Optional.of(RecordRejection.KEY_FULL), store.put(rec(d, 1, 1, Duration.ofHours(1), 1)));
    assertEquals(Optional.empty(), store.put(rec(B, 1, 2, Duration.ofHours(1), 2)),
        "a held publisher may still update");
    clock.advance(Duration.ofMinutes(5));
    assertEquals(Optional.empty(), store.put(rec(d, 1, 1, Duration.ofHours(1), 1)),
        "an expired publisher's slot is reused");
  }

  @Test
  void totalCapacityIsCapped() {
    for (int key = 0; key < 10; key++) {
      assertEquals(Optional.empty(), store.put(rec(A, key, 1, Duration.ofMinutes(key + 1), 1)));
    }
    assertEquals(Optional.of(RecordRejection.STORE_FULL),
        store.put(rec(A, 99, 1, Duration.ofHours(1), 1)));
    clock.advance(Duration.ofMinutes(1));
    assertEquals(Optional.empty(), store.put(rec(A, 99, 1, Duration.ofHours(1), 1)));
    assertEquals(10, store.size());
  }
}
