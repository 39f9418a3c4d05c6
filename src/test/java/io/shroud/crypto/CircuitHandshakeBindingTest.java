package io.shroud.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;

/** {@code KH} (protocol §11.5): both ends of a hop derive it from the handshake's PRK; it differs per hop. */
class CircuitHandshakeBindingTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private final SecureRandom random = SeededRandom.of(77);
  private final MutableClock clock = new MutableClock(START);
  private final NodeId relayId = NodeId.ofIdentityKey(Ed25519.generate(random).publicKey());
  private final OnionKeyPair onionKey = OnionKeyPair.generate(random, START.plus(Duration.ofDays(14)));
  private final CircuitHandshakeRelay relay =
      new CircuitHandshakeRelay(relayId.toBytes(), onionKey, null, clock, random, new ReplayCache(clock, 1000));

  @Test
  void originAndRelayHoldTheSameKhNextToTheSameKeys() throws Exception {
    CircuitHandshakeClient client = CircuitHandshakeClient.start(relayId.toBytes(), onionKey.publicKey(), random);
    CircuitHandshakeRelay.Response response = relay.respond(client.createMessage());
    CircuitHandshakeClient.Finished finished = client.finishWithBinding(response.created());
    assertEquals(32, finished.kh().length);
    assertArrayEquals(response.kh(), finished.kh());
    assertTrue(finished.keys().sameMaterial(response.keys()));
    assertFalse(Arrays.equals(new byte[32], finished.kh()));
    assertThrows(IllegalStateException.class, () -> client.finish(response.created()), "single use");
  }

  @Test
  void khDiffersPerHopAndFromEveryKey() throws Exception {
    CircuitHandshakeClient a = CircuitHandshakeClient.start(relayId.toBytes(), onionKey.publicKey(), random);
    CircuitHandshakeClient.Finished first = a.finishWithBinding(relay.respond(a.createMessage()).created());
    CircuitHandshakeClient b = CircuitHandshakeClient.start(relayId.toBytes(), onionKey.publicKey(), random);
    CircuitHandshakeClient.Finished second = b.finishWithBinding(relay.respond(b.createMessage()).created());
    assertFalse(Arrays.equals(first.kh(), second.kh()));
    for (byte[] key : new byte[][] {first.keys().forwardKey(), first.keys().backwardKey(),
        first.keys().forwardMacKey(), first.keys().backwardMacKey()}) {
      assertFalse(Arrays.equals(key, first.kh()));
    }
  }

  /** The schedule, with fixed secrets: KH = HKDF-Expand(HKDF-Extract(TH, IKM), "shroud-circuit-hybrid-v1:kh", 32). */
  @Test
  void khIsTheHkdfOfThePrkUnderItsOwnLabel() {
    byte[] th = fill(1);
    byte[][] secrets = {fill(2), fill(3), fill(4), fill(5)};
    CircuitHandshake.Derived derived = CircuitHandshake.deriveKeys(th, secrets[0], secrets[1], secrets[2], secrets[3]);
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(CircuitHandshake.concat(secrets), th,
        "shroud-circuit-hybrid-v1:kh".getBytes(StandardCharsets.US_ASCII)));
    byte[] expected = new byte[32];
    hkdf.generateBytes(expected, 0, 32);
    assertArrayEquals(expected, derived.kh());
    byte[] changed = fill(5);
    changed[0] ^= 1;
    assertFalse(Arrays.equals(derived.kh(),
        CircuitHandshake.deriveKeys(th, secrets[0], secrets[1], secrets[2], changed).kh()));
  }

  private static byte[] fill(int value) {
    byte[] out = new byte[32];
    Arrays.fill(out, (byte) value);
    return out;
  }
}
