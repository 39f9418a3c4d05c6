package io.shroud.store;

import io.shroud.hidden.ShareSecret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * A storage manifest as only a holder of the link can read it (docs/protocol.md §12.7): sealed
 * with AES-256-GCM under a key derived from the share secret {@code S} (§11.2), bound to its
 * location, also derived from {@code S}, where it is to be found. Whoever stores or carries the
 * sealed bytes learns neither the share, nor the storage key, nor which fragments belong to it.
 *
 * <pre>
 * location = HKDF-SHA256(ikm = S, salt = none, info = "shroud/v1/store-location", 32)
 * key      = HKDF-SHA256(ikm = S, salt = none, info = "shroud/v1/store-manifest-key", 32)
 * sealed   = nonce [12, random] ‖ AES-256-GCM(key, nonce, aad = location)(manifest) ‖ tag [16]
 * </pre>
 */
public final class ManifestSeal {
  public static final String LOCATION_LABEL = "shroud/v1/store-location";
  public static final String KEY_LABEL = "shroud/v1/store-manifest-key";
  public static final int NONCE_BYTES = 12;
  public static final int TAG_BYTES = 16;

  private ManifestSeal() {}

  /** Where the share's sealed manifest is found: 32 bytes from {@code S}, the same for every holder of the link. */
  public static byte[] location(ShareSecret secret) {
    return derive(secret, LOCATION_LABEL);
  }

  public static byte[] seal(ShareSecret secret, StorageManifest manifest, SecureRandom random) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] plain = manifest.encode();
    try {
      Cipher gcm = cipher(secret, Cipher.ENCRYPT_MODE, nonce);
      byte[] sealed = new byte[NONCE_BYTES + plain.length + TAG_BYTES];
      System.arraycopy(nonce, 0, sealed, 0, NONCE_BYTES);
      gcm.doFinal(plain, 0, plain.length, sealed, NONCE_BYTES);
      return sealed;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed", e);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /** The manifest in {@code sealed}; a {@link ManifestException} when it is not one sealed for {@code secret}. */
  public static StorageManifest open(ShareSecret secret, byte[] sealed) throws ManifestException {
    if (sealed.length < NONCE_BYTES + TAG_BYTES) {
      throw new ManifestException("a sealed manifest is at least " + (NONCE_BYTES + TAG_BYTES) + " bytes");
    }
    byte[] plain;
    try {
      plain = cipher(secret, Cipher.DECRYPT_MODE, Arrays.copyOf(sealed, NONCE_BYTES))
          .doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new ManifestException("the manifest does not open with this link: tampered, or another share's");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed", e);
    }
    try {
      return StorageManifest.decode(plain);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  private static Cipher cipher(ShareSecret secret, int mode, byte[] nonce) throws GeneralSecurityException {
    byte[] key = derive(secret, KEY_LABEL);
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
      gcm.updateAAD(location(secret));
      return gcm;
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  static byte[] derive(ShareSecret secret, String label) {
    byte[] s = secret.bytes();
    try {
      HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
      hkdf.init(new HKDFParameters(s, null, label.getBytes(StandardCharsets.US_ASCII)));
      byte[] out = new byte[32];
      hkdf.generateBytes(out, 0, out.length);
      return out;
    } finally {
      Arrays.fill(s, (byte) 0);
    }
  }
}
