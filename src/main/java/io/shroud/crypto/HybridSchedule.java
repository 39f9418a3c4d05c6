package io.shroud.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The key schedule of protocol §6.3.3 for any protocol id: the circuit handshake uses it with
 * {@code shroud-circuit-hybrid-v1} ({@link CircuitHandshake}, which must give the same bytes; a
 * test checks it), the end-to-end handshake of hidden seeding (§11.6) with
 * {@code shroud-hs-e2e-v1}. Pure functions, no state.
 *
 * <pre>
 * TH   = H(u8(len(PROTOID)) ‖ PROTOID ‖ fields…)          fields of fixed sizes, in order
 * PRK  = HKDF-Extract(salt = TH, S_xy ‖ S_xb ‖ S_ks ‖ S_ke)
 * AUTH = HKDF-Expand(PRK, PROTOID ‖ ":auth", 32)
 * KEYS = HKDF-Expand(PRK, PROTOID ‖ ":keys", 160)          → {@link HopKeys}
 * </pre>
 */
public final class HybridSchedule {
  public static final int AUTH_BYTES = 32;

  private HybridSchedule() {}

  /** AUTH and the hop keys; never printed. */
  public record Derived(byte[] auth, HopKeys keys) {
    @Override
    public String toString() {
      return "Derived[redacted]";
    }
  }

  /**
   * {@code H(u8(len(PROTOID)) ‖ PROTOID ‖ fields…)}: the transcript hash of §6.3.3 when the
   * fields are {@code ID, B, H(EK_s), X, EK_e, CT_s, Y, CT_e}, and {@code TH_i} of §11.6 when
   * they stop after {@code CT_s}. The protocol id is ASCII, at most 255 bytes.
   */
  public static byte[] transcriptHash(String protoId, byte[]... fields) {
    byte[] id = protoId.getBytes(StandardCharsets.US_ASCII);
    if (id.length > 255) {
      throw new IllegalArgumentException("a protocol id has at most 255 bytes");
    }
    MessageDigest digest = Hashes.sha256Digest();
    digest.update((byte) id.length);
    digest.update(id);
    for (byte[] field : fields) {
      digest.update(field);
    }
    return digest.digest();
  }

  /**
   * {@code AUTH} and {@code KEYS} from the transcript hash and the four secrets (32 bytes each),
   * under the labels {@code PROTOID ":auth"} and {@code PROTOID ":keys"}. The secrets are not
   * erased here; the caller owns them.
   */
  public static Derived derive(String protoId, byte[] transcriptHash, byte[] sXy, byte[] sXb, byte[] sKs,
      byte[] sKe) {
    byte[] ikm = CircuitHandshake.concat(sXy, sXb, sKs, sKe);
    try {
      byte[] auth = hkdf(ikm, transcriptHash, Hashes.ascii(protoId + ":auth"), AUTH_BYTES);
      byte[] keys = hkdf(ikm, transcriptHash, Hashes.ascii(protoId + ":keys"), HopKeys.BYTES);
      HopKeys hopKeys = HopKeys.fromBytes(keys);
      Arrays.fill(keys, (byte) 0);
      return new Derived(auth, hopKeys);
    } finally {
      Arrays.fill(ikm, (byte) 0);
    }
  }

  /** {@code HKDF-Expand(HKDF-Extract(salt, ikm), info, length)} with SHA-256 (RFC 5869). */
  public static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    generator.init(new HKDFParameters(ikm, salt, info));
    byte[] out = new byte[length];
    generator.generateBytes(out, 0, length);
    return out;
  }
}
