package io.shroud.swarm.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.dht.RecordVerifier;
import io.shroud.dht.SignedRecord;
import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ProviderRecordTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final SecureRandom random = SeededRandom.of(7);
  private final byte[] infoHash = TransferSamples.filled(32, 3);
  private final Ed25519.KeyPair provider = Ed25519.generate(random);
  private final NodeId providerId = NodeId.ofIdentityKey(provider.publicKey());

  @Test
  void keyIsTheDomainSeparatedHashOfTheInfoHash() throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update("shroud-provider-v1".getBytes());
    assertEquals(NodeId.of(md.digest(infoHash)), ProviderKey.of(infoHash));
    assertNotEquals(NodeId.of(infoHash), ProviderKey.of(infoHash));
    assertEquals("5b2d9369", ProviderKey.of(new byte[32]).toHex().substring(0, 8));
  }

  @Test
  void signedAnnouncementOpensForHoldersOfTheInfoHash() throws Exception {
    ProviderRecord r = new ProviderRecord(providerId, clock.instant(), true);
    SignedRecord signed = r.sign(provider, infoHash, 1, Duration.ofHours(2), random);
    assertTrue(signed.valueLength() <= SignedRecord.MAX_VALUE_BYTES);
    assertEquals(ProviderRecord.VALUE_BYTES, signed.valueLength());
    assertTrue(new RecordVerifier(clock).check(signed).isEmpty(), "the DHT layer accepts it");
    assertEquals(r, ProviderRecord.open(signed, infoHash, clock));
  }

  @Test
  void valueHidesTheInfoHashAndTheNodeId() {
    byte[] value = new ProviderRecord(providerId, clock.instant(), false).seal(infoHash, random);
    String hex = HexFormat.of().formatHex(value);
    assertFalse(hex.contains(HexFormat.of().formatHex(infoHash)));
    assertFalse(hex.contains(providerId.toHex()));
    assertFalse(hex.contains(ProviderKey.of(infoHash).toHex()));
  }

  @Test
  void valueMovedToAnotherShareOrTamperedDoesNotOpen() {
    byte[] other = TransferSamples.filled(32, 4);
    byte[] value = new ProviderRecord(providerId, clock.instant(), true).seal(infoHash, random);
    SignedRecord moved = SignedRecord.sign(provider, ProviderKey.of(other), 1,
        clock.instant().plusSeconds(600), value);
    assertThrows(TransferProtocolException.class, () -> ProviderRecord.open(moved, other, clock));
    assertThrows(TransferProtocolException.class, () -> ProviderRecord.open(moved, infoHash, clock));
    value[20] ^= 1;
    SignedRecord tampered = SignedRecord.sign(provider, ProviderKey.of(infoHash), 1,
        clock.instant().plusSeconds(600), value);
    assertThrows(TransferProtocolException.class,
        () -> ProviderRecord.open(tampered, infoHash, clock));
    SignedRecord shortValue = SignedRecord.sign(provider, ProviderKey.of(infoHash), 1,
        clock.instant().plusSeconds(600), new byte[10]);
    assertThrows(TransferProtocolException.class,
        () -> ProviderRecord.open(shortValue, infoHash, clock));
  }

  @Test
  void aProviderCannotAnnounceSomeoneElse() {
    Ed25519.KeyPair mallory = Ed25519.generate(random);
    ProviderRecord claim = new ProviderRecord(providerId, clock.instant(), true);
    assertThrows(IllegalArgumentException.class,
        () -> claim.sign(mallory, infoHash, 1, Duration.ofHours(1), random));
    SignedRecord forged = SignedRecord.sign(mallory, ProviderKey.of(infoHash), 1,
        clock.instant().plusSeconds(600), claim.seal(infoHash, random));
    assertThrows(TransferProtocolException.class, () -> ProviderRecord.open(forged, infoHash, clock));
  }

  @Test
  void issuedInTheFutureIsRejected() {
    ProviderRecord r = new ProviderRecord(providerId, clock.instant().plusSeconds(3600), true);
    SignedRecord signed = r.sign(provider, infoHash, 1, Duration.ofHours(1), random);
    assertThrows(TransferProtocolException.class, () -> ProviderRecord.open(signed, infoHash, clock));
  }
}
