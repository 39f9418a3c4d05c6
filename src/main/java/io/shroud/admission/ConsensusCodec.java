package io.shroud.admission;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The byte layout of a {@link Consensus} (big-endian; docs/protocol.md §10.8):
 *
 * <pre>
 * body:       magic "SHCN" (4) | version 1 (1) | network id (32)
 *             | valid-after, fresh-until, valid-until: Unix seconds (8 each, 0..253402300799)
 *             | count (4, 0..16384) | count relays, node ids strictly ascending
 * relay:      node id (32) | Ed25519 identity key (32) | IPv4 (4) | port (2, 1..65535)
 *             | flags (1: bit 0 Guard, bit 1 Fast, bit 2 Stable, others 0) | weight KiB/s (4, 1..2^30)
 * signatures: n (1, 0..64) | n × (authority public key (32) | Ed25519 signature over body (64))
 * </pre>
 *
 * The decoder checks every length before it allocates and refuses anything else, trailing bytes
 * included; the armor is {@link Armor}'s, between {@code -----BEGIN SHROUD CONSENSUS-----} and
 * {@code -----END SHROUD CONSENSUS-----} lines.
 */
final class ConsensusCodec {
  static final byte[] MAGIC = "SHCN".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final long MAX_EPOCH_SECOND = RevocationCodec.MAX_EPOCH_SECOND;
  static final int HEADER_BYTES = 4 + 1 + 32 + 3 * 8 + 4;
  static final int RELAY_BYTES = NodeId.BYTES + Ed25519.PUBLIC_KEY_BYTES + 4 + 2 + 1 + 4;
  static final int MAX_BYTES = HEADER_BYTES + Consensus.MAX_RELAYS * RELAY_BYTES + 1
      + Consensus.MAX_SIGNATURES * AuthoritySignature.BYTES;
  static final String BEGIN = "-----BEGIN SHROUD CONSENSUS-----";
  static final String END = "-----END SHROUD CONSENSUS-----";
  static final int MAX_ARMOR_CHARS = 2 * 1024 * 1024;
  private static final Armor ARMOR = new Armor("consensus", BEGIN, END, MAX_ARMOR_CHARS);

  private ConsensusCodec() {}

  static byte[] body(byte[] networkId, Instant validAfter, Instant freshUntil, Instant validUntil,
      List<Consensus.Relay> relays) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + relays.size() * RELAY_BYTES);
    b.put(MAGIC).put((byte) VERSION).put(networkId).putLong(validAfter.getEpochSecond())
        .putLong(freshUntil.getEpochSecond()).putLong(validUntil.getEpochSecond()).putInt(relays.size());
    for (Consensus.Relay r : relays) {
      int flags = 0;
      for (RelayFlag f : r.flags()) {
        flags |= f.mask();
      }
      b.put(r.id().toBytes()).put(r.identityKey()).put(r.address().getAddress()).putShort((short) r.port())
          .put((byte) flags).putInt((int) r.weight());
    }
    return b.array();
  }

  static byte[] encode(byte[] body, List<AuthoritySignature> signatures) {
    ByteBuffer b = ByteBuffer.allocate(body.length + 1 + signatures.size() * AuthoritySignature.BYTES);
    b.put(body).put((byte) signatures.size());
    for (AuthoritySignature s : signatures) {
      b.put(s.authorityKey()).put(s.signature());
    }
    return b.array();
  }

  static Consensus decode(byte[] bytes) throws AdmissionException {
    if (bytes == null || bytes.length < HEADER_BYTES + 1) {
      throw new AdmissionException("consensus is truncated (" + (bytes == null ? 0 : bytes.length) + " bytes)");
    }
    if (bytes.length > MAX_BYTES) {
      throw new AdmissionException("consensus is " + bytes.length + " bytes, more than " + MAX_BYTES);
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte[] magic = new byte[MAGIC.length];
      b.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new AdmissionException("not a consensus (magic " + HexFormat.of().formatHex(magic) + ")");
      }
      int version = b.get() & 0xff;
      if (version != VERSION) {
        throw new AdmissionException("consensus version " + version + " is not supported (only " + VERSION + ")");
      }
      byte[] networkId = new byte[32];
      b.get(networkId);
      Instant validAfter = time(b.getLong(), "valid-after");
      Instant freshUntil = time(b.getLong(), "fresh-until");
      Instant validUntil = time(b.getLong(), "valid-until");
      long count = b.getInt() & 0xffffffffL;
      if (count > Consensus.MAX_RELAYS) {
        throw new AdmissionException("consensus claims " + count + " relays, more than " + Consensus.MAX_RELAYS);
      }
      if (count * RELAY_BYTES + 1 > b.remaining()) {
        throw new AdmissionException("consensus claims " + count + " relays but is truncated");
      }
      List<Consensus.Relay> relays = new ArrayList<>((int) count);
      NodeId previous = null;
      for (int i = 0; i < count; i++) {
        Consensus.Relay r = relay(b, i);
        if (previous != null && previous.compareTo(r.id()) >= 0) {
          throw new AdmissionException("consensus relays are not strictly ascending by node id at index " + i);
        }
        relays.add(r);
        previous = r.id();
      }
      int n = b.get() & 0xff;
      if (n > Consensus.MAX_SIGNATURES) {
        throw new AdmissionException("consensus claims " + n + " signatures, more than " + Consensus.MAX_SIGNATURES);
      }
      if (b.remaining() != n * AuthoritySignature.BYTES) {
        throw new AdmissionException("consensus has " + b.remaining() + " bytes after the body for " + n
            + " signatures of " + AuthoritySignature.BYTES + " bytes (truncated or trailing bytes)");
      }
      List<AuthoritySignature> signatures = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        byte[] key = new byte[Ed25519.PUBLIC_KEY_BYTES];
        byte[] sig = new byte[Ed25519.SIGNATURE_BYTES];
        b.get(key).get(sig);
        signatures.add(new AuthoritySignature(key, sig));
      }
      return new Consensus(networkId, validAfter, freshUntil, validUntil, relays, signatures);
    } catch (BufferUnderflowException e) {
      throw new AdmissionException("consensus is truncated");
    } catch (IllegalArgumentException e) {
      throw new AdmissionException("consensus is invalid: " + e.getMessage());
    }
  }

  private static Consensus.Relay relay(ByteBuffer b, int index) throws AdmissionException {
    byte[] id = new byte[NodeId.BYTES];
    byte[] key = new byte[Ed25519.PUBLIC_KEY_BYTES];
    byte[] ip = new byte[4];
    b.get(id).get(key).get(ip);
    int port = b.getShort() & 0xffff;
    int flagBits = b.get() & 0xff;
    long weight = b.getInt() & 0xffffffffL;
    if ((flagBits & ~RelayFlag.allMask()) != 0) {
      throw new AdmissionException("consensus relay " + index + " has unknown flag bits "
          + Integer.toHexString(flagBits));
    }
    Set<RelayFlag> flags = EnumSet.noneOf(RelayFlag.class);
    for (RelayFlag f : RelayFlag.values()) {
      if ((flagBits & f.mask()) != 0) {
        flags.add(f);
      }
    }
    try {
      Inet4Address address = (Inet4Address) InetAddress.getByAddress(ip);
      return new Consensus.Relay(NodeId.of(id), key, address, port, flags, weight);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 bytes are an IPv4 address", e);
    } catch (IllegalArgumentException e) {
      throw new AdmissionException("consensus relay " + index + " is invalid: " + e.getMessage());
    }
  }

  private static Instant time(long seconds, String field) throws AdmissionException {
    if (seconds < 0 || seconds > MAX_EPOCH_SECOND) {
      throw new AdmissionException("consensus " + field + " " + Long.toUnsignedString(seconds)
          + " is outside 1970..9999");
    }
    return Instant.ofEpochSecond(seconds);
  }

  static String armor(Consensus c) {
    int n = c.relays().size();
    return ARMOR.armor("Shroud consensus, valid " + c.validAfter() + " to " + c.validUntil() + ", " + n
        + (n == 1 ? " relay" : " relays") + " (this line is a comment; the signed data is the block below)",
        c.encode());
  }

  static byte[] dearmor(String text) throws AdmissionException {
    return ARMOR.dearmor(text);
  }
}
