package io.shroud.hidden;

import static io.shroud.hidden.E2eHandshakeTest.SEEDER;
import static io.shroud.hidden.E2eHandshakeTest.filled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HiddenCellsTest {
  @Test
  void anIntroductionHasItsLayoutAndIsStrict() throws Exception {
    Introduction intro = new Introduction(filled(32, 0xaa), filled(20, 0xbb), filled(16, 0xcc), 0x01020304L);
    byte[] b = intro.encode();
    assertEquals(128, b.length);
    assertEquals("01" + "aa".repeat(32) + "bb".repeat(20) + "cc".repeat(16) + "01020304" + "00".repeat(55),
        HexFormat.of().formatHex(b));
    assertEquals(intro, Introduction.decode(b));
    assertEquals(0xFFFF_FFFFL, Introduction.decode(new Introduction(filled(32, 1), filled(20, 1), filled(16, 1),
        0xFFFF_FFFFL).encode()).powEffort(), "the effort is unsigned");
    byte[] v2 = b.clone();
    v2[0] = 2;
    assertEquals("introduction version 2 is unsupported", refused(() -> Introduction.decode(v2)));
    byte[] pad = b.clone();
    pad[127] = 1;
    assertEquals("introduction has a non-zero padding byte at 127", refused(() -> Introduction.decode(pad)));
    assertEquals("an introduction must be 128 bytes, got 129", refused(() -> Introduction.decode(new byte[129])));
    assertThrows(IllegalArgumentException.class, () -> new Introduction(filled(32, 1), filled(20, 1), filled(16, 1), -1));
    assertThrows(IllegalArgumentException.class, () -> new Introduction(filled(31, 1), filled(20, 1), filled(16, 1), 0));
    assertFalse(intro.toString().contains("bbbb"), "the cookie is not printed");
  }

  @Test
  void introduce1SplitsAtTheDocumentedOffsets() throws Exception {
    byte[] data = new byte[Introduce1.BYTES];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 7);
    }
    Introduce1 m = Introduce1.decode(data);
    assertArrayEquals(Arrays.copyOfRange(data, 0, 32), m.authKey());
    assertArrayEquals(Arrays.copyOfRange(data, 32, 64), m.x());
    assertArrayEquals(Arrays.copyOfRange(data, 64, 1248), m.ekE());
    assertArrayEquals(Arrays.copyOfRange(data, 1248, 2336), m.ctS());
    assertArrayEquals(Arrays.copyOfRange(data, 2336, 2480), m.sealed());
    assertArrayEquals(data, m.encode());
    assertArrayEquals(Arrays.copyOf(data, 32), Introduce1.authKeyOf(data));
    assertEquals("INTRODUCE1 must be 2480 bytes, got 2481", refused(() -> Introduce1.decode(new byte[2481])));
    assertEquals("INTRODUCE1 must be 2480 bytes, got 0", refused(() -> Introduce1.authKeyOf(new byte[0])));
  }

  @Test
  void introKeyBothWays() throws Exception {
    assertArrayEquals(filled(32, 4), HiddenCells.decodeIntroKeyRequest(HiddenCells.encodeIntroKeyRequest(filled(32, 4))));
    assertEquals("INTRO_KEY request must be 32 bytes, got 33", refused(() -> HiddenCells.decodeIntroKeyRequest(new byte[33])));

    byte[] answer = new HiddenCells.IntroKeyAnswer(SEEDER.ekS()).encode();
    assertEquals(1185, answer.length);
    assertEquals(0, answer[0]);
    HiddenCells.IntroKeyAnswer decoded = HiddenCells.decodeIntroKeyAnswer(answer);
    assertArrayEquals(SEEDER.ekS(), decoded.ekSMatching(SEEDER.ekSHash()));
    assertEquals("INTRO_KEY: EK_s does not match the descriptor's H(EK_s)",
        refused(() -> decoded.ekSMatching(filled(32, 0))));
    byte[] unknown = HiddenCells.IntroKeyAnswer.unknown().encode();
    assertArrayEquals(new byte[] {1}, unknown);
    assertNull(HiddenCells.decodeIntroKeyAnswer(unknown).ekS());
    assertEquals("INTRO_KEY: the introduction point knows no such auth key",
        refused(() -> HiddenCells.decodeIntroKeyAnswer(unknown).ekSMatching(SEEDER.ekSHash())));
    assertEquals("INTRO_KEY answer status 1 must be 1 byte, got 2",
        refused(() -> HiddenCells.decodeIntroKeyAnswer(new byte[] {1, 0})));
    assertEquals("INTRO_KEY answer status 2 is unknown", refused(() -> HiddenCells.decodeIntroKeyAnswer(new byte[] {2})));
    assertEquals("INTRO_KEY answer status 0 must be 1185 bytes, got 1184",
        refused(() -> HiddenCells.decodeIntroKeyAnswer(Arrays.copyOf(answer, 1184))));
    assertEquals("INTRO_KEY answer is empty", refused(() -> HiddenCells.decodeIntroKeyAnswer(new byte[0])));
    byte[] badKey = answer.clone();
    Arrays.fill(badKey, 1, 385, (byte) 0xff);
    assertEquals("INTRO_KEY answer carries an invalid ML-KEM key", refused(() -> HiddenCells.decodeIntroKeyAnswer(badKey)));
  }

  @Test
  void introduceAckAndTheEmptyCommands() throws Exception {
    for (HiddenCells.IntroduceAck s : HiddenCells.IntroduceAck.values()) {
      byte[] b = HiddenCells.encodeIntroduceAck(s);
      assertArrayEquals(new byte[] {(byte) s.ordinal()}, b);
      assertEquals(s, HiddenCells.decodeIntroduceAck(b));
    }
    assertEquals(2, HiddenCells.IntroduceAck.RATE_LIMITED.code());
    assertEquals("INTRODUCE_ACK status 3 is unknown", refused(() -> HiddenCells.decodeIntroduceAck(new byte[] {3})));
    assertEquals("INTRODUCE_ACK must be 1 bytes, got 2", refused(() -> HiddenCells.decodeIntroduceAck(new byte[2])));
    HiddenCells.decodeEmpty(new byte[0], "INTRO_ESTABLISHED");
    assertEquals("RENDEZVOUS_ESTABLISHED carries no data, got 1 bytes",
        refused(() -> HiddenCells.decodeEmpty(new byte[1], "RENDEZVOUS_ESTABLISHED")));
  }

  @Test
  void rendezvousCommands() throws Exception {
    assertArrayEquals(filled(20, 3), HiddenCells.decodeEstablishRendezvous(HiddenCells.encodeEstablishRendezvous(filled(20, 3))));
    assertEquals("ESTABLISH_RENDEZVOUS must be 20 bytes, got 19",
        refused(() -> HiddenCells.decodeEstablishRendezvous(new byte[19])));
    byte[] r1 = new byte[1172];
    for (int i = 0; i < r1.length; i++) {
      r1[i] = (byte) i;
    }
    HiddenCells.Rendezvous1 split = HiddenCells.decodeRendezvous1(r1);
    assertArrayEquals(Arrays.copyOf(r1, 20), split.cookie());
    assertArrayEquals(Arrays.copyOfRange(r1, 20, 1172), split.rendezvous2());
    assertArrayEquals(r1, split.encode());
    assertEquals("RENDEZVOUS1 must be 1172 bytes, got 1152", refused(() -> HiddenCells.decodeRendezvous1(new byte[1152])));
    assertArrayEquals(split.rendezvous2(), HiddenCells.decodeRendezvous2(split.rendezvous2()));
    assertEquals("RENDEZVOUS2 must be 1152 bytes, got 1172", refused(() -> HiddenCells.decodeRendezvous2(r1)));
    assertFalse(split.toString().contains("0001"));
  }

  interface Call {
    void run() throws Exception;
  }

  static String refused(Call call) {
    return assertThrows(HiddenCellException.class, call::run).getMessage();
  }
}
