package io.shroud.hidden;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One period's blinded DHT location and descriptor key of a share (docs/protocol.md §11.2):
 *
 * <pre>
 * L_n = SHA-256("shroud-hs-location-v1" ‖ S ‖ u64(n))                         (the DHT key)
 * D_n = HKDF-SHA256(ikm = S, salt = none, info = "shroud/v1/hs-descriptor" ‖ u64(n), 32 bytes)
 * </pre>
 *
 * {@code D_n} is a secret: {@link #toString()} shows {@code L_n} only.
 */
public final class HsLocation {
  public static final String LOCATION_LABEL = "shroud-hs-location-v1";
  public static final String DESCRIPTOR_KEY_LABEL = "shroud/v1/hs-descriptor";

  private final long period;
  private final byte[] location;
  private final byte[] descriptorKey;

  private HsLocation(long period, byte[] location, byte[] descriptorKey) {
    this.period = period;
    this.location = location;
    this.descriptorKey = descriptorKey;
  }

  /** {@code L_n} and {@code D_n} of the share whose secret is {@code s}, for period {@code n}. */
  public static HsLocation of(ShareSecret s, long n) {
    if (n < 0) {
      throw new IllegalArgumentException("a period is not negative: " + n);
    }
    byte[] secret = s.bytes();
    byte[] u64 = ByteBuffer.allocate(Long.BYTES).putLong(n).array();
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    sha256.update(LOCATION_LABEL.getBytes(StandardCharsets.US_ASCII));
    sha256.update(secret);
    sha256.update(u64);
    byte[] location = sha256.digest();
    byte[] label = DESCRIPTOR_KEY_LABEL.getBytes(StandardCharsets.US_ASCII);
    byte[] info = ByteBuffer.allocate(label.length + Long.BYTES).put(label).putLong(n).array();
    byte[] key = ShareSecret.hkdf(secret, info, 32);
    java.util.Arrays.fill(secret, (byte) 0);
    return new HsLocation(n, location, key);
  }

  public long period() {
    return period;
  }

  /** {@code L_n}: the 32-byte DHT key the descriptors are stored at. */
  public byte[] location() {
    return location.clone();
  }

  /** {@code D_n}: the AES-256-GCM key of the descriptors (a secret). */
  public byte[] descriptorKey() {
    return descriptorKey.clone();
  }

  @Override
  public String toString() {
    return "HsLocation[period=" + period + ", L=" + HexFormat.of().formatHex(location) + "]";
  }
}
