package io.shroud.hidden;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The 128-byte plaintext a downloader seals to the seeder inside INTRODUCE1 (protocol §11.6):
 *
 * <pre>
 * version u8 = 1 ‖ RP node id[32] ‖ cookie[20] ‖ pow nonce[16] ‖ pow effort u32 ‖ zero padding to 128
 * </pre>
 *
 * {@link #decode} is strict: exactly 128 bytes, version 1, every padding byte zero; so a decoded
 * introduction re-encodes to the same bytes. The effort is unsigned (0 = no work attached).
 */
public record Introduction(byte[] rpNodeId, byte[] cookie, byte[] powNonce, long powEffort) {
  public static final int VERSION = 1;
  public static final int BYTES = 128;
  public static final int NODE_ID_BYTES = 32;
  public static final int COOKIE_BYTES = 20;
  public static final int POW_NONCE_BYTES = 16;
  /** version 1 ‖ node id 32 ‖ cookie 20 ‖ nonce 16 ‖ effort 4. */
  static final int USED_BYTES = 1 + NODE_ID_BYTES + COOKIE_BYTES + POW_NONCE_BYTES + 4;

  public Introduction {
    rpNodeId = exact(rpNodeId, NODE_ID_BYTES, "RP node id");
    cookie = exact(cookie, COOKIE_BYTES, "cookie");
    powNonce = exact(powNonce, POW_NONCE_BYTES, "pow nonce");
    if (powEffort < 0 || powEffort > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("pow effort is a u32, got " + powEffort);
    }
  }

  @Override
  public byte[] rpNodeId() {
    return rpNodeId.clone();
  }

  @Override
  public byte[] cookie() {
    return cookie.clone();
  }

  @Override
  public byte[] powNonce() {
    return powNonce.clone();
  }

  /** The 128 bytes, zero-padded. */
  public byte[] encode() {
    return ByteBuffer.allocate(BYTES).put((byte) VERSION).put(rpNodeId).put(cookie).put(powNonce)
        .putInt((int) powEffort).array();
  }

  /** Parses exactly 128 bytes; {@link HiddenCellException} on any other size, version or padding. */
  public static Introduction decode(byte[] bytes) throws HiddenCellException {
    if (bytes == null || bytes.length != BYTES) {
      throw new HiddenCellException("an introduction must be " + BYTES + " bytes, got "
          + (bytes == null ? "null" : bytes.length));
    }
    if (bytes[0] != VERSION) {
      throw new HiddenCellException("introduction version " + (bytes[0] & 0xff) + " is unsupported");
    }
    for (int i = USED_BYTES; i < BYTES; i++) {
      if (bytes[i] != 0) {
        throw new HiddenCellException("introduction has a non-zero padding byte at " + i);
      }
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 1, USED_BYTES - 1);
    byte[] rp = new byte[NODE_ID_BYTES];
    byte[] cookie = new byte[COOKIE_BYTES];
    byte[] nonce = new byte[POW_NONCE_BYTES];
    in.get(rp).get(cookie).get(nonce);
    long effort = in.getInt() & 0xFFFF_FFFFL;
    return new Introduction(rp, cookie, nonce, effort);
  }

  static byte[] exact(byte[] value, int size, String what) {
    if (value == null || value.length != size) {
      throw new IllegalArgumentException(what + " must be " + size + " bytes");
    }
    return value.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Introduction other && Arrays.equals(rpNodeId, other.rpNodeId)
        && Arrays.equals(cookie, other.cookie) && Arrays.equals(powNonce, other.powNonce)
        && powEffort == other.powEffort;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(rpNodeId) * 31 + Arrays.hashCode(cookie) + Long.hashCode(powEffort);
  }

  /** Shows the RP and the effort; the cookie (a rendezvous capability) is left out. */
  @Override
  public String toString() {
    return "Introduction[rp=" + HexFormat.of().formatHex(rpNodeId, 0, 8) + "…, effort=" + powEffort + "]";
  }
}
