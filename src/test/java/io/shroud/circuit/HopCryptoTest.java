package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.HopKeys;
import java.util.Arrays;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.GMac;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Test;

/**
 * The relay cell tag as protocol §6.6.3 defines it, recomputed with Bouncy Castle's GMAC (an
 * implementation independent of the JDK's GCM that {@link HopCrypto} uses):
 * {@code TAG = GMAC(M, nonce = 0⁴ ‖ u64 seq, AAD = body with the tag field zeroed)}.
 */
class HopCryptoTest {
  private static final int TAG = RelayCellFormat.TAG_OFFSET;

  private static byte[] material() {
    byte[] m = new byte[HopKeys.BYTES];
    for (int i = 0; i < m.length; i++) {
      m[i] = (byte) i;
    }
    return m;
  }

  private static byte[] gmac(byte[] key, long seq, byte[] body) {
    byte[] nonce = new byte[12];
    for (int i = 0; i < 8; i++) {
      nonce[11 - i] = (byte) (seq >>> (8 * i));
    }
    byte[] zeroed = body.clone();
    Arrays.fill(zeroed, TAG, TAG + RelayCellFormat.TAG_BYTES, (byte) 0);
    GMac mac = new GMac(GCMBlockCipher.newInstance(AESEngine.newInstance()), 128);
    mac.init(new ParametersWithIV(new KeyParameter(key), nonce));
    mac.update(zeroed, 0, zeroed.length);
    byte[] out = new byte[16];
    mac.doFinal(out, 0);
    return out;
  }

  @Test
  void tagsAreGmacOverTheBodyWithTheCellCounterAsNonce() {
    byte[] m = material();
    HopCrypto origin = new HopCrypto(HopKeys.fromBytes(m));
    HopCrypto relay = new HopCrypto(HopKeys.fromBytes(m));
    byte[] forwardMacKey = Arrays.copyOfRange(m, 64, 96);
    byte[] backwardMacKey = Arrays.copyOfRange(m, 96, 128);
    for (long seq = 0; seq < 3; seq++) {
      byte[] body = RelayCellFormat.encode(new RelayCell(RelayCommand.DATA, 5, ("cell " + seq).getBytes()));
      origin.forward.seal(body);
      assertArrayEquals(gmac(forwardMacKey, seq, body), Arrays.copyOfRange(body, TAG, TAG + 16), "forward seq " + seq);
      assertTrue(relay.forward.recognizes(body), "forward seq " + seq);

      byte[] back = RelayCellFormat.encode(new RelayCell(RelayCommand.DATA, 5, ("back " + seq).getBytes()));
      relay.backward.seal(back);
      assertArrayEquals(gmac(backwardMacKey, seq, back), Arrays.copyOfRange(back, TAG, TAG + 16), "backward seq " + seq);
      assertTrue(origin.backward.recognizes(back), "backward seq " + seq);
    }
  }

  @Test
  void aCellThatIsNotRecognizedIsLeftAsItCameAndTheCounterStays() {
    byte[] m = material();
    HopCrypto origin = new HopCrypto(HopKeys.fromBytes(m));
    HopCrypto relay = new HopCrypto(HopKeys.fromBytes(m));
    byte[] first = RelayCellFormat.encode(new RelayCell(RelayCommand.DATA, 5, new byte[100]));
    origin.forward.seal(first);
    byte[] forged = first.clone();
    forged[RelayCellFormat.HEADER_BYTES] ^= 1;
    byte[] asSent = forged.clone();
    assertFalse(relay.forward.recognizes(forged));
    assertArrayEquals(asSent, forged, "an unrecognized cell travels on unchanged");
    assertFalse(relay.forward.recognizes(forged), "the same nonce may be checked again");
    assertTrue(relay.forward.recognizes(first), "the counter did not move on a failed check");
    assertFalse(relay.forward.recognizes(first), "a replay is checked under the next counter");
  }
}
