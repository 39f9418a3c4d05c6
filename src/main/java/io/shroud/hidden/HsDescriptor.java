package io.shroud.hidden;

import io.shroud.identity.NodeId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A hidden seeder's descriptor (docs/protocol.md §11.3): the value of a signed DHT record at
 * {@code L_n}, sealed under {@code D_n} and bound to the location and the record's publisher key.
 *
 * <pre>
 * value     = nonce[12] ‖ AES-256-GCM(D_n, nonce, plaintext,
 *                                     aad = "shroud-hs-desc-v1" ‖ L_n[32] ‖ publisher[32]) ‖ tag[16]
 * plaintext = version u8 = 1 ‖ pow effort u32 ‖ pow seed[32] ‖ count u8 (1..3)
 *           ‖ count × (relay node id[32] ‖ auth key[32] ‖ B[32] ‖ H(EK_s)[32])
 *           ‖ zero padding to 512 bytes
 * </pre>
 *
 * Strict both ways: the constructor refuses what {@link #encodePlaintext} could not write, and
 * {@link #open}/{@link #decodePlaintext} refuse anything but the one canonical encoding (exact
 * size, version 1, count 1..3, effort 0..{@link HsPow#MAX_EFFORT}, distinct relays and auth keys,
 * zero padding).
 */
public final class HsDescriptor {
  public static final int VERSION = 1;
  public static final int MAX_INTRO_POINTS = 3;
  public static final int SEED_BYTES = 32;
  public static final int KEY_BYTES = 32;
  public static final int NONCE_BYTES = 12;
  public static final int TAG_BYTES = 16;
  public static final int INTRO_POINT_BYTES = NodeId.BYTES + 3 * KEY_BYTES;
  /** version 1 ‖ effort 4 ‖ seed 32 ‖ count 1. */
  static final int HEADER_BYTES = 1 + 4 + SEED_BYTES + 1;
  public static final int PLAINTEXT_BYTES = 512;
  /** nonce 12 ‖ ciphertext 512 ‖ tag 16 = 540. */
  public static final int VALUE_BYTES = NONCE_BYTES + PLAINTEXT_BYTES + TAG_BYTES;
  public static final String AAD_LABEL = "shroud-hs-desc-v1";
  private static final byte[] AAD_LABEL_BYTES = AAD_LABEL.getBytes(StandardCharsets.US_ASCII);

  /** One introduction point: its relay and the keys the seeder made for it alone (§11.5, §11.6). */
  public record IntroPoint(NodeId relay, byte[] authKey, byte[] b, byte[] ekHash) {
    public IntroPoint {
      if (relay == null) {
        throw new IllegalArgumentException("an intro point needs its relay");
      }
      authKey = checked(authKey, "auth key");
      b = checked(b, "B");
      ekHash = checked(ekHash, "H(EK_s)");
    }

    @Override
    public byte[] authKey() {
      return authKey.clone();
    }

    @Override
    public byte[] b() {
      return b.clone();
    }

    @Override
    public byte[] ekHash() {
      return ekHash.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof IntroPoint p && relay.equals(p.relay) && Arrays.equals(authKey, p.authKey)
          && Arrays.equals(b, p.b) && Arrays.equals(ekHash, p.ekHash);
    }

    @Override
    public int hashCode() {
      return relay.hashCode() * 31 + Arrays.hashCode(authKey);
    }

    @Override
    public String toString() {
      return "IntroPoint[relay=" + relay.shortHex() + ", auth=" + HexFormat.of().formatHex(authKey, 0, 4) + "]";
    }

    private static byte[] checked(byte[] key, String what) {
      if (key == null || key.length != KEY_BYTES) {
        throw new IllegalArgumentException(what + " must be " + KEY_BYTES + " bytes");
      }
      return key.clone();
    }
  }

  private final int powEffort;
  private final byte[] powSeed;
  private final List<IntroPoint> introPoints;

  /**
   * A descriptor; refuses (IllegalArgumentException) an effort outside 0..{@link HsPow#MAX_EFFORT},
   * a seed that is not 32 bytes, 0 or more than 3 intro points, or two on one relay or auth key.
   */
  public HsDescriptor(int powEffort, byte[] powSeed, List<IntroPoint> introPoints) {
    String problem = problem(powEffort, introPoints);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    if (powSeed == null || powSeed.length != SEED_BYTES) {
      throw new IllegalArgumentException("pow seed must be " + SEED_BYTES + " bytes");
    }
    this.powEffort = powEffort;
    this.powSeed = powSeed.clone();
    this.introPoints = List.copyOf(introPoints);
  }

  /** The work asked of an introduction, 0 for none (§11.9). */
  public int powEffort() {
    return powEffort;
  }

  public byte[] powSeed() {
    return powSeed.clone();
  }

  public List<IntroPoint> introPoints() {
    return introPoints;
  }

  /** The 512-byte plaintext. */
  public byte[] encodePlaintext() {
    ByteBuffer out = ByteBuffer.allocate(PLAINTEXT_BYTES);
    out.put((byte) VERSION).putInt(powEffort).put(powSeed).put((byte) introPoints.size());
    for (IntroPoint p : introPoints) {
      out.put(p.relay().toBytes()).put(p.authKey).put(p.b).put(p.ekHash);
    }
    return out.array();
  }

  /** Reads a 512-byte plaintext; only its canonical encoding is accepted. */
  public static HsDescriptor decodePlaintext(byte[] plaintext) throws HsDescriptorException {
    if (plaintext == null || plaintext.length != PLAINTEXT_BYTES) {
      throw new HsDescriptorException("descriptor plaintext is "
          + (plaintext == null ? "missing" : plaintext.length + " bytes") + ", not " + PLAINTEXT_BYTES);
    }
    ByteBuffer in = ByteBuffer.wrap(plaintext);
    int version = in.get() & 0xff;
    if (version != VERSION) {
      throw new HsDescriptorException("descriptor version " + version + " is unknown");
    }
    long effort = in.getInt() & 0xffffffffL;
    if (effort > HsPow.MAX_EFFORT) {
      throw new HsDescriptorException("descriptor pow effort " + effort + " is above " + HsPow.MAX_EFFORT);
    }
    byte[] seed = new byte[SEED_BYTES];
    in.get(seed);
    int count = in.get() & 0xff;
    if (count < 1 || count > MAX_INTRO_POINTS) {
      throw new HsDescriptorException("descriptor intro point count " + count + " is not 1.." + MAX_INTRO_POINTS);
    }
    List<IntroPoint> points = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] relay = new byte[NodeId.BYTES];
      byte[] auth = new byte[KEY_BYTES];
      byte[] b = new byte[KEY_BYTES];
      byte[] ek = new byte[KEY_BYTES];
      in.get(relay).get(auth).get(b).get(ek);
      points.add(new IntroPoint(NodeId.of(relay), auth, b, ek));
    }
    while (in.hasRemaining()) {
      if (in.get() != 0) {
        throw new HsDescriptorException("descriptor padding is not zero at " + (in.position() - 1));
      }
    }
    String problem = problem((int) effort, points);
    if (problem != null) {
      throw new HsDescriptorException(problem);
    }
    return new HsDescriptor((int) effort, seed, points);
  }

  /** Seals this descriptor for the record at {@code location} published under {@code publisherKey}. */
  public byte[] seal(HsLocation location, byte[] publisherKey, RandomGenerator random) {
    return seal(location.descriptorKey(), location.location(), publisherKey, random);
  }

  /** The 540-byte value: a fresh 12-byte nonce from {@code random}, then the sealed plaintext. */
  public byte[] seal(byte[] descriptorKey, byte[] location, byte[] publisherKey, RandomGenerator random) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] value = new byte[VALUE_BYTES];
    System.arraycopy(nonce, 0, value, 0, NONCE_BYTES);
    try {
      Cipher gcm = cipher(Cipher.ENCRYPT_MODE, descriptorKey, nonce, location, publisherKey);
      int n = gcm.doFinal(encodePlaintext(), 0, PLAINTEXT_BYTES, value, NONCE_BYTES);
      if (n != PLAINTEXT_BYTES + TAG_BYTES) {
        throw new IllegalStateException("AES-GCM wrote " + n + " bytes");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is unavailable", e);
    }
    return value;
  }

  /** Opens the value of a record at {@code location} from {@code publisherKey}. */
  public static HsDescriptor open(byte[] value, HsLocation location, byte[] publisherKey)
      throws HsDescriptorException {
    return open(value, location.descriptorKey(), location.location(), publisherKey);
  }

  /**
   * Opens a 540-byte value under {@code D_n}, bound to {@code L_n} and the record's publisher
   * key, and reads its plaintext strictly.
   */
  public static HsDescriptor open(byte[] value, byte[] descriptorKey, byte[] location, byte[] publisherKey)
      throws HsDescriptorException {
    if (value == null || value.length != VALUE_BYTES) {
      throw new HsDescriptorException("descriptor value is "
          + (value == null ? "missing" : value.length + " bytes") + ", not " + VALUE_BYTES);
    }
    byte[] nonce = Arrays.copyOf(value, NONCE_BYTES);
    byte[] plaintext;
    try {
      Cipher gcm = cipher(Cipher.DECRYPT_MODE, descriptorKey, nonce, location, publisherKey);
      plaintext = gcm.doFinal(value, NONCE_BYTES, VALUE_BYTES - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new HsDescriptorException(
          "descriptor does not open under this period's key for this location and publisher");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is unavailable", e);
    }
    return decodePlaintext(plaintext);
  }

  private static Cipher cipher(int mode, byte[] key, byte[] nonce, byte[] location, byte[] publisherKey)
      throws GeneralSecurityException {
    if (key == null || key.length != 32) {
      throw new IllegalArgumentException("D_n must be 32 bytes");
    }
    if (location == null || location.length != 32) {
      throw new IllegalArgumentException("L_n must be 32 bytes");
    }
    if (publisherKey == null || publisherKey.length != 32) {
      throw new IllegalArgumentException("a publisher key is 32 bytes");
    }
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
    gcm.updateAAD(AAD_LABEL_BYTES);
    gcm.updateAAD(location);
    gcm.updateAAD(publisherKey);
    return gcm;
  }

  private static String problem(int effort, List<IntroPoint> points) {
    if (effort < 0 || effort > HsPow.MAX_EFFORT) {
      return "descriptor pow effort " + Integer.toUnsignedString(effort) + " is above " + HsPow.MAX_EFFORT;
    }
    if (points == null || points.isEmpty() || points.size() > MAX_INTRO_POINTS) {
      return "descriptor intro point count " + (points == null ? 0 : points.size()) + " is not 1.."
          + MAX_INTRO_POINTS;
    }
    Set<NodeId> relays = new HashSet<>();
    Set<String> authKeys = new HashSet<>();
    for (IntroPoint p : points) {
      if (!relays.add(p.relay())) {
        return "descriptor names relay " + p.relay().shortHex() + " for two intro points";
      }
      if (!authKeys.add(HexFormat.of().formatHex(p.authKey))) {
        return "descriptor names one auth key for two intro points";
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HsDescriptor d && powEffort == d.powEffort && Arrays.equals(powSeed, d.powSeed)
        && introPoints.equals(d.introPoints);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(powSeed) * 31 + introPoints.hashCode();
  }

  @Override
  public String toString() {
    return "HsDescriptor[effort=" + powEffort + ", introPoints=" + introPoints + "]";
  }
}
