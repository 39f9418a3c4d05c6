package io.shroud.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.OnionKeyPair;
import io.shroud.crypto.X25519;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DescriptorVerifierTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  private static final String MEMBER = "127.1.0.1:25520";

  private final SecureRandom random = new SecureRandom(new byte[] {1});
  private final Ed25519.KeyPair identity = Ed25519.generate(random);
  private final Ed25519.KeyPair otherIdentity = Ed25519.generate(random);
  private final DescriptorVerifier verifier =
      new DescriptorVerifier(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5));

  private NodeDescriptor descriptor(Ed25519.KeyPair id, String cluster, Instant from, Instant until) {
    return new NodeDescriptor(NodeDescriptor.PROTOCOL_VERSION, NodeId.ofIdentityKey(id.publicKey()),
        id.publicKey(), X25519.generate(random).publicKey(),
        OnionKeyPair.generate(random, NOW.plusSeconds(86400)).publicKey().encode(), cluster, "127.1.0.1:7400",
        from, until);
  }

  private NodeDescriptor valid() {
    return descriptor(identity, MEMBER, NOW.minusSeconds(60), NOW.plusSeconds(3600));
  }

  @Test
  void aWellSignedCurrentDescriptorVerifies() {
    NodeDescriptor d = valid();
    var result = verifier.verify(SignedDescriptor.sign(d, identity), MEMBER);
    assertEquals(new DescriptorVerifier.Verified(d), result);
  }

  @Test
  void codecRoundTripsEveryField() throws Exception {
    NodeDescriptor d = valid();
    assertEquals(d, DescriptorCodec.decode(DescriptorCodec.encode(d)));
    assertArrayEquals(DescriptorCodec.encode(d), DescriptorCodec.encode(DescriptorCodec.decode(DescriptorCodec.encode(d))));
  }

  @Test
  void theAdvertisedBandwidthTravelsInWholeKibibytes() throws Exception {
    NodeDescriptor d = valid();
    NodeDescriptor fast = new NodeDescriptor(d.protocolVersion(), d.nodeId(), d.identityKey(), d.linkKey(),
        d.onionKey(), d.clusterAddress(), d.dataAddress(), d.validFrom(), d.validUntil(),
        50L * 1024 * 1024);
    assertEquals(50L * 1024 * 1024, DescriptorCodec.decode(DescriptorCodec.encode(fast)).bandwidth());
  }

  @Test
  void aFlippedSignatureBitIsRejected() {
    SignedDescriptor s = SignedDescriptor.sign(valid(), identity);
    byte[] sig = s.signature();
    sig[10] ^= 0x01;
    assertRejected(new SignedDescriptor(s.encoded(), sig), "signature");
  }

  @Test
  void aFlippedContentBitIsRejected() {
    SignedDescriptor s = SignedDescriptor.sign(valid(), identity);
    byte[] enc = s.encoded();
    enc[enc.length - 1] ^= 0x01; // lowest bit of valid-until
    assertRejected(new SignedDescriptor(enc, s.signature()), "signature");
  }

  @Test
  void aDescriptorSignedWithAnotherNodesKeyIsRejected() {
    // claims identity's key and node id, but the signature is otherIdentity's
    assertRejected(SignedDescriptor.sign(valid(), otherIdentity), "signature");
  }

  @Test
  void aNodeIdThatIsNotTheIdentityKeysIsRejected() {
    NodeDescriptor honest = valid();
    NodeDescriptor lying = new NodeDescriptor(honest.protocolVersion(),
        NodeId.ofIdentityKey(otherIdentity.publicKey()), honest.identityKey(), honest.linkKey(), honest.onionKey(),
        honest.clusterAddress(), honest.dataAddress(),
        honest.validFrom(), honest.validUntil());
    assertRejected(SignedDescriptor.sign(lying, identity), "not its identity key");
  }

  @Test
  void anExpiredDescriptorIsRejected() {
    NodeDescriptor d = descriptor(identity, MEMBER, NOW.minusSeconds(7200), NOW.minusSeconds(600));
    assertRejected(SignedDescriptor.sign(d, identity), "expired");
  }

  @Test
  void expiryWithinTheClockSkewIsTolerated() {
    NodeDescriptor d = descriptor(identity, MEMBER, NOW.minusSeconds(7200), NOW.minusSeconds(60));
    assertInstanceOf(DescriptorVerifier.Verified.class, verifier.verify(SignedDescriptor.sign(d, identity), MEMBER));
  }

  @Test
  void aDescriptorFromTheFutureIsRejected() {
    NodeDescriptor d = descriptor(identity, MEMBER, NOW.plusSeconds(3600), NOW.plusSeconds(7200));
    assertRejected(SignedDescriptor.sign(d, identity), "not valid before");
  }

  @Test
  void anOverlongValidityWindowIsRejected() {
    NodeDescriptor d = descriptor(identity, MEMBER, NOW.minusSeconds(60), NOW.plus(Duration.ofDays(30)));
    assertRejected(SignedDescriptor.sign(d, identity), "longer than");
  }

  @Test
  void aDescriptorPublishedByAnotherMemberIsRejected() {
    assertRejected(SignedDescriptor.sign(valid(), identity), "127.9.0.1:25520", "published by member");
  }

  @Test
  void malformedBytesAreRejectedNotThrown() {
    SignedDescriptor s = SignedDescriptor.sign(valid(), identity);
    byte[] enc = s.encoded();
    byte[] truncated = java.util.Arrays.copyOf(enc, enc.length - 1);
    assertRejected(new SignedDescriptor(truncated, s.signature()), "truncated");
    byte[] trailing = java.util.Arrays.copyOf(enc, enc.length + 1);
    assertRejected(new SignedDescriptor(trailing, s.signature()), "trailing");
    byte[] badFormat = enc.clone();
    badFormat[0] = 9;
    assertRejected(new SignedDescriptor(badFormat, s.signature()), "format 9");
    assertRejected(new SignedDescriptor(new byte[5000], s.signature()), "too large");
  }

  /**
   * Format 1 (until issue 23) also published the node's management address. A real format-1
   * descriptor, kept as a fuzz seed, is refused by name, never read as format 2.
   */
  @Test
  void aFormatOneDescriptorIsRefusedAsRetired() throws Exception {
    byte[] old;
    try (var in = getClass().getResourceAsStream("DescriptorCodecFuzzTestInputs/decodeAndVerify/retired-format-1")) {
      old = in.readAllBytes();
    }
    assertEquals(1, old[0]);
    var e = assertThrows(DescriptorCodec.MalformedDescriptorException.class, () -> DescriptorCodec.decode(old));
    assertTrue(e.getMessage().contains("format 1 is retired"), e.getMessage());
    var rejected = assertInstanceOf(DescriptorVerifier.Rejected.class,
        verifier.verify(new SignedDescriptor(old, new byte[Ed25519.SIGNATURE_BYTES])));
    assertEquals(DescriptorVerifier.Failure.MALFORMED, rejected.failure());
    assertEquals(2, DescriptorCodec.encode(valid())[0]);
  }

  @Test
  void eachRefusalSaysWhetherItCanEverVerify() {
    var expired = verifier.verify(SignedDescriptor.sign(
        descriptor(identity, MEMBER, NOW.minusSeconds(7200), NOW.minusSeconds(600)), identity));
    assertTrue(assertInstanceOf(DescriptorVerifier.Rejected.class, expired).lasting());
    var early = verifier.verify(SignedDescriptor.sign(
        descriptor(identity, MEMBER, NOW.plusSeconds(3600), NOW.plusSeconds(7200)), identity));
    assertEquals(false, assertInstanceOf(DescriptorVerifier.Rejected.class, early).lasting());
    var elsewhere = verifier.verify(SignedDescriptor.sign(valid(), identity), "127.9.0.1:25520");
    assertEquals(false, assertInstanceOf(DescriptorVerifier.Rejected.class, elsewhere).lasting());
    var forged = verifier.verify(SignedDescriptor.sign(valid(), otherIdentity));
    assertEquals(DescriptorVerifier.Failure.FORGED, assertInstanceOf(DescriptorVerifier.Rejected.class, forged).failure());
    assertTrue(((DescriptorVerifier.Rejected) forged).lasting());
  }

  @Test
  void decoderRefusesAnEmptyWindow() {
    NodeDescriptor d = descriptor(identity, MEMBER, NOW, NOW.plusSeconds(1));
    byte[] enc = DescriptorCodec.encode(d);
    // overwrite valid-until with valid-from
    System.arraycopy(enc, enc.length - 16, enc, enc.length - 8, 8);
    var e = assertThrows(DescriptorCodec.MalformedDescriptorException.class, () -> DescriptorCodec.decode(enc));
    assertTrue(e.getMessage().contains("window"), e.getMessage());
  }

  /**
   * Found by DescriptorCodecFuzzTest (2026-12-07): a valid-until beyond what {@link Instant} holds
   * threw DateTimeException out of decode, before any signature check, so one cluster member's
   * published bytes would fail every reader's directory actor, again at each restart.
   */
  @Test
  void aValidityEndingAfterTheYear9999IsMalformedNotAnException() throws Exception {
    NodeDescriptor d = valid();
    byte[] enc = DescriptorCodec.encode(d);
    for (long until : new long[] {Instant.MAX.getEpochSecond() + 1, Long.MAX_VALUE, DescriptorCodec.MAX_EPOCH_SECONDS + 1}) {
      java.nio.ByteBuffer.wrap(enc).putLong(enc.length - 12, until);
      var e = assertThrows(DescriptorCodec.MalformedDescriptorException.class, () -> DescriptorCodec.decode(enc));
      assertTrue(e.getMessage().contains("after 9999-12-31"), e.getMessage());
      assertRejected(new SignedDescriptor(enc, new byte[Ed25519.SIGNATURE_BYTES]), "after 9999-12-31");
    }
    java.nio.ByteBuffer.wrap(enc).putLong(enc.length - 12, DescriptorCodec.MAX_EPOCH_SECONDS);
    assertEquals(Instant.parse("9999-12-31T23:59:59Z"), DescriptorCodec.decode(enc).validUntil());
  }

  private void assertRejected(SignedDescriptor s, String reasonPart) {
    assertRejected(s, MEMBER, reasonPart);
  }

  private void assertRejected(SignedDescriptor s, String member, String reasonPart) {
    var result = verifier.verify(s, member);
    var rejected = assertInstanceOf(DescriptorVerifier.Rejected.class, result);
    assertTrue(rejected.reason().contains(reasonPart), "reason was: " + rejected.reason());
  }
}
