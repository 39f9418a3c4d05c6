package io.shroud.admission;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedSet;

/**
 * The byte layout of a {@link RevocationList} (big-endian; docs/protocol.md, "Network admission"):
 *
 * <pre>
 * body:       magic "SHRV" (4) | version 1 (1) | network id (32) | serial (8, 0..2^63-1)
 *             | issued-at, Unix seconds (8, 0..253402300799) | count (4, 0..65536)
 *             | count node ids (32 each, strictly ascending)
 * signatures: n (1, 0..64) | n × (authority public key (32) | Ed25519 signature over body (64))
 * </pre>
 *
 * The decoder checks every length before it allocates and refuses anything else, trailing bytes
 * included; the armor is base64 of the encoding between {@code -----BEGIN SHROUD REVOCATIONS-----}
 * and {@code -----END SHROUD REVOCATIONS-----} lines.
 */
final class RevocationCodec {
  static final byte[] MAGIC = "SHRV".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final long MAX_EPOCH_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z
  static final int HEADER_BYTES = 4 + 1 + 32 + 8 + 8 + 4;
  static final int SIGNATURE_ENTRY_BYTES = Ed25519.PUBLIC_KEY_BYTES + Ed25519.SIGNATURE_BYTES;
  static final int MAX_BYTES = HEADER_BYTES + RevocationList.MAX_REVOKED * NodeId.BYTES + 1
      + RevocationList.MAX_SIGNATURES * SIGNATURE_ENTRY_BYTES;
  static final String BEGIN = "-----BEGIN SHROUD REVOCATIONS-----";
  static final String END = "-----END SHROUD REVOCATIONS-----";
  static final int MAX_ARMOR_CHARS = 4 * 1024 * 1024;
  private static final Armor ARMOR = new Armor("revocation list", BEGIN, END, MAX_ARMOR_CHARS);

  private RevocationCodec() {}

  static byte[] body(byte[] networkId, long serial, Instant issuedAt, SortedSet<NodeId> revoked) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + revoked.size() * NodeId.BYTES);
    b.put(MAGIC).put((byte) VERSION).put(networkId).putLong(serial).putLong(issuedAt.getEpochSecond())
        .putInt(revoked.size());
    for (NodeId id : revoked) {
      b.put(id.toBytes());
    }
    return b.array();
  }

  static byte[] encode(byte[] body, List<AuthoritySignature> signatures) {
    ByteBuffer b = ByteBuffer.allocate(body.length + 1 + signatures.size() * SIGNATURE_ENTRY_BYTES);
    b.put(body).put((byte) signatures.size());
    for (AuthoritySignature s : signatures) {
      b.put(s.authorityKey()).put(s.signature());
    }
    return b.array();
  }

  static RevocationList decode(byte[] bytes) throws AdmissionException {
    if (bytes == null || bytes.length < HEADER_BYTES + 1) {
      throw new AdmissionException("revocation list is truncated (" + (bytes == null ? 0 : bytes.length) + " bytes)");
    }
    if (bytes.length > MAX_BYTES) {
      throw new AdmissionException("revocation list is " + bytes.length + " bytes, more than " + MAX_BYTES);
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte[] magic = new byte[MAGIC.length];
      b.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new AdmissionException("not a revocation list (magic " + HexFormat.of().formatHex(magic) + ")");
      }
      int version = b.get() & 0xff;
      if (version != VERSION) {
        throw new AdmissionException("revocation list version " + version + " is not supported (only " + VERSION + ")");
      }
      byte[] networkId = new byte[32];
      b.get(networkId);
      long serial = b.getLong();
      if (serial < 0) {
        throw new AdmissionException("revocation list serial is negative");
      }
      long issued = b.getLong();
      if (issued < 0 || issued > MAX_EPOCH_SECOND) {
        throw new AdmissionException("revocation list issued-at " + Long.toUnsignedString(issued)
            + " is outside 1970..9999");
      }
      long count = b.getInt() & 0xffffffffL;
      if (count > RevocationList.MAX_REVOKED) {
        throw new AdmissionException("revocation list claims " + count + " ids, more than " + RevocationList.MAX_REVOKED);
      }
      if (count * NodeId.BYTES + 1 > b.remaining()) {
        throw new AdmissionException("revocation list claims " + count + " ids but is truncated");
      }
      List<NodeId> ids = new ArrayList<>((int) count);
      byte[] previous = null;
      for (int i = 0; i < count; i++) {
        byte[] id = new byte[NodeId.BYTES];
        b.get(id);
        if (previous != null && Arrays.compareUnsigned(previous, id) >= 0) {
          throw new AdmissionException("revocation list ids are not strictly ascending at index " + i);
        }
        ids.add(NodeId.of(id));
        previous = id;
      }
      int n = b.get() & 0xff;
      if (n > RevocationList.MAX_SIGNATURES) {
        throw new AdmissionException("revocation list claims " + n + " signatures, more than "
            + RevocationList.MAX_SIGNATURES);
      }
      if (b.remaining() != n * SIGNATURE_ENTRY_BYTES) {
        throw new AdmissionException("revocation list has " + b.remaining() + " bytes after the body for " + n
            + " signatures of " + SIGNATURE_ENTRY_BYTES + " bytes (truncated or trailing bytes)");
      }
      List<AuthoritySignature> signatures = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        byte[] key = new byte[Ed25519.PUBLIC_KEY_BYTES];
        byte[] sig = new byte[Ed25519.SIGNATURE_BYTES];
        b.get(key).get(sig);
        signatures.add(new AuthoritySignature(key, sig));
      }
      return new RevocationList(networkId, serial, Instant.ofEpochSecond(issued), ids, signatures);
    } catch (BufferUnderflowException e) {
      throw new AdmissionException("revocation list is truncated");
    } catch (IllegalArgumentException e) {
      throw new AdmissionException("revocation list is invalid: " + e.getMessage());
    }
  }

  static String armor(byte[] encoded, long serial, int revoked) {
    return ARMOR.armor("Shroud revocation list, serial " + serial + ", " + revoked
        + " revoked (this line is a comment; the signed data is the block below)", encoded);
  }

  static byte[] dearmor(String text) throws AdmissionException {
    return ARMOR.dearmor(text);
  }
}
