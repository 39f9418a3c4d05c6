package io.shroud.rendezvous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.HopKeys;
import io.shroud.crypto.X25519;
import io.shroud.hidden.E2eHandshake;
import io.shroud.hidden.HsPow;
import io.shroud.hidden.Introduction;
import io.shroud.hidden.ReplayFilter;
import io.shroud.hidden.ServiceKeys;
import io.shroud.testutil.SeededRandom;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PendingHandshakesTest {
  private final SecureRandom random = SeededRandom.of(2601);
  private final ServiceKeys keys = ServiceKeys.generate(random);
  private final ReplayFilter replay = new ReplayFilter(keys.authKey(), Clock.systemUTC());
  private final byte[] cookie = new byte[Introduction.COOKIE_BYTES];

  private E2eHandshake.Client client() {
    return E2eHandshake.start(keys.authKey(), keys.b(), keys.ekS(),
        new Introduction(new byte[32], cookie, new byte[16], 0), random);
  }

  /** The seeder's RENDEZVOUS2 (RENDEZVOUS1 without the cookie) and keys for {@code client}'s introduction. */
  private E2eHandshake.Response answer(E2eHandshake.Client client) throws Exception {
    return E2eHandshake.open(client.introduce1(), keys, replay).respond(random);
  }

  private static byte[] rendezvous2(E2eHandshake.Response response) {
    byte[] r1 = response.rendezvous1();
    return Arrays.copyOfRange(r1, Introduction.COOKIE_BYTES, r1.length);
  }

  private static void assertSameKeys(HopKeys expected, HopKeys actual) {
    assertArrayEquals(expected.forwardKey(), actual.forwardKey());
    assertArrayEquals(expected.backwardKey(), actual.backwardKey());
    assertArrayEquals(expected.forwardMacKey(), actual.forwardMacKey());
  }

  @Test
  void aLateAnswerToAnEarlierTryStillGivesItsKeysAndSpendsEveryHandshake() throws Exception {
    E2eHandshake.Client first = client();
    E2eHandshake.Client second = client();
    PendingHandshakes pending = new PendingHandshakes();
    pending.add(first);
    pending.add(second);
    E2eHandshake.Response response = answer(first);

    HopKeys got = pending.finish(rendezvous2(response)).orElseThrow();
    assertSameKeys(response.keys(), got);
    assertEquals(0, pending.size());
    assertThrows(IllegalStateException.class, () -> second.finish(rendezvous2(response)), "erased");
  }

  @Test
  void theNewestAnswerVerifiesAndAForgedOneGivesNothing() throws Exception {
    E2eHandshake.Client first = client();
    E2eHandshake.Client second = client();
    PendingHandshakes pending = new PendingHandshakes();
    pending.add(first);
    pending.add(second);
    E2eHandshake.Response response = answer(second);
    byte[] forged = rendezvous2(response);
    forged[forged.length - 1] ^= 1;
    assertTrue(pending.finish(forged).isEmpty());
    assertEquals(0, pending.size());
    assertThrows(IllegalStateException.class, () -> first.finish(rendezvous2(response)), "spent");

    PendingHandshakes again = new PendingHandshakes();
    E2eHandshake.Client third = client();
    again.add(third);
    again.add(client());
    E2eHandshake.Response answer = answer(third);
    assertSameKeys(answer.keys(), again.finish(rendezvous2(answer)).orElseThrow());
    again.add(client());
    again.discard();
    assertEquals(0, again.size());
  }

  @Test
  void workSolvedOverAnXDrawnBeforehandVerifiesAtTheSeeder() throws Exception {
    byte[] seed = new byte[32];
    X25519.KeyPair x = X25519.generate(random);
    byte[] nonce = HsPow.solve(seed, keys.authKey(), x.publicKey(), 3, random, 1_000).orElseThrow();
    E2eHandshake.Client client = E2eHandshake.start(keys.authKey(), keys.b(), keys.ekS(), x,
        new Introduction(new byte[32], cookie, nonce, 3), random);
    assertArrayEquals(x.publicKey(), client.x());
    E2eHandshake.Opened opened = E2eHandshake.open(client.introduce1(), keys, replay);
    assertTrue(HsPow.verify(opened.introduction().powNonce(), seed, keys.authKey(), opened.x(), 3));
  }
}
