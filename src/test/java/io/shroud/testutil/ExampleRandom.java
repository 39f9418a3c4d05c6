package io.shroud.testutil;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;

/**
 * The randomness of the protocol document's worked examples (protocol §9.1): the bytes of
 * {@code SHA-256(label ‖ u64 0) ‖ SHA-256(label ‖ u64 1) ‖ …}, however the caller splits its
 * reads. Deterministic by design: never use it outside tests.
 */
public final class ExampleRandom extends SecureRandom {
  private static final long serialVersionUID = 1L;

  public ExampleRandom(String label) {
    super(new Spi(label.getBytes(StandardCharsets.US_ASCII)), null);
  }

  private static final class Spi extends SecureRandomSpi {
    private static final long serialVersionUID = 1L;
    private final byte[] label;
    private long counter;
    private byte[] block = new byte[0];
    private int used;

    Spi(byte[] label) {
      this.label = label;
    }

    @Override
    protected void engineSetSeed(byte[] seed) {
      // deterministic by design: seeding changes nothing
    }

    @Override
    protected void engineNextBytes(byte[] bytes) {
      for (int i = 0; i < bytes.length; i++) {
        if (used == block.length) {
          byte[] c = new byte[8];
          for (int k = 0; k < 8; k++) {
            c[7 - k] = (byte) (counter >>> (8 * k));
          }
          counter++;
          block = sha256(label, c);
          used = 0;
        }
        bytes[i] = block[used++];
      }
    }

    @Override
    protected byte[] engineGenerateSeed(int numBytes) {
      byte[] out = new byte[numBytes];
      engineNextBytes(out);
      return out;
    }

    private static byte[] sha256(byte[] a, byte[] b) {
      try {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update(a);
        d.update(b);
        return d.digest();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
