package io.shroud.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.testutil.SeededRandom;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link HybridSchedule} under the circuit protocol id is exactly {@link CircuitHandshake}'s schedule. */
class HybridScheduleTest {
  @Test
  void underTheCircuitProtocolIdItIsTheCircuitHandshakesSchedule() throws Exception {
    OnionKeyPair onion = OnionKeyPair.fromPrivate(CircuitHandshakeFuzzTest.filled(32, 1),
        CircuitHandshakeFuzzTest.filled(64, 2), CircuitHandshakeFuzzTest.NOW.plusSeconds(3600));
    byte[] relayId = CircuitHandshakeFuzzTest.filled(32, 9);
    byte[] create = CircuitHandshakeClient.start(relayId, onion.publicKey(), SeededRandom.of(1)).createMessage();
    Clock clock = Clock.fixed(CircuitHandshakeFuzzTest.NOW, java.time.ZoneOffset.UTC);
    byte[] created = new CircuitHandshakeRelay(relayId, onion, null, clock, SeededRandom.of(2),
        new ReplayCache(clock, 4)).respond(create).created();
    byte[] y = Arrays.copyOfRange(created, 0, 32);
    byte[] cte = Arrays.copyOfRange(created, 32, 1120);

    byte[] expected = CircuitHandshake.transcriptHash(create, onion.publicKey(), y, cte);
    byte[] actual = HybridSchedule.transcriptHash(CircuitHandshake.PROTOID, Arrays.copyOf(create, 32),
        onion.publicKey().x25519Raw(), Hashes.sha256(onion.publicKey().mlKemRaw()),
        Arrays.copyOfRange(create, 64, 96), Arrays.copyOfRange(create, 96, 1280),
        Arrays.copyOfRange(create, 1280, 2368), y, cte);
    assertArrayEquals(expected, actual);

    SecureRandom r = SeededRandom.of(3);
    byte[][] s = new byte[4][32];
    for (byte[] secret : s) {
      r.nextBytes(secret);
    }
    CircuitHandshake.Derived circuit = CircuitHandshake.deriveKeys(actual, s[0], s[1], s[2], s[3]);
    HybridSchedule.Derived general = HybridSchedule.derive(CircuitHandshake.PROTOID, actual, s[0], s[1], s[2], s[3]);
    assertArrayEquals(circuit.auth(), general.auth());
    assertTrue(circuit.keys().sameMaterial(general.keys()));

    HybridSchedule.Derived other = HybridSchedule.derive("shroud-hs-e2e-v1", actual, s[0], s[1], s[2], s[3]);
    assertFalse(Arrays.equals(circuit.auth(), other.auth()), "the protocol id labels the expansion");
    assertFalse(other.keys().sameMaterial(general.keys()));
    assertFalse(Arrays.equals(actual, HybridSchedule.transcriptHash("shroud-hs-e2e-v1", Arrays.copyOf(create, 32))));
  }
}
