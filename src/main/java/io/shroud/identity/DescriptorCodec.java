package io.shroud.identity;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.OnionPublicKey;
import io.shroud.crypto.X25519;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The canonical byte layout of a {@link NodeDescriptor} (what its signature covers) and a
 * strict decoder for it. Layout, all integers big-endian:
 *
 * <pre>
 *   u8      format (2)
 *   u16     protocol version
 *   u8[32]  node id
 *   u8[32]  identity key (Ed25519)
 *   u8[32]  link key (X25519, Noise static key)
 *   u8[1216] onion key (X25519 key ‖ ML-KEM-768 key)
 *   str     cluster address      (str = u16 length + UTF-8, at most 255 bytes)
 *   str     data address
 *   u64     valid-from, seconds since the epoch
 *   u64     valid-until, seconds since the epoch, after valid-from, at most {@link #MAX_EPOCH_SECONDS}
 *   u32     advertised bandwidth, KiB/s
 * </pre>
 *
 * <p>Format 1 had a third address, the node's management endpoint, after the data address. It
 * is refused by name ({@link #decode}): a format-1 descriptor is never read as format 2.
 */
public final class DescriptorCodec {
  public static final int FORMAT = 2;
  /** The format before {@link #FORMAT}; it published the management address. Refused. */
  public static final int RETIRED_FORMAT = 1;
  public static final int MAX_ADDRESS_BYTES = 255;
  /**
   * Latest valid-until a descriptor may carry: 9999-12-31T23:59:59Z, the bound DHT records use.
   * A u64 goes far beyond what {@link Instant} holds, and a reader adds its clock skew to it.
   */
  public static final long MAX_EPOCH_SECONDS = 253_402_300_799L;
  public static final int MAX_ENCODED_BYTES =
      1 + 2 + 32 * 3 + OnionPublicKey.ENCODED_BYTES + 2 * (2 + MAX_ADDRESS_BYTES) + 16 + 4;

  private DescriptorCodec() {}

  /** Thrown for any descriptor bytes that do not follow the layout. */
  public static final class MalformedDescriptorException extends Exception {
    public MalformedDescriptorException(String message) {
      super(message);
    }
  }

  public static byte[] encode(NodeDescriptor d) {
    ByteBuffer b = ByteBuffer.allocate(MAX_ENCODED_BYTES);
    b.put((byte) FORMAT);
    b.putShort((short) d.protocolVersion());
    b.put(d.nodeId().toBytes());
    b.put(d.identityKey());
    b.put(d.linkKey());
    b.put(d.onionKey());
    putString(b, d.clusterAddress());
    putString(b, d.dataAddress());
    b.putLong(d.validFrom().getEpochSecond());
    b.putLong(d.validUntil().getEpochSecond());
    b.putInt((int) Math.min(0xffffffffL, d.bandwidth() / 1024));
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  public static NodeDescriptor decode(byte[] bytes) throws MalformedDescriptorException {
    if (bytes.length > 0 && (bytes[0] & 0xff) == RETIRED_FORMAT) {
      throw new MalformedDescriptorException("descriptor format 1 is retired (it published the"
          + " management address); this node reads format " + FORMAT + " only");
    }
    if (bytes.length > MAX_ENCODED_BYTES) {
      throw new MalformedDescriptorException(
          "descriptor is too large: " + bytes.length + " > " + MAX_ENCODED_BYTES + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    try {
      int format = b.get() & 0xff;
      if (format != FORMAT) {
        throw new MalformedDescriptorException("descriptor format " + format + " is unknown");
      }
      int protocol = b.getShort() & 0xffff;
      NodeId nodeId = NodeId.of(take(b, NodeId.BYTES));
      byte[] identity = take(b, Ed25519.PUBLIC_KEY_BYTES);
      byte[] link = take(b, X25519.KEY_BYTES);
      byte[] onion = take(b, OnionPublicKey.ENCODED_BYTES);
      String cluster = getString(b, "cluster address");
      String data = getString(b, "data address");
      long from = b.getLong();
      long until = b.getLong();
      long bandwidthKiB = b.getInt() & 0xffffffffL;
      if (b.hasRemaining()) {
        throw new MalformedDescriptorException(
            "descriptor has " + b.remaining() + " trailing bytes");
      }
      if (from < 0 || until <= from) {
        throw new MalformedDescriptorException(
            "descriptor validity window is empty or negative: " + from + ".." + until);
      }
      if (until > MAX_EPOCH_SECONDS) {
        throw new MalformedDescriptorException(
            "descriptor validity ends after 9999-12-31: " + until);
      }
      try {
        OnionPublicKey.decode(onion);
      } catch (IllegalArgumentException e) {
        throw new MalformedDescriptorException("onion key is malformed: " + e.getMessage());
      }
      return new NodeDescriptor(protocol, nodeId, identity, link, onion, cluster, data,
          Instant.ofEpochSecond(from), Instant.ofEpochSecond(until), bandwidthKiB * 1024);
    } catch (BufferUnderflowException e) {
      throw new MalformedDescriptorException(
          "descriptor is truncated: " + bytes.length + " bytes");
    }
  }

  private static byte[] take(ByteBuffer b, int n) {
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }

  private static void putString(ByteBuffer b, String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > MAX_ADDRESS_BYTES) {
      throw new IllegalArgumentException("address is longer than " + MAX_ADDRESS_BYTES + " bytes");
    }
    b.putShort((short) utf8.length);
    b.put(utf8);
  }

  private static String getString(ByteBuffer b, String what) throws MalformedDescriptorException {
    int len = b.getShort() & 0xffff;
    if (len > MAX_ADDRESS_BYTES) {
      throw new MalformedDescriptorException(
          what + " is too long: " + len + " > " + MAX_ADDRESS_BYTES + " bytes");
    }
    byte[] raw = take(b, len);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedDescriptorException(what + " is not valid UTF-8");
    }
  }
}
