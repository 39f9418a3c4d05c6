package io.shroud.content;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The random 256-bit key of one encrypted share. Everything else is derived from it with
 * HKDF-SHA256 (RFC 5869, empty salt) under fixed labels, so one key never feeds two ciphers:
 * {@value #CONTENT_KEY_LABEL} (32-byte AES-256-CTR key), {@value #CONTENT_IV_LABEL} (16-byte
 * initial counter block) and {@value #MANIFEST_KEY_LABEL} (32-byte AES-256-GCM key). Its
 * {@link #toString()} never shows the key.
 */
public final class ShareKey {
  public static final int LENGTH = 32;
  public static final String CONTENT_KEY_LABEL = "shroud/v1/content-key";
  public static final String CONTENT_IV_LABEL = "shroud/v1/content-iv";
  public static final String MANIFEST_KEY_LABEL = "shroud/v1/manifest-key";

  private final byte[] key;

  private ShareKey(byte[] key) {
    this.key = key;
  }

  public static ShareKey random(SecureRandom random) {
    byte[] k = new byte[LENGTH];
    random.nextBytes(k);
    return new ShareKey(k);
  }

  public static ShareKey of(byte[] key) {
    if (key == null || key.length != LENGTH) {
      throw new IllegalArgumentException("share key must be 32 bytes");
    }
    return new ShareKey(key.clone());
  }

  /** Parses the link form: 43 characters of unpadded base64url. */
  public static ShareKey fromBase64Url(String s) {
    if (s == null || s.length() != 43) {
      throw new IllegalArgumentException("share key must be 43 base64url characters");
    }
    byte[] k;
    try {
      k = Base64.getUrlDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("share key is not base64url");
    }
    ShareKey parsed = new ShareKey(k);
    if (!parsed.toBase64Url().equals(s)) {
      throw new IllegalArgumentException("share key is not canonical base64url");
    }
    return parsed;
  }

  public String toBase64Url() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
  }

  public byte[] bytes() {
    return key.clone();
  }

  byte[] contentKey() {
    return derive(CONTENT_KEY_LABEL, 32);
  }

  byte[] contentIv() {
    return derive(CONTENT_IV_LABEL, 16);
  }

  byte[] manifestKey() {
    return derive(MANIFEST_KEY_LABEL, 32);
  }

  private byte[] derive(String label, int length) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(key, null, label.getBytes(StandardCharsets.US_ASCII)));
    byte[] out = new byte[length];
    hkdf.generateBytes(out, 0, length);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShareKey k && MessageDigest.isEqual(key, k.key);
  }

  @Override
  public int hashCode() {
    return 0; // deliberately constant: no key bits leak through hash tables
  }

  @Override
  public String toString() {
    return "ShareKey[redacted]";
  }
}
