package io.shroud.hidden;

import io.shroud.crypto.MlKem768;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Codecs of the small hidden-seeding relay commands (protocol §11.4): INTRO_KEY both ways,
 * INTRODUCE_ACK, ESTABLISH_RENDEZVOUS, RENDEZVOUS1, RENDEZVOUS2 and the empty
 * INTRO_ESTABLISHED / RENDEZVOUS_ESTABLISHED. ESTABLISH_INTRO has its own class, INTRODUCE1 and
 * INTRODUCE2 are {@link Introduce1}. Every decoder is strict (exact size, known status) and
 * throws {@link HiddenCellException}, which the receiver treats as a protocol violation; a decoded
 * value re-encodes to the same bytes.
 */
public final class HiddenCells {
  public static final int AUTH_KEY_BYTES = Introduce1.AUTH_KEY_BYTES;
  public static final int COOKIE_BYTES = Introduction.COOKIE_BYTES;
  /** INTRO_KEY answer with a key: {@code status 0 ‖ EK_s[1184]}. */
  public static final int INTRO_KEY_ANSWER_BYTES = 1 + MlKem768.PUBLIC_KEY_BYTES;

  private HiddenCells() {}

  /** INTRODUCE_ACK status (IP → downloader). */
  public enum IntroduceAck {
    /** 0: sent on to the seeder as INTRODUCE2. */
    FORWARDED,
    /** 1: no intro circuit has this auth key. */
    UNKNOWN_AUTH_KEY,
    /** 2: over the auth key's rate limit, not forwarded. */
    RATE_LIMITED;

    public int code() {
      return ordinal();
    }
  }

  // ---- INTRO_KEY request (downloader → IP): auth key[32]

  public static byte[] encodeIntroKeyRequest(byte[] authKey) {
    return Introduction.exact(authKey, AUTH_KEY_BYTES, "auth key");
  }

  /** The auth key asked for. */
  public static byte[] decodeIntroKeyRequest(byte[] data) throws HiddenCellException {
    return exact(data, AUTH_KEY_BYTES, "INTRO_KEY request");
  }

  // ---- INTRO_KEY answer (IP → downloader): status 0 ‖ EK_s[1184], or status 1

  /** An INTRO_KEY answer: {@code ekS} is null when the IP knows no such auth key (status 1). */
  public record IntroKeyAnswer(byte[] ekS) {
    public IntroKeyAnswer {
      if (ekS != null) {
        ekS = Introduction.exact(ekS, MlKem768.PUBLIC_KEY_BYTES, "EK_s");
      }
    }

    public static IntroKeyAnswer unknown() {
      return new IntroKeyAnswer(null);
    }

    public boolean known() {
      return ekS != null;
    }

    @Override
    public byte[] ekS() {
      return ekS == null ? null : ekS.clone();
    }

    public byte[] encode() {
      if (ekS == null) {
        return new byte[] {1};
      }
      byte[] out = new byte[INTRO_KEY_ANSWER_BYTES];
      System.arraycopy(ekS, 0, out, 1, ekS.length);
      return out;
    }

    /**
     * {@code EK_s} if it is the key the descriptor promised ({@code SHA-256(EK_s) = H(EK_s)});
     * {@link HiddenCellException} when the IP knows no such auth key or hands out another key
     * (the downloader then uses another intro point).
     */
    public byte[] ekSMatching(byte[] expectedHash) throws HiddenCellException {
      if (ekS == null) {
        throw new HiddenCellException("INTRO_KEY: the introduction point knows no such auth key");
      }
      if (!MessageDigest.isEqual(ServiceKeys.sha256(ekS), expectedHash)) {
        throw new HiddenCellException("INTRO_KEY: EK_s does not match the descriptor's H(EK_s)");
      }
      return ekS.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof IntroKeyAnswer other && Arrays.equals(ekS, other.ekS);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(ekS);
    }

    @Override
    public String toString() {
      return ekS == null ? "IntroKeyAnswer[unknown]" : "IntroKeyAnswer[EK_s]";
    }
  }

  /** Status 0 with exactly 1184 bytes of a key passing the FIPS 203 check, or status 1 alone. */
  public static IntroKeyAnswer decodeIntroKeyAnswer(byte[] data) throws HiddenCellException {
    if (data == null || data.length == 0) {
      throw new HiddenCellException("INTRO_KEY answer is empty");
    }
    int status = data[0] & 0xff;
    if (status == 1) {
      if (data.length != 1) {
        throw new HiddenCellException("INTRO_KEY answer status 1 must be 1 byte, got " + data.length);
      }
      return IntroKeyAnswer.unknown();
    }
    if (status != 0) {
      throw new HiddenCellException("INTRO_KEY answer status " + status + " is unknown");
    }
    if (data.length != INTRO_KEY_ANSWER_BYTES) {
      throw new HiddenCellException("INTRO_KEY answer status 0 must be " + INTRO_KEY_ANSWER_BYTES
          + " bytes, got " + data.length);
    }
    byte[] ekS = Arrays.copyOfRange(data, 1, data.length);
    try {
      MlKem768.checkPublicKey(ekS);
    } catch (IllegalArgumentException e) {
      throw new HiddenCellException("INTRO_KEY answer carries an invalid ML-KEM key");
    }
    return new IntroKeyAnswer(ekS);
  }

  // ---- INTRODUCE_ACK (IP → downloader): status u8

  public static byte[] encodeIntroduceAck(IntroduceAck status) {
    return new byte[] {(byte) status.code()};
  }

  public static IntroduceAck decodeIntroduceAck(byte[] data) throws HiddenCellException {
    byte[] b = exact(data, 1, "INTRODUCE_ACK");
    int status = b[0] & 0xff;
    if (status >= IntroduceAck.values().length) {
      throw new HiddenCellException("INTRODUCE_ACK status " + status + " is unknown");
    }
    return IntroduceAck.values()[status];
  }

  // ---- ESTABLISH_RENDEZVOUS (downloader → RP): cookie[20]

  public static byte[] encodeEstablishRendezvous(byte[] cookie) {
    return Introduction.exact(cookie, COOKIE_BYTES, "cookie");
  }

  /** The cookie. */
  public static byte[] decodeEstablishRendezvous(byte[] data) throws HiddenCellException {
    return exact(data, COOKIE_BYTES, "ESTABLISH_RENDEZVOUS");
  }

  // ---- RENDEZVOUS1 (seeder → RP): cookie[20] ‖ Y[32] ‖ CT_e[1088] ‖ AUTH[32]

  /** RENDEZVOUS1 split: the cookie the RP looks up, and the rest it sends on as RENDEZVOUS2. */
  public record Rendezvous1(byte[] cookie, byte[] rendezvous2) {
    public Rendezvous1 {
      cookie = Introduction.exact(cookie, COOKIE_BYTES, "cookie");
      rendezvous2 = Introduction.exact(rendezvous2, E2eHandshake.RENDEZVOUS2_BYTES, "RENDEZVOUS2 data");
    }

    @Override
    public byte[] cookie() {
      return cookie.clone();
    }

    @Override
    public byte[] rendezvous2() {
      return rendezvous2.clone();
    }

    public byte[] encode() {
      byte[] out = new byte[E2eHandshake.RENDEZVOUS1_BYTES];
      System.arraycopy(cookie, 0, out, 0, COOKIE_BYTES);
      System.arraycopy(rendezvous2, 0, out, COOKIE_BYTES, rendezvous2.length);
      return out;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Rendezvous1 other && Arrays.equals(encode(), other.encode());
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(rendezvous2);
    }

    @Override
    public String toString() {
      return "Rendezvous1[cookie redacted]";
    }
  }

  public static Rendezvous1 decodeRendezvous1(byte[] data) throws HiddenCellException {
    byte[] b = exact(data, E2eHandshake.RENDEZVOUS1_BYTES, "RENDEZVOUS1");
    return new Rendezvous1(Arrays.copyOf(b, COOKIE_BYTES), Arrays.copyOfRange(b, COOKIE_BYTES, b.length));
  }

  // ---- RENDEZVOUS2 (RP → downloader): Y[32] ‖ CT_e[1088] ‖ AUTH[32], opaque to the RP

  /** RENDEZVOUS2 data checked for size only (its content is the downloader's to check). */
  public static byte[] decodeRendezvous2(byte[] data) throws HiddenCellException {
    return exact(data, E2eHandshake.RENDEZVOUS2_BYTES, "RENDEZVOUS2");
  }

  // ---- INTRO_ESTABLISHED, RENDEZVOUS_ESTABLISHED: empty

  /** Refuses data on a command that carries none. */
  public static void decodeEmpty(byte[] data, String command) throws HiddenCellException {
    if (data == null || data.length != 0) {
      throw new HiddenCellException(command + " carries no data, got " + (data == null ? "null" : data.length) + " bytes");
    }
  }

  private static byte[] exact(byte[] data, int size, String what) throws HiddenCellException {
    if (data == null || data.length != size) {
      throw new HiddenCellException(what + " must be " + size + " bytes, got " + (data == null ? "null" : data.length));
    }
    return data.clone();
  }
}
