package io.shroud.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Constants, message layouts and the key schedule of {@code shroud-circuit-hybrid-v1}, the
 * one-way authenticated hybrid (X25519 + ML-KEM-768) ntor-style circuit handshake specified in
 * {@code docs/protocol.md} §6.3. The two sides live in
 * {@link CircuitHandshakeClient} (origin) and {@link CircuitHandshakeRelay} (relay).
 */
public final class CircuitHandshake {
  /** Handshake type number carried in CREATE link cells and EXTEND relay cells. */
  public static final int HTYPE = 0x0001;
  public static final String PROTOID = "shroud-circuit-hybrid-v1";

  public static final int NODE_ID_BYTES = 32;
  public static final int KEY_ID_BYTES = OnionPublicKey.ID_BYTES;
  public static final int AUTH_BYTES = 32;
  /** Length of {@code KH}, the value that binds a request to one hop of one circuit (protocol §11.5). */
  public static final int KH_BYTES = 32;

  static final int CREATE_ID_OFFSET = 0;
  static final int CREATE_KEYID_OFFSET = CREATE_ID_OFFSET + NODE_ID_BYTES;
  static final int CREATE_X_OFFSET = CREATE_KEYID_OFFSET + KEY_ID_BYTES;
  static final int CREATE_EKE_OFFSET = CREATE_X_OFFSET + X25519.KEY_BYTES;
  static final int CREATE_CTS_OFFSET = CREATE_EKE_OFFSET + MlKem768.PUBLIC_KEY_BYTES;
  /** ID 32 ‖ KEYID 32 ‖ X 32 ‖ EK_e 1184 ‖ CT_s 1088 = 2368. */
  public static final int CREATE_BYTES = CREATE_CTS_OFFSET + MlKem768.CIPHERTEXT_BYTES;

  static final int CREATED_Y_OFFSET = 0;
  static final int CREATED_CTE_OFFSET = CREATED_Y_OFFSET + X25519.KEY_BYTES;
  static final int CREATED_AUTH_OFFSET = CREATED_CTE_OFFSET + MlKem768.CIPHERTEXT_BYTES;
  /** Y 32 ‖ CT_e 1088 ‖ AUTH 32 = 1152. */
  public static final int CREATED_BYTES = CREATED_AUTH_OFFSET + AUTH_BYTES;

  private static final byte[] PROTOID_BYTES = Hashes.ascii(PROTOID);
  private static final byte[] AUTH_INFO = Hashes.ascii(PROTOID + ":auth");
  private static final byte[] KEYS_INFO = Hashes.ascii(PROTOID + ":keys");
  private static final byte[] KH_INFO = Hashes.ascii(PROTOID + ":kh");
  private static final byte[] REPLAY_LABEL = Hashes.ascii("shroud-create-replay-v1");

  private CircuitHandshake() {}

  /**
   * What the key schedule yields: the relay's AUTH tag, the hop keys, and {@code KH}, which both
   * ends of the hop hold and nobody else: hidden-seeding requests sign it to bind themselves to
   * this hop (protocol §11.5).
   */
  record Derived(byte[] auth, HopKeys keys, byte[] kh) {
    @Override
    public String toString() {
      return "Derived[redacted]";
    }
  }

  /**
   * {@code TH = H(u8(len(PROTOID)) ‖ PROTOID ‖ ID ‖ B ‖ H(EK_s) ‖ X ‖ EK_e ‖ CT_s ‖ Y ‖ CT_e)}.
   * {@code create} is the 2368-byte CREATE, {@code yAndCte} the first 1120 bytes of CREATED.
   */
  static byte[] transcriptHash(byte[] create, OnionPublicKey relayKey, byte[] y, byte[] cte) {
    MessageDigest digest = Hashes.sha256Digest();
    digest.update((byte) PROTOID_BYTES.length);
    digest.update(PROTOID_BYTES);
    digest.update(create, CREATE_ID_OFFSET, NODE_ID_BYTES);
    digest.update(relayKey.x25519Raw());
    digest.update(Hashes.sha256(relayKey.mlKemRaw()));
    digest.update(create, CREATE_X_OFFSET, CREATE_BYTES - CREATE_X_OFFSET); // X ‖ EK_e ‖ CT_s
    digest.update(y);
    digest.update(cte);
    return digest.digest();
  }

  /**
   * The key schedule (protocol §6.3.3), package-private so tests can show every secret matters:
   * {@code PRK = HKDF-Extract(TH, S_xy ‖ S_xb ‖ S_ks ‖ S_ke)}, {@code AUTH}, {@code KEYS} and
   * {@code KH} expanded from it under distinct labels.
   */
  static Derived deriveKeys(byte[] transcriptHash, byte[] sXy, byte[] sXb, byte[] sKemStatic, byte[] sKemEphemeral) {
    byte[] ikm = concat(sXy, sXb, sKemStatic, sKemEphemeral);
    try {
      byte[] auth = hkdf(ikm, transcriptHash, AUTH_INFO, AUTH_BYTES);
      byte[] keys = hkdf(ikm, transcriptHash, KEYS_INFO, HopKeys.BYTES);
      byte[] kh = hkdf(ikm, transcriptHash, KH_INFO, KH_BYTES);
      HopKeys hopKeys = HopKeys.fromBytes(keys);
      Arrays.fill(keys, (byte) 0);
      return new Derived(auth, hopKeys, kh);
    } finally {
      Arrays.fill(ikm, (byte) 0);
    }
  }

  /** The replay-cache fingerprint of a CREATE: {@code H("shroud-create-replay-v1" ‖ KEYID ‖ X)}. */
  static byte[] replayFingerprint(byte[] create) {
    MessageDigest digest = Hashes.sha256Digest();
    digest.update(REPLAY_LABEL);
    digest.update(create, CREATE_KEYID_OFFSET, KEY_ID_BYTES);
    digest.update(create, CREATE_X_OFFSET, X25519.KEY_BYTES);
    return digest.digest();
  }

  private static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    generator.init(new HKDFParameters(ikm, salt, info));
    byte[] out = new byte[length];
    generator.generateBytes(out, 0, length);
    return out;
  }

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }
}
