package io.shroud.hidden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.HandshakeException;
import io.shroud.crypto.HopKeys;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class E2eHandshakeTest {
  static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  static final ServiceKeys SEEDER = ServiceKeys.fromPrivate(filled(32, 1), filled(32, 2), filled(64, 3));
  static final Introduction INTRO = new Introduction(filled(32, 7), filled(20, 8), filled(16, 9), 5);

  private final MutableClock clock = new MutableClock(NOW);

  @Test
  void bothEndsGetTheSameKeysAndTheSeederReadsTheIntroduction() throws Exception {
    E2eHandshake.Client client = start(SEEDER, 1);
    byte[] introduce1 = client.introduce1();
    assertEquals(2480, introduce1.length);
    assertArrayEquals(SEEDER.authKey(), Arrays.copyOf(introduce1, 32));
    E2eHandshake.Opened opened = E2eHandshake.open(introduce1, SEEDER, filter(SEEDER));
    assertEquals(INTRO, opened.introduction());
    assertArrayEquals(client.x(), opened.x());
    E2eHandshake.Response response = opened.respond(SeededRandom.of(2));
    byte[] r1 = response.rendezvous1();
    assertEquals(1172, r1.length);
    assertArrayEquals(INTRO.cookie(), Arrays.copyOf(r1, 20));
    HiddenCells.Rendezvous1 split = HiddenCells.decodeRendezvous1(r1);
    HopKeys downloader = client.finish(split.rendezvous2());
    assertTrue(downloader.sameMaterial(response.keys()));
    assertThrows(IllegalStateException.class, () -> client.finish(split.rendezvous2()), "single use");
    assertThrows(IllegalStateException.class, () -> opened.respond(SeededRandom.of(2)), "single use");
  }

  @Test
  void twoHandshakesGiveUnrelatedKeys() throws Exception {
    HopKeys a = handshake(1, 2);
    HopKeys b = handshake(3, 4);
    assertFalse(a.sameMaterial(b));
  }

  @Test
  void aFlippedByteAnywhereInIntroduce1MakesOpeningFail() throws Exception {
    byte[] good = start(SEEDER, 5).introduce1();
    ReplayFilter replay = filter(SEEDER);
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x01;
      HandshakeException e = assertThrows(HandshakeException.class, () -> E2eHandshake.open(bad, SEEDER, replay),
          "flipped byte " + i);
      assertFalse(e.isReplay(), "byte " + i);
    }
    assertEquals(0, replay.size(), "nothing that failed to open is remembered");
    E2eHandshake.open(good, SEEDER, replay);
  }

  @Test
  void aFlippedByteInRendezvous2MakesFinishingFail() throws Exception {
    // one fresh handshake per flipped byte: every byte of Y and AUTH, every 31st of CT_e
    for (int i = 0; i < E2eHandshake.RENDEZVOUS2_BYTES; i += (i >= 32 && i < 1120) ? 31 : 1) {
      E2eHandshake.Client client = start(SEEDER, 100 + i);
      byte[] r2 = HiddenCells.decodeRendezvous1(E2eHandshake.open(client.introduce1(), SEEDER, filter(SEEDER))
          .respond(SeededRandom.of(i)).rendezvous1()).rendezvous2();
      r2[i] ^= (byte) 0x80;
      assertThrows(HandshakeException.class, () -> client.finish(r2), "flipped byte " + i);
    }
  }

  @Test
  void keysOtherThanTheIntroPointsDoNotOpenAndDoNotAnswer() throws Exception {
    byte[] introduce1 = start(SEEDER, 6).introduce1();
    // same auth key, another b: S_xb differs
    ServiceKeys otherB = ServiceKeys.fromPrivate(filled(32, 1), filled(32, 4), filled(64, 3));
    assertEquals("the introduction does not open: wrong keys or tampered INTRODUCE2",
        assertThrows(HandshakeException.class, () -> E2eHandshake.open(introduce1, otherB, filter(otherB))).getMessage());
    // same auth key, another DK_s: S_ks differs
    ServiceKeys otherKem = ServiceKeys.fromPrivate(filled(32, 1), filled(32, 2), filled(64, 5));
    assertThrows(HandshakeException.class, () -> E2eHandshake.open(introduce1, otherKem, filter(otherKem)));
    // another auth key altogether
    ServiceKeys other = ServiceKeys.fromPrivate(filled(32, 6), filled(32, 2), filled(64, 3));
    assertEquals("INTRODUCE2 is for another auth key",
        assertThrows(HandshakeException.class, () -> E2eHandshake.open(introduce1, other, filter(other))).getMessage());
    assertThrows(HandshakeException.class, () -> E2eHandshake.open(introduce1, SEEDER, filter(other)),
        "the filter of another auth key");

    // a RENDEZVOUS2 made by keys the descriptor did not name fails AUTH
    E2eHandshake.Client client = E2eHandshake.start(SEEDER.authKey(), SEEDER.b(), SEEDER.ekS(), INTRO, SeededRandom.of(7));
    ServiceKeys impostor = ServiceKeys.fromPrivate(filled(32, 1), filled(32, 2), filled(64, 3));
    byte[] r1 = E2eHandshake.open(client.introduce1(), impostor, filter(impostor)).respond(SeededRandom.of(8))
        .rendezvous1();
    client.finish(HiddenCells.decodeRendezvous1(r1).rendezvous2()); // same keys: fine
    E2eHandshake.Client victim = start(SEEDER, 9);
    assertThrows(HandshakeException.class, () -> victim.finish(HiddenCells.decodeRendezvous1(r1).rendezvous2()),
        "an answer to another introduction");
  }

  @Test
  void aReplayedIntroductionIsRefusedAndAFullFilterRefusesNewOnes() throws Exception {
    ReplayFilter replay = new ReplayFilter(SEEDER.authKey(), clock, Duration.ofHours(26), 2);
    byte[] first = start(SEEDER, 10).introduce1();
    E2eHandshake.open(first, SEEDER, replay);
    HandshakeException again = assertThrows(HandshakeException.class, () -> E2eHandshake.open(first, SEEDER, replay));
    assertTrue(again.isReplay());
    byte[] resealed = first.clone();
    resealed[2479] ^= 1; // same X, another tag: refused as a replay before any public-key work
    assertTrue(assertThrows(HandshakeException.class, () -> E2eHandshake.open(resealed, SEEDER, replay)).isReplay());
    E2eHandshake.open(start(SEEDER, 11).introduce1(), SEEDER, replay);
    assertTrue(replay.full());
    HandshakeException full = assertThrows(HandshakeException.class,
        () -> E2eHandshake.open(start(SEEDER, 12).introduce1(), SEEDER, replay));
    assertFalse(full.isReplay());
    assertTrue(full.getMessage().contains("retire the intro point"), full.getMessage());
    assertEquals(2, replay.replays());
  }

  @Test
  void aLowOrderXOrABadEkEIsRefused() throws Exception {
    byte[] good = start(SEEDER, 13).introduce1();
    byte[] lowOrder = good.clone();
    Arrays.fill(lowOrder, 32, 64, (byte) 0);
    assertEquals("INTRODUCE2 carries a low-order X25519 key",
        assertThrows(HandshakeException.class, () -> E2eHandshake.open(lowOrder, SEEDER, filter(SEEDER))).getMessage());
    byte[] badKey = good.clone();
    Arrays.fill(badKey, 64, 64 + 384, (byte) 0xff); // coefficients ≥ q fail the FIPS 203 check
    assertEquals("INTRODUCE2 carries an invalid ML-KEM key",
        assertThrows(HandshakeException.class, () -> E2eHandshake.open(badKey, SEEDER, filter(SEEDER))).getMessage());
    assertEquals("INTRODUCE1 must be 2480 bytes, got 2479", assertThrows(HandshakeException.class,
        () -> E2eHandshake.open(Arrays.copyOf(good, 2479), SEEDER, filter(SEEDER))).getMessage());
  }

  @Test
  void theClientRefusesUnusableServiceKeys() {
    assertThrows(IllegalArgumentException.class,
        () -> E2eHandshake.start(SEEDER.authKey(), new byte[32], SEEDER.ekS(), INTRO, SeededRandom.of(1)));
    byte[] badEk = SEEDER.ekS();
    Arrays.fill(badEk, 0, 384, (byte) 0xff);
    assertThrows(IllegalArgumentException.class,
        () -> E2eHandshake.start(SEEDER.authKey(), SEEDER.b(), badEk, INTRO, SeededRandom.of(1)));
    assertThrows(IllegalArgumentException.class,
        () -> E2eHandshake.start(new byte[31], SEEDER.b(), SEEDER.ekS(), INTRO, SeededRandom.of(1)));
  }

  @Test
  void serviceKeysNeverPrintAKey() {
    ServiceKeys k = ServiceKeys.generate(SeededRandom.of(1));
    assertEquals("ServiceKeys[redacted]", k.toString());
    assertArrayEquals(ServiceKeys.sha256(k.ekS()), k.ekSHash());
    assertFalse(Arrays.equals(k.authKey(), ServiceKeys.generate(SeededRandom.of(2)).authKey()));
    assertFalse(E2eHandshake.start(k.authKey(), k.b(), k.ekS(), INTRO, SeededRandom.of(1)).toString().contains("0808"));
  }

  private HopKeys handshake(long clientSeed, long seederSeed) throws Exception {
    E2eHandshake.Client client = start(SEEDER, clientSeed);
    E2eHandshake.Response response = E2eHandshake.open(client.introduce1(), SEEDER, filter(SEEDER))
        .respond(SeededRandom.of(seederSeed));
    HopKeys keys = client.finish(HiddenCells.decodeRendezvous1(response.rendezvous1()).rendezvous2());
    assertTrue(keys.sameMaterial(response.keys()));
    return keys;
  }

  static E2eHandshake.Client start(ServiceKeys keys, long seed) {
    return E2eHandshake.start(keys.authKey(), keys.b(), keys.ekS(), INTRO, SeededRandom.of(seed));
  }

  private ReplayFilter filter(ServiceKeys keys) {
    return new ReplayFilter(keys.authKey(), clock);
  }

  static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
