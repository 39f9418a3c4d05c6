package io.shroud.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 256-bit identifier in the Kademlia key space. A node's id is the SHA-256 of its Ed25519
 * identity public key; record keys live in the same space.
 */
public final class NodeId implements Comparable<NodeId> {
  public static final int BYTES = 32;
  public static final int BITS = BYTES * 8;

  private final byte[] bytes;

  private NodeId(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Wraps exactly 32 bytes (copied). */
  public static NodeId of(byte[] bytes) {
    if (bytes == null || bytes.length != BYTES) {
      throw new IllegalArgumentException(
          "node id must be " + BYTES + " bytes, got " + (bytes == null ? "null" : bytes.length));
    }
    return new NodeId(bytes.clone());
  }

  /** The id of a node: SHA-256 of its 32-byte Ed25519 identity public key. */
  public static NodeId ofIdentityKey(byte[] identityPublicKey) {
    return new NodeId(sha256(identityPublicKey));
  }

  /** Parses 64 hex characters (either case); anything else is an {@link IllegalArgumentException}. */
  public static NodeId fromHex(String hex) {
    if (hex == null || hex.length() != BYTES * 2) {
      throw new IllegalArgumentException(
          "node id must be 64 hex characters, got " + (hex == null ? "null" : hex.length()));
    }
    try {
      return new NodeId(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("node id has a character that is not hex", e);
    }
  }

  public byte[] toBytes() {
    return bytes.clone();
  }

  public String toHex() {
    return HexFormat.of().formatHex(bytes);
  }

  /** The first 8 hex characters, for logs and tables. */
  public String shortHex() {
    return toHex().substring(0, 8);
  }

  /** XOR distance to {@code other}, as a 32-byte big-endian unsigned number. */
  public byte[] distance(NodeId other) {
    byte[] d = new byte[BYTES];
    for (int i = 0; i < BYTES; i++) {
      d[i] = (byte) (bytes[i] ^ other.bytes[i]);
    }
    return d;
  }

  /**
   * Compares the XOR distances of {@code a} and {@code b} from this id: negative when
   * {@code a} is closer.
   */
  public int compareDistance(NodeId a, NodeId b) {
    for (int i = 0; i < BYTES; i++) {
      int da = (bytes[i] ^ a.bytes[i]) & 0xff;
      int db = (bytes[i] ^ b.bytes[i]) & 0xff;
      if (da != db) {
        return Integer.compare(da, db);
      }
    }
    return 0;
  }

  /** Number of leading bits this id shares with {@code other} (256 when equal). */
  public int commonPrefixLength(NodeId other) {
    for (int i = 0; i < BYTES; i++) {
      int x = (bytes[i] ^ other.bytes[i]) & 0xff;
      if (x != 0) {
        return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
      }
    }
    return BITS;
  }

  /** Bit {@code index} counted from the most significant bit (0..255). */
  public boolean bit(int index) {
    return ((bytes[index >>> 3] >>> (7 - (index & 7))) & 1) == 1;
  }

  @Override
  public int compareTo(NodeId o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
