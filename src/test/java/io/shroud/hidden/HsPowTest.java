package io.shroud.hidden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.testutil.SeededRandom;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

class HsPowTest {
  static final HexFormat HEX = HexFormat.of();
  static final byte[] SEED = filled(32, 0x11);
  static final byte[] AUTH = filled(32, 0x22);
  static final byte[] X = filled(32, 0x33);

  /** Bouncy Castle's Argon2id is RFC 9106's: the §5.3 vector, read from a resource file. */
  @Test
  void bouncyCastleArgon2idMatchesRfc9106() throws Exception {
    Map<String, String> v = new HashMap<>();
    try (InputStream in = HsPowTest.class.getResourceAsStream("rfc9106-argon2id.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          v.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1).trim());
        }
      }
    }
    assertEquals("argon2id", v.get("type"));
    Argon2Parameters p = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Integer.parseInt(v.get("version")))
        .withMemoryAsKB(Integer.parseInt(v.get("memory-kib")))
        .withIterations(Integer.parseInt(v.get("iterations")))
        .withParallelism(Integer.parseInt(v.get("parallelism")))
        .withSalt(HEX.parseHex(v.get("salt")))
        .withSecret(HEX.parseHex(v.get("secret")))
        .withAdditional(HEX.parseHex(v.get("associated-data")))
        .build();
    Argon2BytesGenerator g = new Argon2BytesGenerator();
    g.init(p);
    byte[] tag = new byte[Integer.parseInt(v.get("tag-length"))];
    g.generateBytes(HEX.parseHex(v.get("password")), tag);
    assertEquals(v.get("tag"), HEX.formatHex(tag));
    assertEquals(Argon2Parameters.ARGON2_VERSION_13, Integer.parseInt(v.get("version")));
  }

  /** h is Argon2id with §11.9's parameters over nonce ‖ seed ‖ auth key ‖ X, salt "shroud-hs-pow-v1". */
  @Test
  void hashUsesTheParametersOfTheDesign() {
    byte[] nonce = filled(16, 0x44);
    Argon2BytesGenerator g = new Argon2BytesGenerator();
    g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(0x13).withMemoryAsKB(1024)
        .withIterations(1).withParallelism(1).withSalt("shroud-hs-pow-v1".getBytes(StandardCharsets.US_ASCII))
        .build());
    byte[] expected = new byte[32];
    g.generateBytes(concat(nonce, SEED, AUTH, X), expected);
    HsPow.hash(filled(16, 0x45), SEED, AUTH, X); // the thread's generator has run before: no state carries over
    assertArrayEquals(expected, HsPow.hash(nonce, SEED, AUTH, X));
  }

  @Test
  void thresholdIsTheFloorOfU32MaxOverEffort() {
    assertEquals(0xffffffffL, HsPow.threshold(1));
    assertEquals(0x7fffffffL, HsPow.threshold(2));
    assertEquals(429496L, HsPow.threshold(10_000));
    assertEquals(1L, HsPow.threshold(0xffffffffL));
    assertTrue(HsPow.meets(HEX.parseHex("7fffffff"), 2));
    assertFalse(HsPow.meets(HEX.parseHex("80000000"), 2));
    assertThrows(IllegalArgumentException.class, () -> HsPow.threshold(-1));
    assertThrows(IllegalArgumentException.class, () -> HsPow.threshold(1L << 32));
  }

  @Test
  void aSolutionVerifiesAndIsBoundToSeedAuthKeyAndX() {
    long effort = 8;
    byte[] nonce = HsPow.solve(SEED, AUTH, X, effort, SeededRandom.of(1), 2_000).orElseThrow();
    assertEquals(16, nonce.length);
    assertTrue(HsPow.verify(nonce, SEED, AUTH, X, effort));
    long first = Long.parseLong(HEX.formatHex(HsPow.hash(nonce, SEED, AUTH, X), 0, 4), 16);
    assertTrue(first <= HsPow.threshold(effort));
    // the same nonce for another X, auth key or seed is (almost surely) no work at effort 2^32-1
    assertFalse(HsPow.verify(nonce, SEED, AUTH, filled(32, 0x34), 0xffffffffL));
    assertFalse(HsPow.verify(nonce, SEED, filled(32, 0x23), X, 0xffffffffL));
    assertFalse(HsPow.verify(nonce, filled(32, 0x12), AUTH, X, 0xffffffffL));
    assertTrue(HsPow.verify(new byte[16], SEED, AUTH, X, 0), "effort 0 claims nothing");
  }

  @Test
  void aBudgetTooSmallGivesUp() {
    // effort 2^32-1 accepts only h[0..4] <= 1: a few evaluations will not find it
    assertEquals(Optional.empty(), HsPow.solve(SEED, AUTH, X, 0xffffffffL, SeededRandom.of(2), 3));
    assertThrows(IllegalArgumentException.class, () -> HsPow.solve(SEED, AUTH, X, 0, SeededRandom.of(2), 3));
    assertThrows(IllegalArgumentException.class, () -> HsPow.hash(new byte[15], SEED, AUTH, X));
  }

  /** Prints what one evaluation costs here (no timed assertion: the machine is shared). */
  @Test
  void printsTheCostOfOneEvaluation() {
    byte[] nonce = new byte[16];
    for (int i = 0; i < 20; i++) {
      nonce[0] = (byte) i;
      HsPow.hash(nonce, SEED, AUTH, X);
    }
    int n = 100;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      nonce[1] = (byte) i;
      HsPow.verify(nonce, SEED, AUTH, X, 1);
    }
    long verifyNs = (System.nanoTime() - t0) / n;
    long t1 = System.nanoTime();
    HsPow.solve(SEED, AUTH, X, 0xffffffffL, SeededRandom.of(3), n);
    long solveNs = (System.nanoTime() - t1) / n;
    System.out.printf("HsPow: one Argon2id (1 MiB, t=1, p=1): verify %.2f ms, in solve %.2f ms%n",
        verifyNs / 1e6, solveNs / 1e6);
  }

  static byte[] filled(int n, int b) {
    byte[] a = new byte[n];
    java.util.Arrays.fill(a, (byte) b);
    return a;
  }

  static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
