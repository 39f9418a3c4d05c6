package io.shroud.admission;

import static io.shroud.admission.RelayFixtures.NOW;
import static io.shroud.admission.RelayFixtures.SKEW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.identity.DescriptorCodec;
import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class RelayProofTest {
  private static final RelayFixtures.Net NET = RelayFixtures.network("proofnet", 1);
  private static final RelayFixtures.Relay RELAY = RelayFixtures.relay(NET, 1);
  private static final Predicate<NodeId> NONE_REVOKED = id -> false;

  @Test
  void itRoundTripsStrictlyAndFitsInMessage2() throws Exception {
    byte[] e = RELAY.proof().encode();
    assertEquals(RELAY.proof(), RelayProof.decode(e));
    assertEquals(3965, RelayProof.MAX_BYTES);
    int cert = RELAY.certificate().getEncoded().length;
    assertTrue(cert < 600, "a relay certificate is a few hundred bytes: " + cert);
    assertEquals(2 + cert + 2 + DescriptorCodec.encode(DescriptorCodec.decode(RELAY.descriptor().encoded())).length + 64,
        e.length);
    assertEquals("relay proof has 65 bytes after the descriptor, not a 64-byte signature",
        refused(Arrays.copyOf(e, e.length + 1)));
    assertEquals("relay proof has 63 bytes after the descriptor, not a 64-byte signature",
        refused(Arrays.copyOf(e, e.length - 1)));
    assertEquals("relay proof is truncated before the certificate length", refused(new byte[1]));
    assertEquals("relay proof certificate length 0 is not 1..2048", refused(new byte[] {0, 0}));
    assertEquals("relay proof certificate length 2049 is not 1..2048", refused(new byte[] {0x08, 0x01}));
    assertEquals("relay proof certificate is truncated: 1 < 5", refused(new byte[] {0, 5, 1}));
    byte[] longDescriptor = e.clone();
    ByteBuffer.wrap(longDescriptor).putShort(2 + cert, (short) 1850);
    assertEquals("relay proof descriptor length 1850 is not 1..1849", refused(longDescriptor));
    assertEquals("relay proof is not 1..3965 bytes", refused(new byte[3966]));
  }

  @Test
  void aCurrentRelayOfTheNetworkIsAccepted() throws Exception {
    RelayProof.Verified v = RELAY.proof().verify(NET.definition(), RELAY.linkKey().publicKey(), NONE_REVOKED,
        new MutableClock(NOW), SKEW);
    assertEquals(RELAY.nodeId(), v.nodeId());
    assertEquals(RELAY.nodeId(), v.descriptor().nodeId());
  }

  @Test
  void eachBrokenLinkOfTheChainIsRefusedWithItsReason() throws Exception {
    RelayFixtures.Net foreign = RelayFixtures.network("othernet", 2);
    assertEquals("certificate signature does not verify under this network's trust root",
        refusedVerify(RelayFixtures.relay(RelayFixtures.network("proofnet", 3), 1), RELAY.linkKey().publicKey(), NOW));
    assertTrue(refusedVerify(RelayFixtures.relay(foreign, 1), RELAY.linkKey().publicKey(), NOW)
        .startsWith("certificate issuer CN=Shroud trust root,O=othernet is not this network's trust root"));
    RelayFixtures.Relay expired = RelayFixtures.relay(NET, 1, NOW.minus(Duration.ofDays(91)), NOW.minusSeconds(1), null);
    assertTrue(refusedVerify(expired, RELAY.linkKey().publicKey(), NOW).startsWith("certificate expired at "));
    assertEquals("descriptor's link key is not the static key the relay used in the handshake",
        refusedVerify(RELAY, RelayFixtures.filled(32, 9), NOW));
    assertTrue(refusedVerify(RELAY, RELAY.linkKey().publicKey(), NOW.plus(Duration.ofHours(4)))
        .startsWith("descriptor refused: expired at "));
    RelayFixtures.Relay two = RelayFixtures.relay(NET, 2);
    RelayProof swapped = new RelayProof(RELAY.certificate().getEncoded(), two.descriptor());
    assertTrue(refused(swapped, two.linkKey().publicKey(), NONE_REVOKED).startsWith("descriptor is of node "));
    assertEquals("relay " + RELAY.nodeId().shortHex() + " is revoked",
        refused(RELAY.proof(), RELAY.linkKey().publicKey(), RELAY.nodeId()::equals));
  }

  @Test
  void aCertificateThatIsNotExactlyOneDerCertificateIsRefused() throws Exception {
    byte[] der = RELAY.certificate().getEncoded();
    byte[] trailing = Arrays.copyOf(der, der.length + 1);
    assertEquals("relay certificate is not exactly one DER certificate",
        refused(new RelayProof(trailing, RELAY.descriptor()), RELAY.linkKey().publicKey(), NONE_REVOKED));
    byte[] garbage = RelayFixtures.filled(100, 0x30);
    assertEquals("relay certificate does not parse as X.509 DER",
        refused(new RelayProof(garbage, RELAY.descriptor()), RELAY.linkKey().publicKey(), NONE_REVOKED));
  }

  @Test
  void anAlteredDescriptorOrCertificateIsRefused() throws Exception {
    byte[] e = RELAY.proof().encode();
    int cert = RELAY.certificate().getEncoded().length;
    byte[] badSig = e.clone();
    badSig[e.length - 1] ^= 1;
    assertTrue(refused(RelayProof.decode(badSig), RELAY.linkKey().publicKey(), NONE_REVOKED)
        .startsWith("descriptor refused: signature does not verify"));
    byte[] badCert = e.clone();
    badCert[2 + cert - 1] ^= 1; // last byte of the certificate's signature
    assertEquals("certificate signature does not verify under this network's trust root",
        refused(RelayProof.decode(badCert), RELAY.linkKey().publicKey(), NONE_REVOKED));
  }

  private static String refused(byte[] bytes) {
    return assertThrows(AdmissionException.class, () -> RelayProof.decode(bytes)).getMessage();
  }

  private static String refusedVerify(RelayFixtures.Relay relay, byte[] handshakeStatic, java.time.Instant at) {
    return assertThrows(AdmissionException.class, () -> relay.proof().verify(NET.definition(), handshakeStatic,
        NONE_REVOKED, new MutableClock(at), SKEW)).getMessage();
  }

  private static String refused(RelayProof proof, byte[] handshakeStatic, Predicate<NodeId> revoked) {
    return assertThrows(AdmissionException.class, () -> proof.verify(NET.definition(), handshakeStatic, revoked,
        new MutableClock(NOW), SKEW)).getMessage();
  }
}
