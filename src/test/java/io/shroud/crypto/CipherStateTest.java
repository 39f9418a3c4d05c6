package io.shroud.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** CipherState: nonces, failed decryption, and Rekey as spec section 11.3 defines it. */
class CipherStateTest {
  private static final byte[] KEY = new byte[32];

  static {
    for (int i = 0; i < 32; i++) {
      KEY[i] = (byte) (i * 7 + 1);
    }
  }

  private static CipherState keyed(NoiseCipher c, byte[] key) {
    CipherState cs = new CipherState(c);
    cs.initializeKey(key);
    return cs;
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void rekeyIsFirst32BytesOfEncryptAtMaxNonceOfZeros(NoiseCipher c) throws Exception {
    Cipher jdk = Cipher.getInstance(c.transformation());
    byte[] iv = new byte[12];
    Arrays.fill(iv, 4, 12, (byte) 0xff);
    jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, c.keyAlgorithm()),
        c == NoiseCipher.AES_GCM ? new GCMParameterSpec(128, iv) : new IvParameterSpec(iv));
    byte[] expectedKey = Arrays.copyOf(jdk.doFinal(new byte[32]), 32);

    CipherState rekeyed = keyed(c, KEY);
    rekeyed.encryptWithAd(new byte[0], new byte[5]);
    rekeyed.rekey();
    assertEquals(1, rekeyed.nonce(), "rekey keeps the nonce");
    CipherState reference = keyed(c, expectedKey);
    reference.setNonce(1);
    byte[] pt = "after rekey".getBytes();
    assertArrayEquals(reference.encryptWithAd(new byte[] {1}, pt),
        rekeyed.encryptWithAd(new byte[] {1}, pt));
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void staleKeyFailsAfterRekeyAndNonceStaysOnFailure(NoiseCipher c) throws NoiseException {
    CipherState sender = keyed(c, KEY);
    CipherState receiver = keyed(c, KEY);
    sender.rekey();
    byte[] ct = sender.encryptWithAd(new byte[0], new byte[100]);
    assertThrows(NoiseException.class, () -> receiver.decryptWithAd(new byte[0], ct));
    assertEquals(0, receiver.nonce());
    receiver.rekey();
    assertArrayEquals(new byte[100], receiver.decryptWithAd(new byte[0], ct));
    assertEquals(1, receiver.nonce());
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void manyMessagesReuseOneJdkCipherWithoutIvReuseErrors(NoiseCipher c) throws NoiseException {
    CipherState a = keyed(c, KEY);
    CipherState b = keyed(c, KEY);
    byte[] pt = new byte[4080];
    for (int i = 0; i < 1000; i++) {
      pt[0] = (byte) i;
      assertArrayEquals(pt, b.decryptWithAd(null, a.encryptWithAd(null, pt)));
      if (i % 100 == 99) {
        a.rekey();
        b.rekey();
      }
    }
  }

  @Test
  void emptyKeyPassesThroughAndNonceExhaustionIsAnError() throws NoiseException {
    CipherState empty = new CipherState(NoiseCipher.CHACHA_POLY);
    assertFalse(empty.hasKey());
    assertArrayEquals(new byte[] {1, 2}, empty.encryptWithAd(null, new byte[] {1, 2}));
    CipherState cs = keyed(NoiseCipher.AES_GCM, KEY);
    cs.setNonce(CipherState.MAX_NONCE);
    assertThrows(NoiseException.class, () -> cs.encryptWithAd(null, new byte[1]));
    assertFalse(cs.toString().contains("01"), cs.toString());
  }
}
