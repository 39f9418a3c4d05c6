package io.shroud.hidden;

import io.shroud.crypto.HandshakeException;
import io.shroud.crypto.HopKeys;
import io.shroud.crypto.HybridSchedule;
import io.shroud.crypto.MlKem768;
import io.shroud.crypto.X25519;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The introduction and the end-to-end handshake of hidden seeding, {@code shroud-hs-e2e-v1}
 * (protocol §11.6): §6.3's hybrid handshake with the seeder in the relay's place ({@code ID} =
 * the auth key, onion keys = the intro point's {@code B} and {@code EK_s}), plus an introduction
 * sealed under {@code K_i}, a key only the holder of both {@code b} and {@code DK_s} derives.
 *
 * <p>Downloader: {@link #start} → {@link Client#introduce1()} (INTRODUCE1 data), later
 * {@link Client#finish} on RENDEZVOUS2 → the end-to-end {@link HopKeys}. Seeder: {@link #open} on
 * INTRODUCE2 → {@link Opened} (the introduction, after the replay check), then, when it serves
 * it, {@link Opened#respond} → RENDEZVOUS1 data and the same {@link HopKeys}. Both objects are
 * single use and erase their secrets when done.
 */
public final class E2eHandshake {
  public static final String PROTOID = "shroud-hs-e2e-v1";
  /** {@code Y[32] ‖ CT_e[1088] ‖ AUTH[32]}: RENDEZVOUS2 data, and RENDEZVOUS1's after the cookie. */
  public static final int RENDEZVOUS2_BYTES = X25519.KEY_BYTES + MlKem768.CIPHERTEXT_BYTES + HybridSchedule.AUTH_BYTES;
  /** {@code cookie[20] ‖ Y ‖ CT_e ‖ AUTH}. */
  public static final int RENDEZVOUS1_BYTES = Introduction.COOKIE_BYTES + RENDEZVOUS2_BYTES;

  static final byte[] INTRO_INFO = (PROTOID + ":intro").getBytes(StandardCharsets.US_ASCII);
  private static final int GCM_TAG_BITS = 128;

  private E2eHandshake() {}

  /**
   * The downloader starts: fresh {@code x}, then {@code (DK_e, EK_e)}, then {@code CT_s} to
   * {@code ekS}, drawn from {@code random} in that order, and the introduction sealed under
   * {@code K_i}. {@code authKey}, {@code b} come from the descriptor, {@code ekS} from INTRO_KEY
   * (checked against the descriptor's {@code H(EK_s)} first: {@link HiddenCells#decodeIntroKeyAnswer}).
   * {@link IllegalArgumentException} for a wrongly sized key, a low-order {@code B} or an
   * {@code EK_s} that fails the FIPS 203 check.
   */
  public static Client start(byte[] authKey, byte[] b, byte[] ekS, Introduction introduction, SecureRandom random) {
    return start(authKey, b, ekS, X25519.generate(random), introduction, random);
  }

  /**
   * As {@link #start(byte[], byte[], byte[], Introduction, SecureRandom)} with the ephemeral
   * {@code x} drawn beforehand: the proof of work binds {@code X} (§11.9) and the introduction
   * carries the work, so a downloader that attaches work draws {@code x}, solves over its public
   * key, then starts. {@code x} must be fresh and used for this one introduction only; the
   * returned client owns it.
   */
  public static Client start(byte[] authKey, byte[] b, byte[] ekS, X25519.KeyPair x, Introduction introduction,
      SecureRandom random) {
    Objects.requireNonNull(x, "x");
    byte[] auth = Introduction.exact(authKey, Introduce1.AUTH_KEY_BYTES, "auth key");
    byte[] bigB = Introduction.exact(b, X25519.KEY_BYTES, "B");
    byte[] ekSHash = ServiceKeys.sha256(Introduction.exact(ekS, MlKem768.PUBLIC_KEY_BYTES, "EK_s"));
    Objects.requireNonNull(introduction, "introduction");
    MlKem768.KeyPair eke = MlKem768.generate(random);
    byte[] sXb = x.agree(bigB);
    MlKem768.Encapsulation toStatic = MlKem768.encapsulate(ekS, random);
    byte[] bigX = x.publicKey();
    byte[] ekE = eke.publicKey();
    byte[] thI = HybridSchedule.transcriptHash(PROTOID, auth, bigB, ekSHash, bigX, ekE, toStatic.ciphertext());
    byte[] kI = introKey(thI, sXb, toStatic.sharedSecret());
    byte[] plain = introduction.encode();
    byte[] sealed = gcm(Cipher.ENCRYPT_MODE, kI, plain);
    Arrays.fill(kI, (byte) 0);
    Arrays.fill(plain, (byte) 0);
    Introduce1 message = new Introduce1(auth, bigX, ekE, toStatic.ciphertext(), sealed);
    return new Client(message, bigB, ekSHash, x, eke, sXb, toStatic.sharedSecret());
  }

  /**
   * The seeder opens INTRODUCE2 data for the intro point of {@code keys}: size; auth key; replay
   * (a lookup before any public-key work); {@code EK_e}'s FIPS 203 check; {@code S_xb} (all-zero
   * refused); {@code S_ks}; {@code K_i}; the AES-GCM tag; then {@code X} is remembered in
   * {@code replay} and the introduction parsed. Any failure is a {@link HandshakeException}
   * ({@link HandshakeException#isReplay()} for a replay); the seeder drops the introduction.
   */
  public static Opened open(byte[] introduce1, ServiceKeys keys, ReplayFilter replay) throws HandshakeException {
    Introduce1 m;
    try {
      m = Introduce1.decode(introduce1);
    } catch (HiddenCellException e) {
      throw new HandshakeException(e.getMessage());
    }
    byte[] auth = keys.authKey();
    if (!Arrays.equals(m.authKey(), auth) || !Arrays.equals(replay.authKey(), auth)) {
      throw new HandshakeException("INTRODUCE2 is for another auth key");
    }
    if (replay.seen(m.x())) {
      throw HandshakeException.replay("INTRODUCE2 is a replay");
    }
    try {
      MlKem768.checkPublicKey(m.ekE());
    } catch (IllegalArgumentException e) {
      throw new HandshakeException("INTRODUCE2 carries an invalid ML-KEM key");
    }
    byte[] sXb;
    try {
      sXb = keys.x25519().agree(m.x());
    } catch (IllegalArgumentException e) {
      throw new HandshakeException("INTRODUCE2 carries a low-order X25519 key");
    }
    byte[] sKs = keys.mlKem().decapsulate(m.ctS());
    byte[] ekSHash = keys.ekSHash();
    byte[] bigB = keys.b();
    byte[] thI = HybridSchedule.transcriptHash(PROTOID, auth, bigB, ekSHash, m.x(), m.ekE(), m.ctS());
    byte[] kI = introKey(thI, sXb, sKs);
    byte[] plain;
    try {
      plain = gcm(Cipher.DECRYPT_MODE, kI, m.sealed());
    } catch (IllegalStateException e) {
      erase(sXb, sKs);
      throw new HandshakeException("the introduction does not open: wrong keys or tampered INTRODUCE2");
    } finally {
      Arrays.fill(kI, (byte) 0);
    }
    try {
      switch (replay.checkAndRemember(m.x())) {
        case REPLAY -> throw HandshakeException.replay("INTRODUCE2 is a replay");
        case FULL -> throw new HandshakeException("the replay filter of this auth key is full: retire the intro point");
        case FRESH -> { }
      }
      Introduction introduction = Introduction.decode(plain);
      return new Opened(m, auth, bigB, ekSHash, introduction, sXb, sKs);
    } catch (HiddenCellException e) {
      erase(sXb, sKs);
      throw new HandshakeException(e.getMessage());
    } catch (HandshakeException e) {
      erase(sXb, sKs);
      throw e;
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /** {@code K_i = HKDF-Expand(HKDF-Extract(salt = TH_i, S_xb ‖ S_ks), "shroud-hs-e2e-v1:intro", 32)}. */
  static byte[] introKey(byte[] thI, byte[] sXb, byte[] sKs) {
    byte[] ikm = new byte[sXb.length + sKs.length];
    System.arraycopy(sXb, 0, ikm, 0, sXb.length);
    System.arraycopy(sKs, 0, ikm, sXb.length, sKs.length);
    try {
      return HybridSchedule.hkdf(ikm, thI, INTRO_INFO, 32);
    } finally {
      Arrays.fill(ikm, (byte) 0);
    }
  }

  /** AES-256-GCM with the all-zero nonce and no AAD ({@code K_i} seals one message only). */
  private static byte[] gcm(int mode, byte[] key, byte[] input) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(GCM_TAG_BITS, new byte[12]));
      return cipher.doFinal(input);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IllegalStateException("tag mismatch");
    } catch (GeneralSecurityException e) {
      if (mode == Cipher.DECRYPT_MODE) {
        throw new IllegalStateException("does not open");
      }
      throw new IllegalStateException("AES-GCM is missing from this JVM", e);
    }
  }

  private static void erase(byte[]... secrets) {
    for (byte[] s : secrets) {
      Arrays.fill(s, (byte) 0);
    }
  }

  /** The downloader's pending handshake, from INTRODUCE1 until RENDEZVOUS2. */
  public static final class Client {
    private final Introduce1 message;
    private final byte[] b;
    private final byte[] ekSHash;
    private X25519.KeyPair x;
    private MlKem768.KeyPair eke;
    private byte[] sXb;
    private byte[] sKs;

    private Client(Introduce1 message, byte[] b, byte[] ekSHash, X25519.KeyPair x, MlKem768.KeyPair eke,
        byte[] sXb, byte[] sKs) {
      this.message = message;
      this.b = b;
      this.ekSHash = ekSHash;
      this.x = x;
      this.eke = eke;
      this.sXb = sXb;
      this.sKs = sKs;
    }

    /** The 2480-byte INTRODUCE1 data. */
    public byte[] introduce1() {
      return message.encode();
    }

    /** {@code X}, which the proof of work binds (§11.9). */
    public byte[] x() {
      return message.x();
    }

    /**
     * Checks RENDEZVOUS2 data ({@code Y ‖ CT_e ‖ AUTH}) as an origin checks CREATED and returns the
     * end-to-end keys; {@link HandshakeException} when malformed or when AUTH does not verify
     * (compared in constant time). Single use: the secrets are erased either way.
     */
    public HopKeys finish(byte[] rendezvous2) throws HandshakeException {
      if (x == null) {
        throw new IllegalStateException("handshake already finished");
      }
      try {
        if (rendezvous2 == null || rendezvous2.length != RENDEZVOUS2_BYTES) {
          throw new HandshakeException("RENDEZVOUS2 must be " + RENDEZVOUS2_BYTES + " bytes, got "
              + (rendezvous2 == null ? "null" : rendezvous2.length));
        }
        byte[] y = Arrays.copyOfRange(rendezvous2, 0, X25519.KEY_BYTES);
        byte[] cte = Arrays.copyOfRange(rendezvous2, X25519.KEY_BYTES, X25519.KEY_BYTES + MlKem768.CIPHERTEXT_BYTES);
        byte[] auth = Arrays.copyOfRange(rendezvous2, X25519.KEY_BYTES + MlKem768.CIPHERTEXT_BYTES, RENDEZVOUS2_BYTES);
        byte[] sXy;
        try {
          sXy = x.agree(y);
        } catch (IllegalArgumentException e) {
          throw new HandshakeException("RENDEZVOUS2 carries a low-order X25519 key");
        }
        byte[] sKe = eke.decapsulate(cte);
        byte[] th = HybridSchedule.transcriptHash(PROTOID, message.authKey(), b, ekSHash, message.x(), message.ekE(),
            message.ctS(), y, cte);
        HybridSchedule.Derived derived = HybridSchedule.derive(PROTOID, th, sXy, sXb, sKs, sKe);
        erase(sXy, sKe);
        if (!MessageDigest.isEqual(derived.auth(), auth)) {
          derived.keys().destroy();
          throw new HandshakeException("RENDEZVOUS2 authentication failed: not the seeder, or tampered");
        }
        return derived.keys();
      } finally {
        erase(sXb, sKs);
        x = null;
        eke = null;
      }
    }

    @Override
    public String toString() {
      return "E2eHandshake.Client[" + message + "]";
    }
  }

  /** An introduction the seeder opened and may serve once. */
  public static final class Opened {
    private final Introduce1 message;
    private final byte[] authKey;
    private final byte[] b;
    private final byte[] ekSHash;
    private final Introduction introduction;
    private byte[] sXb;
    private byte[] sKs;

    private Opened(Introduce1 message, byte[] authKey, byte[] b, byte[] ekSHash, Introduction introduction,
        byte[] sXb, byte[] sKs) {
      this.message = message;
      this.authKey = authKey;
      this.b = b;
      this.ekSHash = ekSHash;
      this.introduction = introduction;
      this.sXb = sXb;
      this.sKs = sKs;
    }

    public Introduction introduction() {
      return introduction;
    }

    /** The downloader's {@code X}, which the proof of work binds (§11.9). */
    public byte[] x() {
      return message.x();
    }

    public byte[] authKey() {
      return authKey.clone();
    }

    /**
     * Serves the introduction: fresh {@code y} then {@code CT_e} to {@code EK_e}, drawn from
     * {@code random} in that order; the full schedule gives AUTH and the keys. Returns the
     * RENDEZVOUS1 data ({@code cookie ‖ Y ‖ CT_e ‖ AUTH}) and the seeder's end-to-end keys.
     */
    public Response respond(SecureRandom random) {
      if (sXb == null) {
        throw new IllegalStateException("introduction already served or discarded");
      }
      try {
        X25519.KeyPair y = X25519.generate(random);
        byte[] sXy = y.agree(message.x()); // cannot be all-zero: X passed the check in open
        MlKem768.Encapsulation toEphemeral = MlKem768.encapsulate(message.ekE(), random);
        byte[] bigY = y.publicKey();
        byte[] cte = toEphemeral.ciphertext();
        byte[] th = HybridSchedule.transcriptHash(PROTOID, authKey, b, ekSHash, message.x(), message.ekE(),
            message.ctS(), bigY, cte);
        HybridSchedule.Derived derived = HybridSchedule.derive(PROTOID, th, sXy, sXb, sKs, toEphemeral.sharedSecret());
        erase(sXy, toEphemeral.sharedSecret());
        byte[] out = new byte[RENDEZVOUS1_BYTES];
        int at = 0;
        for (byte[] part : new byte[][] {introduction.cookie(), bigY, cte, derived.auth()}) {
          System.arraycopy(part, 0, out, at, part.length);
          at += part.length;
        }
        return new Response(out, derived.keys());
      } finally {
        discard();
      }
    }

    /** Erases the secrets without serving (dropped from the queue). */
    public void discard() {
      if (sXb != null) {
        erase(sXb, sKs);
        sXb = null;
        sKs = null;
      }
    }

    @Override
    public String toString() {
      return "E2eHandshake.Opened[" + introduction + "]";
    }
  }

  /** RENDEZVOUS1 data to send to the RP and the seeder's end-to-end keys. */
  public record Response(byte[] rendezvous1, HopKeys keys) {
    @Override
    public String toString() {
      return "Response[RENDEZVOUS1 " + rendezvous1.length + " bytes, keys redacted]";
    }
  }
}
