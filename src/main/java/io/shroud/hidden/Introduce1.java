package io.shroud.hidden;

import io.shroud.crypto.MlKem768;
import io.shroud.crypto.X25519;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The data of INTRODUCE1 (downloader → introduction point) and of INTRODUCE2 (introduction point
 * → seeder, the same bytes), protocol §11.6, 2480 bytes:
 *
 * <pre>
 * offset    0  auth key[32]   (Ed25519, names the intro point's seeder circuit)
 * offset   32  X[32]          (downloader's ephemeral X25519)
 * offset   64  EK_e[1184]     (downloader's ephemeral ML-KEM-768 encapsulation key)
 * offset 1248  CT_s[1088]     (encapsulated to EK_s)
 * offset 2336  sealed[144]    (AES-256-GCM of the 128-byte {@link Introduction}, tag included)
 * </pre>
 *
 * Every field has a fixed size, so the codec checks only the total; what the fields hold (a
 * valid {@code EK_e}, a non-low-order {@code X}) the seeder checks when it opens it
 * ({@link E2eHandshake#open}).
 */
public record Introduce1(byte[] authKey, byte[] x, byte[] ekE, byte[] ctS, byte[] sealed) {
  public static final int AUTH_KEY_BYTES = 32;
  public static final int SEALED_BYTES = Introduction.BYTES + 16;
  static final int X_OFFSET = AUTH_KEY_BYTES;
  static final int EKE_OFFSET = X_OFFSET + X25519.KEY_BYTES;
  static final int CTS_OFFSET = EKE_OFFSET + MlKem768.PUBLIC_KEY_BYTES;
  static final int SEALED_OFFSET = CTS_OFFSET + MlKem768.CIPHERTEXT_BYTES;
  /** 32 + 32 + 1184 + 1088 + 144 = 2480. */
  public static final int BYTES = SEALED_OFFSET + SEALED_BYTES;

  public Introduce1 {
    authKey = Introduction.exact(authKey, AUTH_KEY_BYTES, "auth key");
    x = Introduction.exact(x, X25519.KEY_BYTES, "X");
    ekE = Introduction.exact(ekE, MlKem768.PUBLIC_KEY_BYTES, "EK_e");
    ctS = Introduction.exact(ctS, MlKem768.CIPHERTEXT_BYTES, "CT_s");
    sealed = Introduction.exact(sealed, SEALED_BYTES, "sealed introduction");
  }

  @Override
  public byte[] authKey() {
    return authKey.clone();
  }

  @Override
  public byte[] x() {
    return x.clone();
  }

  @Override
  public byte[] ekE() {
    return ekE.clone();
  }

  @Override
  public byte[] ctS() {
    return ctS.clone();
  }

  @Override
  public byte[] sealed() {
    return sealed.clone();
  }

  public byte[] encode() {
    byte[] out = new byte[BYTES];
    System.arraycopy(authKey, 0, out, 0, AUTH_KEY_BYTES);
    System.arraycopy(x, 0, out, X_OFFSET, x.length);
    System.arraycopy(ekE, 0, out, EKE_OFFSET, ekE.length);
    System.arraycopy(ctS, 0, out, CTS_OFFSET, ctS.length);
    System.arraycopy(sealed, 0, out, SEALED_OFFSET, sealed.length);
    return out;
  }

  /** Splits exactly 2480 bytes; {@link HiddenCellException} on any other size. */
  public static Introduce1 decode(byte[] data) throws HiddenCellException {
    if (data == null || data.length != BYTES) {
      throw new HiddenCellException("INTRODUCE1 must be " + BYTES + " bytes, got "
          + (data == null ? "null" : data.length));
    }
    return new Introduce1(Arrays.copyOfRange(data, 0, X_OFFSET), Arrays.copyOfRange(data, X_OFFSET, EKE_OFFSET),
        Arrays.copyOfRange(data, EKE_OFFSET, CTS_OFFSET), Arrays.copyOfRange(data, CTS_OFFSET, SEALED_OFFSET),
        Arrays.copyOfRange(data, SEALED_OFFSET, BYTES));
  }

  /**
   * The auth key of INTRODUCE1 data without parsing the rest: what the introduction point needs
   * to find the seeder's circuit. {@link HiddenCellException} unless the data has 2480 bytes.
   */
  public static byte[] authKeyOf(byte[] data) throws HiddenCellException {
    if (data == null || data.length != BYTES) {
      throw new HiddenCellException("INTRODUCE1 must be " + BYTES + " bytes, got "
          + (data == null ? "null" : data.length));
    }
    return Arrays.copyOf(data, AUTH_KEY_BYTES);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Introduce1 other && Arrays.equals(encode(), other.encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(x);
  }

  @Override
  public String toString() {
    return "Introduce1[auth key " + HexFormat.of().formatHex(authKey, 0, 8) + "…]";
  }
}
