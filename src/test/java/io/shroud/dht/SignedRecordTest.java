package io.shroud.dht;

import static io.shroud.dht.DhtFixtures.T0;
import static io.shroud.dht.DhtFixtures.num;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignedRecordTest {
  private static final Ed25519.KeyPair PUBLISHER = Ed25519.generate(new SecureRandom());
  private static final Ed25519.KeyPair OTHER = Ed25519.generate(new SecureRandom());
  private final RecordVerifier verifier = new RecordVerifier(Clock.fixed(T0, ZoneOffset.UTC));

  private static SignedRecord record(long seq, Instant expiry, byte[] value) {
    return SignedRecord.sign(PUBLISHER, num(42), seq, expiry, value);
  }

  @Test
  void aFreshSignedRecordVerifies() {
    SignedRecord r = record(7, T0.plus(Duration.ofHours(1)), "hello".getBytes(StandardCharsets.UTF_8));
    assertEquals(Optional.empty(), verifier.check(r));
    assertTrue(r.signatureValid());
  }

  @Test
  void signedBytesAreDomainSeparatedAndCoverEveryField() {
    SignedRecord r = record(7, T0.plusSeconds(60), new byte[] {1, 2});
    byte[] payload = r.signedPayload();
    byte[] domain = "shroud-dht-record-v1\0".getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(domain, Arrays.copyOf(payload, domain.length));
    assertEquals(domain.length + 32 + 8 + 8 + 2 + 2, payload.length);
  }

  @Test
  void anyAlteredFieldBreaksTheSignature() {
    SignedRecord r = record(7, T0.plusSeconds(600), new byte[] {1, 2, 3});
    SignedRecord[] forged = {
        new SignedRecord(num(43), r.publisher(), r.seq(), r.expiry(), r.value(), r.signature()),
        new SignedRecord(r.key(), r.publisher(), 8, r.expiry(), r.value(), r.signature()),
        new SignedRecord(r.key(), r.publisher(), r.seq(), r.expiry().plusSeconds(1), r.value(),
            r.signature()),
        new SignedRecord(r.key(), r.publisher(), r.seq(), r.expiry(), new byte[] {1, 2, 4},
            r.signature()),
        new SignedRecord(r.key(), OTHER.publicKey(), r.seq(), r.expiry(), r.value(),
            r.signature()),
    };
    for (SignedRecord f : forged) {
      assertEquals(Optional.of(RecordRejection.BAD_SIGNATURE), verifier.check(f), f.toString());
    }
  }

  @Test
  void expiredRecordsAreRefused() {
    assertEquals(Optional.of(RecordRejection.EXPIRED), verifier.check(record(1, T0, new byte[0])));
    assertEquals(Optional.of(RecordRejection.EXPIRED),
        verifier.check(record(1, T0.minusSeconds(1), new byte[0])));
  }

  @Test
  void expiryFurtherThanTheLimitIsRefused() {
    Instant limit = T0.plus(RecordVerifier.DEFAULT_MAX_LIFETIME);
    assertEquals(Optional.empty(), verifier.check(record(1, limit, new byte[0])));
    assertEquals(Optional.of(RecordRejection.EXPIRY_TOO_FAR),
        verifier.check(record(1, limit.plusSeconds(1), new byte[0])));
    RecordVerifier shortLived =
        new RecordVerifier(Clock.fixed(T0, ZoneOffset.UTC), Duration.ofMinutes(5));
    assertEquals(Optional.of(RecordRejection.EXPIRY_TOO_FAR),
        shortLived.check(record(1, T0.plusSeconds(301), new byte[0])));
  }

  @Test
  void oversizedValuesAreRefusedEvenWhenSigned() {
    Instant expiry = T0.plusSeconds(60);
    assertEquals(Optional.empty(),
        verifier.check(record(1, expiry, new byte[SignedRecord.MAX_VALUE_BYTES])));
    assertEquals(Optional.of(RecordRejection.VALUE_TOO_LARGE),
        verifier.check(record(1, expiry, new byte[SignedRecord.MAX_VALUE_BYTES + 1])));
  }

  @Test
  void structureIsCheckedOnConstruction() {
    byte[] pk = PUBLISHER.publicKey();
    byte[] sig = new byte[64];
    Instant e = T0.plusSeconds(1);
    assertThrows(IllegalArgumentException.class,
        () -> new SignedRecord(num(1), new byte[31], 0, e, new byte[0], sig));
    assertThrows(IllegalArgumentException.class,
        () -> new SignedRecord(num(1), pk, 0, e, new byte[0], new byte[63]));
    assertThrows(IllegalArgumentException.class,
        () -> new SignedRecord(num(1), pk, -1, e, new byte[0], sig));
    assertThrows(IllegalArgumentException.class,
        () -> new SignedRecord(num(1), pk, 0, e.plusMillis(1), new byte[0], sig));
  }

  @Test
  void copiesItsArraysAndKeepsValuesOutOfToString() {
    byte[] value = "secret-ish".getBytes(StandardCharsets.UTF_8);
    SignedRecord r = record(1, T0.plusSeconds(60), value);
    value[0] = 0;
    r.value()[1] = 0;
    assertEquals(Optional.empty(), verifier.check(r));
    assertFalse(r.toString().contains("secret"));
    assertEquals(r, new SignedRecord(r.key(), r.publisher(), r.seq(), r.expiry(), r.value(),
        r.signature()));
  }
}
