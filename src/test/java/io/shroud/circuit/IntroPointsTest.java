package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The introduction-point registry (protocol §11.5): mapping, replacement, removal, the limit, the token bucket. */
class IntroPointsTest {
  private static final byte[] EK = new byte[1184];

  private static byte[] key(int n) {
    return ByteBuffer.allocate(32).putInt(n).array();
  }

  @Test
  void anEstablishedKeyIsFoundWithItsEncapsulationKeyAndCircuit() {
    IntroPoints<String> intros = new IntroPoints<>();
    byte[] ek = EK.clone();
    ek[7] = 7;
    assertTrue(intros.establish(key(1), ek, "seeder", 0));
    assertArrayEquals(ek, intros.encapsulationKey(key(1)).orElseThrow());
    assertTrue(intros.encapsulationKey(key(2)).isEmpty());
    assertEquals(new IntroPoints.Introduction<>(IntroPoints.FORWARDED, "seeder"), intros.introduce(key(1), 0));
    assertEquals(new IntroPoints.Introduction<String>(IntroPoints.UNKNOWN_AUTH_KEY, null), intros.introduce(key(2), 0));
  }

  @Test
  void aNewCircuitWithTheSameKeyReplacesTheOldAndTheOldOnesEndChangesNothing() {
    IntroPoints<String> intros = new IntroPoints<>();
    intros.establish(key(1), EK, "old", 0);
    intros.establish(key(1), EK, "new", 0);
    assertEquals(1, intros.size());
    assertEquals("new", intros.introduce(key(1), 0).seeder());
    intros.circuitEnded("old");
    assertEquals("new", intros.introduce(key(1), 0).seeder());
    intros.circuitEnded("new");
    assertEquals(0, intros.size());
    assertNull(intros.introduce(key(1), 0).seeder());
  }

  @Test
  void atMost1024IntroCircuits() {
    IntroPoints<Integer> intros = new IntroPoints<>();
    for (int i = 0; i < 1024; i++) {
      assertTrue(intros.establish(key(i), EK, i, 0));
    }
    assertFalse(intros.establish(key(5000), EK, 5000, 0), "the 1025th is refused");
    assertTrue(intros.establish(key(3), EK, 9999, 0), "a known key may still move");
    intros.circuitEnded(9999);
    assertTrue(intros.establish(key(5000), EK, 5000, 0), "room again once one ended");
  }

  @Test
  void burst32Then16ASecondPerAuthKey() {
    IntroPoints<String> intros = new IntroPoints<>();
    intros.establish(key(1), EK, "a", 1_000);
    intros.establish(key(2), EK, "b", 1_000);
    for (int i = 0; i < 32; i++) {
      assertEquals(IntroPoints.FORWARDED, intros.introduce(key(1), 1_000).status(), "introduction " + i);
    }
    assertEquals(IntroPoints.RATE_LIMITED, intros.introduce(key(1), 1_000).status());
    assertEquals(IntroPoints.FORWARDED, intros.introduce(key(2), 1_000).status(), "buckets are per auth key");
    int allowed = 0;
    for (int i = 0; i < 40; i++) {
      if (intros.introduce(key(1), 2_000).status() == IntroPoints.FORWARDED) {
        allowed++;
      }
    }
    assertEquals(16, allowed, "one second later: 16 more");
    assertEquals(IntroPoints.RATE_LIMITED, intros.introduce(key(1), 2_062).status(), "a token is 62.5 ms");
    assertEquals(IntroPoints.FORWARDED, intros.introduce(key(1), 2_063).status());
    assertEquals(IntroPoints.RATE_LIMITED, intros.introduce(key(1), 0).status(), "a clock step back adds nothing");
  }

  @Test
  void introKeyAnswers() {
    assertArrayEquals(new byte[] {1}, IntroPoints.introKeyAnswer(Optional.empty()));
    byte[] answer = IntroPoints.introKeyAnswer(Optional.of(new byte[] {9, 8}));
    assertArrayEquals(new byte[] {0, 9, 8}, answer);
  }
}
