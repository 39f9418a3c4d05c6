package io.shroud.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.testutil.SeededRandom;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Reed-Solomon coder: parity checked against the code's definition computed here (GF(2^8)
 * with the polynomial 0x11d and the Cauchy rows of ISA-L's {@code gf_gen_cauchy1_matrix}:
 * parity row {@code r}, data column {@code j} is the inverse of {@code (K + r) XOR j}), and every
 * pattern of up to {@code M} lost fragments rebuilt.
 */
class ErasureCoderTest {
  private static final Random RANDOM = SeededRandom.of(29);

  static byte[][] data(int k, int length) {
    byte[][] data = new byte[k][length];
    for (byte[] d : data) {
      RANDOM.nextBytes(d);
    }
    return data;
  }

  static int mul(int a, int b) {
    int p = 0;
    while (b != 0) {
      if ((b & 1) != 0) {
        p ^= a;
      }
      a <<= 1;
      if ((a & 0x100) != 0) {
        a ^= 0x11d;
      }
      b >>= 1;
    }
    return p;
  }

  static int inv(int a) {
    for (int x = 1; x < 256; x++) {
      if (mul(a, x) == 1) {
        return x;
      }
    }
    throw new ArithmeticException("0 has no inverse");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"4+2", "1+1", "3+3", "10+4"})
  void parityIsTheCauchyCodeAndAnyKFragmentsGiveEveryFragmentBack(String text) throws Exception {
    Redundancy r = Redundancy.parse(text);
    ErasureCoder coder = new ErasureCoder(r);
    byte[][] data = data(r.data(), 1000);
    byte[][] parity = coder.parity(data);
    for (int row = 0; row < r.parity(); row++) {
      byte[] expected = new byte[1000];
      for (int j = 0; j < r.data(); j++) {
        int c = inv((r.data() + row) ^ j);
        for (int b = 0; b < expected.length; b++) {
          expected[b] ^= (byte) mul(c, data[j][b] & 0xff);
        }
      }
      assertArrayEquals(expected, parity[row], "parity row " + row);
    }
    byte[][] all = new byte[r.total()][];
    System.arraycopy(data, 0, all, 0, r.data());
    System.arraycopy(parity, 0, all, r.data(), r.parity());
    int patterns = 0;
    for (int mask = 0; mask < 1 << r.total(); mask++) {
      if (Integer.bitCount(mask) > r.parity()) {
        continue;
      }
      byte[][] given = all.clone();
      for (int i = 0; i < r.total(); i++) {
        if ((mask & 1 << i) != 0) {
          given[i] = null;
        }
      }
      byte[][] back = coder.complete(given);
      for (int i = 0; i < r.total(); i++) {
        assertArrayEquals(all[i], back[i], "fragment " + i + " with lost set " + Integer.toBinaryString(mask));
      }
      patterns++;
    }
    assertTrue(patterns > r.total(), "patterns tried: " + patterns);
  }

  @Test
  void aWorkedExample() throws Exception {
    ErasureCoder coder = new ErasureCoder(Redundancy.DEFAULT);
    byte[][] parity = coder.parity(new byte[][] {{1}, {2}, {3}, {4}});
    assertArrayEquals(new byte[] {0x48}, parity[0], "docs/protocol.md §12.2");
    assertArrayEquals(new byte[] {0x0f}, parity[1], "docs/protocol.md §12.2");
    byte[][] back = coder.complete(new byte[][] {null, {2}, null, {4}, {0x48}, {0x0f}});
    assertArrayEquals(new byte[] {1}, back[0]);
    assertArrayEquals(new byte[] {3}, back[2]);
  }

  @Test
  void fewerThanKFragmentsAreAClearErrorAndBadShapesAreRefused() {
    ErasureCoder coder = new ErasureCoder(Redundancy.DEFAULT);
    byte[][] data = data(4, 64);
    byte[][] parity = coder.parity(data);
    byte[][] given = {null, null, null, data[3], parity[0], parity[1]};
    ErasureException e = assertThrows(ErasureException.class, () -> coder.complete(given));
    assertEquals("a 4+2 stripe needs 4 fragments, 3 present", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> coder.parity(data(3, 64)));
    assertThrows(IllegalArgumentException.class,
        () -> coder.parity(new byte[][] {new byte[64], new byte[64], new byte[63], new byte[64]}));
    assertThrows(IllegalArgumentException.class, () -> coder.complete(new byte[5][]));
  }

  @Test
  void redundancyIsWrittenKPlusMWithinBounds() {
    assertEquals(new Redundancy(4, 2), Redundancy.parse("4+2"));
    assertEquals(new Redundancy(16, 16), Redundancy.parse(" 16+16 "));
    assertEquals("4+2", Redundancy.DEFAULT.toString());
    for (String bad : new String[] {"4", "4+", "+2", "4+2+1", "a+b", "0+2", "4+0", "20+13", "-1+2", "", "4 + 2"}) {
      assertThrows(IllegalArgumentException.class, () -> Redundancy.parse(bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> Redundancy.parse(null));
  }
}
