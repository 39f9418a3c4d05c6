package io.shroud.admission;

import static io.shroud.admission.ConsensusFixtures.AUTHORITIES;
import static io.shroud.admission.ConsensusFixtures.VALID_AFTER;
import static io.shroud.admission.ConsensusFixtures.identityKey;
import static io.shroud.admission.ConsensusFixtures.ipv4;
import static io.shroud.admission.RevocationListTest.filled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignedVoteTest {
  static final NetworkDefinition NETWORK = ConsensusFixtures.network("votenet", AUTHORITIES, 11);

  static RelayMeasurement measured(int n, String ip, long kibps) {
    return new RelayMeasurement(identityKey(n), ipv4(ip), 9000 + n, true, kibps, Duration.ofMillis(90_500), 5000);
  }

  @Test
  void aSignedVoteRoundTripsInNodeIdOrderWithWholeSecondsAndVerifies() throws Exception {
    SignedVote vote = SignedVote.sign(AUTHORITIES.get(0), NETWORK.id(), VALID_AFTER.plusMillis(700),
        List.of(measured(1, "10.0.0.1", 700), measured(2, "10.0.1.1", 800), measured(3, "10.0.2.1", 900)));
    SignedVote back = SignedVote.decode(vote.encode());
    assertEquals(vote, back);
    assertArrayEquals(vote.encode(), back.encode());
    assertEquals(VALID_AFTER, back.validAfter());
    back.verify(NETWORK);
    List<RelayMeasurement> ms = back.vote().measurements();
    assertEquals(3, ms.size());
    for (int i = 1; i < ms.size(); i++) {
      assertTrue(ms.get(i - 1).id().compareTo(ms.get(i).id()) < 0);
    }
    assertEquals(Duration.ofSeconds(90), ms.get(0).uptime());
    assertEquals(SignedVote.HEADER_BYTES + 3 * SignedVote.MEASUREMENT_BYTES + 64, vote.encode().length);
  }

  @Test
  void anyAlteredByteOfTheBodyFailsTheSignature() throws Exception {
    byte[] bytes = SignedVote.sign(AUTHORITIES.get(1), NETWORK.id(), VALID_AFTER, List.of(measured(1, "10.0.0.1", 700)))
        .encode();
    // the measured bandwidth's last byte: still a well-formed vote
    int at = SignedVote.HEADER_BYTES + 32 + 4 + 2 + 1 + 7;
    byte[] altered = bytes.clone();
    altered[at] ^= 1;
    SignedVote forged = SignedVote.decode(altered);
    AdmissionException e = assertThrows(AdmissionException.class, () -> forged.verify(NETWORK));
    assertTrue(e.getMessage().contains("signature"), e.getMessage());
  }

  @Test
  void aStrangersVoteOrAVoteForAnotherNetworkIsRefused() {
    Ed25519.KeyPair stranger = Ed25519.fromPrivateKey(filled(32, 9));
    SignedVote byStranger = SignedVote.sign(stranger, NETWORK.id(), VALID_AFTER, List.of());
    assertTrue(assertThrows(AdmissionException.class, () -> byStranger.verify(NETWORK)).getMessage()
        .contains("not an authority"));
    SignedVote elsewhere = SignedVote.sign(AUTHORITIES.get(0), filled(32, 0xcd), VALID_AFTER, List.of());
    assertTrue(assertThrows(AdmissionException.class, () -> elsewhere.verify(NETWORK)).getMessage()
        .contains("another network"));
  }

  @Test
  void theDecoderRefusesTrailingOrMissingBytesBadFlagsAndDisorder() {
    byte[] good = SignedVote.sign(AUTHORITIES.get(0), NETWORK.id(), VALID_AFTER,
        List.of(measured(1, "10.0.0.1", 700), measured(2, "10.0.1.1", 800))).encode();
    assertThrows(AdmissionException.class, () -> SignedVote.decode(Arrays.copyOf(good, good.length + 1)));
    assertThrows(AdmissionException.class, () -> SignedVote.decode(Arrays.copyOf(good, good.length - 1)));
    byte[] magic = good.clone();
    magic[0] = 'X';
    assertThrows(AdmissionException.class, () -> SignedVote.decode(magic));
    byte[] reachable = good.clone();
    reachable[SignedVote.HEADER_BYTES + 38] = 2;
    assertTrue(assertThrows(AdmissionException.class, () -> SignedVote.decode(reachable)).getMessage()
        .contains("reachable"));
    byte[] swapped = good.clone();
    int m = SignedVote.MEASUREMENT_BYTES;
    System.arraycopy(good, SignedVote.HEADER_BYTES, swapped, SignedVote.HEADER_BYTES + m, m);
    System.arraycopy(good, SignedVote.HEADER_BYTES + m, swapped, SignedVote.HEADER_BYTES, m);
    assertTrue(assertThrows(AdmissionException.class, () -> SignedVote.decode(swapped)).getMessage()
        .contains("ascending"));
    byte[] negative = good.clone();
    negative[SignedVote.HEADER_BYTES + 39] = (byte) 0x80;
    assertThrows(AdmissionException.class, () -> SignedVote.decode(negative));
  }
}
