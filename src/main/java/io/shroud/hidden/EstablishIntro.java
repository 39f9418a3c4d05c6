package io.shroud.hidden;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.MlKem768;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * ESTABLISH_INTRO (relay command 12, protocol §11.5): a seeder asks the last hop of its circuit to
 * be an introduction point for {@code auth key}, and hands it the ML-KEM-768 key downloaders
 * encapsulate to. 1280 bytes:
 *
 * <pre>
 * auth key[32] ‖ EK_s[1184] ‖ signature[64] over
 *   "shroud-hs-establish-intro-v1" ‖ KH[32] ‖ auth key ‖ EK_s
 * </pre>
 *
 * {@code KH} is the value both ends of that hop derived in its circuit handshake
 * ({@code CircuitHandshakeRelay.Response#kh}, {@code CircuitHandshakeClient#finishWithBinding}):
 * a request captured on one circuit does not verify on another. Immutable; accessors copy.
 */
public final class EstablishIntro {
  public static final int AUTH_KEY_BYTES = Ed25519.PUBLIC_KEY_BYTES;
  public static final int KH_BYTES = 32;
  /** 32 + 1184 + 64 = 1280. */
  public static final int BYTES = AUTH_KEY_BYTES + MlKem768.PUBLIC_KEY_BYTES + Ed25519.SIGNATURE_BYTES;

  private static final byte[] LABEL = "shroud-hs-establish-intro-v1".getBytes(StandardCharsets.US_ASCII);
  private static final int EK_OFFSET = AUTH_KEY_BYTES;
  private static final int SIGNATURE_OFFSET = EK_OFFSET + MlKem768.PUBLIC_KEY_BYTES;

  /** Why an ESTABLISH_INTRO was refused; its message never contains key material. */
  public static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }
  }

  private final byte[] authKey;
  private final byte[] encapsulationKey;
  private final byte[] signature;

  private EstablishIntro(byte[] authKey, byte[] encapsulationKey, byte[] signature) {
    this.authKey = authKey;
    this.encapsulationKey = encapsulationKey;
    this.signature = signature;
  }

  /** The 1280 bytes an ESTABLISH_INTRO carries, signed by {@code authKey} for the hop whose {@code KH} is {@code kh}. */
  public static byte[] sign(Ed25519.KeyPair authKey, byte[] kh, byte[] encapsulationKey) {
    Objects.requireNonNull(authKey, "authKey");
    checkKh(kh);
    if (encapsulationKey == null || encapsulationKey.length != MlKem768.PUBLIC_KEY_BYTES) {
      throw new IllegalArgumentException("EK_s must be " + MlKem768.PUBLIC_KEY_BYTES + " bytes");
    }
    byte[] publicKey = authKey.publicKey();
    byte[] signature = authKey.sign(signedMessage(kh, publicKey, encapsulationKey));
    return new EstablishIntro(publicKey, encapsulationKey.clone(), signature).encode();
  }

  /**
   * Splits {@code data} into its fields without checking anything but its size (exactly
   * {@link #BYTES}); {@link #verify} is what a relay calls.
   */
  public static EstablishIntro decode(byte[] data) throws Invalid {
    if (data == null || data.length != BYTES) {
      throw new Invalid("ESTABLISH_INTRO must be " + BYTES + " bytes, got " + (data == null ? "null" : data.length));
    }
    return new EstablishIntro(Arrays.copyOfRange(data, 0, EK_OFFSET), Arrays.copyOfRange(data, EK_OFFSET,
        SIGNATURE_OFFSET), Arrays.copyOfRange(data, SIGNATURE_OFFSET, BYTES));
  }

  /**
   * What the introduction point checks (protocol §11.5): exactly 1280 bytes, the Ed25519
   * signature under the auth key over this hop's {@code kh}, and {@code EK_s} passing the FIPS 203
   * encapsulation key check. Throws {@link Invalid} otherwise.
   */
  public static EstablishIntro verify(byte[] data, byte[] kh) throws Invalid {
    checkKh(kh);
    EstablishIntro request = decode(data);
    if (!Ed25519.verify(request.authKey, signedMessage(kh, request.authKey, request.encapsulationKey),
        request.signature)) {
      throw new Invalid("ESTABLISH_INTRO signature does not verify for this hop");
    }
    try {
      MlKem768.checkPublicKey(request.encapsulationKey);
    } catch (IllegalArgumentException e) {
      throw new Invalid("ESTABLISH_INTRO carries an invalid ML-KEM-768 key");
    }
    return request;
  }

  /** The 1280-byte encoding. */
  public byte[] encode() {
    byte[] out = new byte[BYTES];
    System.arraycopy(authKey, 0, out, 0, AUTH_KEY_BYTES);
    System.arraycopy(encapsulationKey, 0, out, EK_OFFSET, encapsulationKey.length);
    System.arraycopy(signature, 0, out, SIGNATURE_OFFSET, signature.length);
    return out;
  }

  /** The Ed25519 auth key (32 bytes, a copy). */
  public byte[] authKey() {
    return authKey.clone();
  }

  /** {@code EK_s}, the ML-KEM-768 encapsulation key (1184 bytes, a copy). */
  public byte[] encapsulationKey() {
    return encapsulationKey.clone();
  }

  public byte[] signature() {
    return signature.clone();
  }

  /** {@code "shroud-hs-establish-intro-v1" ‖ KH ‖ auth key ‖ EK_s}. */
  static byte[] signedMessage(byte[] kh, byte[] authKey, byte[] encapsulationKey) {
    byte[] message = new byte[LABEL.length + KH_BYTES + AUTH_KEY_BYTES + MlKem768.PUBLIC_KEY_BYTES];
    int at = 0;
    for (byte[] part : new byte[][] {LABEL, kh, authKey, encapsulationKey}) {
      System.arraycopy(part, 0, message, at, part.length);
      at += part.length;
    }
    return message;
  }

  private static void checkKh(byte[] kh) {
    if (kh == null || kh.length != KH_BYTES) {
      throw new IllegalArgumentException("KH must be " + KH_BYTES + " bytes");
    }
  }

  @Override
  public String toString() {
    return "EstablishIntro[auth key " + java.util.HexFormat.of().formatHex(authKey, 0, 8) + "…]";
  }
}
