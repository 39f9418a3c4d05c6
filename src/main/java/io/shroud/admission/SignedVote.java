package io.shroud.admission;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * One authority's {@link Vote} for the consensus of one period, signed by that authority
 * (docs/protocol.md §10.11). Big-endian, strict:
 *
 * <pre>
 * body:        magic "SHVT" (4) | version 1 (1) | network id (32) | valid-after, Unix seconds (8)
 *              | authority Ed25519 key (32) | count (4, 0..65536) | count measurements, node ids
 *              strictly ascending
 * measurement: identity key (32) | IPv4 (4) | port (2, 1..65535) | reachable (1: 0 or 1)
 *              | measured KiB/s (8) | uptime seconds (8) | claimed KiB/s (8), each 0..2^62
 * then:        Ed25519 signature of the authority key over the body (64)
 * </pre>
 *
 * {@link #sign} puts the measurements in node-id order and truncates uptimes to the second, so
 * what it returns is what {@link #decode} reads back. Immutable.
 */
public final class SignedVote {
  static final byte[] MAGIC = "SHVT".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final int HEADER_BYTES = 4 + 1 + 32 + 8 + 32 + 4;
  static final int MEASUREMENT_BYTES = 32 + 4 + 2 + 1 + 8 + 8 + 8;
  static final long MAX_VALUE = 1L << 62;
  /** The largest encoding: every measurement a vote may hold, and the signature. */
  public static final int MAX_BYTES = HEADER_BYTES + Vote.MAX_MEASUREMENTS * MEASUREMENT_BYTES
      + Ed25519.SIGNATURE_BYTES;

  private final byte[] networkId;
  private final Instant validAfter;
  private final Vote vote;
  private final byte[] body;
  private final byte[] signature;

  private SignedVote(byte[] networkId, Instant validAfter, Vote vote, byte[] body, byte[] signature) {
    this.networkId = networkId;
    this.validAfter = validAfter;
    this.vote = vote;
    this.body = body;
    this.signature = signature;
  }

  /** {@code authority}'s vote of {@code measurements} for the consensus valid after {@code validAfter} (whole seconds). */
  public static SignedVote sign(Ed25519.KeyPair authority, byte[] networkId, Instant validAfter,
      List<RelayMeasurement> measurements) {
    if (networkId.length != 32) {
      throw new IllegalArgumentException("network id must be 32 bytes");
    }
    Instant t = Instant.ofEpochSecond(validAfter.getEpochSecond());
    List<RelayMeasurement> sorted = new ArrayList<>();
    for (RelayMeasurement m : measurements) {
      sorted.add(new RelayMeasurement(m.identityKey(), m.address(), m.port(), m.reachable(), m.measuredKiBps(),
          Duration.ofSeconds(m.uptime().toSeconds()), m.claimedKiBps()));
    }
    sorted.sort(Comparator.comparing(RelayMeasurement::id));
    Vote vote = new Vote(authority.publicKey(), sorted);
    byte[] body = body(networkId, t, vote);
    return new SignedVote(networkId.clone(), t, vote, body, authority.sign(body));
  }

  private static byte[] body(byte[] networkId, Instant validAfter, Vote vote) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + vote.measurements().size() * MEASUREMENT_BYTES);
    b.put(MAGIC).put((byte) VERSION).put(networkId).putLong(validAfter.getEpochSecond()).put(vote.authorityKey())
        .putInt(vote.measurements().size());
    for (RelayMeasurement m : vote.measurements()) {
      b.put(m.identityKey()).put(m.address().getAddress()).putShort((short) m.port())
          .put((byte) (m.reachable() ? 1 : 0)).putLong(bounded(m.measuredKiBps())).putLong(bounded(m.uptime().toSeconds()))
          .putLong(bounded(m.claimedKiBps()));
    }
    return b.array();
  }

  private static long bounded(long v) {
    if (v < 0 || v > MAX_VALUE) {
      throw new IllegalArgumentException("a vote's numbers are 0.." + MAX_VALUE + ", not " + v);
    }
    return v;
  }

  /** Reads {@link #encode}'s bytes strictly; the signature is not checked here ({@link #verify}). */
  public static SignedVote decode(byte[] bytes) throws AdmissionException {
    if (bytes == null || bytes.length < HEADER_BYTES + Ed25519.SIGNATURE_BYTES || bytes.length > MAX_BYTES) {
      throw new AdmissionException("vote is " + (bytes == null ? 0 : bytes.length) + " bytes, outside "
          + (HEADER_BYTES + Ed25519.SIGNATURE_BYTES) + ".." + MAX_BYTES);
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte[] magic = new byte[4];
      b.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new AdmissionException("not a vote (magic " + HexFormat.of().formatHex(magic) + ")");
      }
      int version = b.get() & 0xff;
      if (version != VERSION) {
        throw new AdmissionException("vote version " + version + " is not supported (only " + VERSION + ")");
      }
      byte[] networkId = new byte[32];
      byte[] authority = new byte[Ed25519.PUBLIC_KEY_BYTES];
      b.get(networkId);
      long seconds = b.getLong();
      if (seconds < 0 || seconds > ConsensusCodec.MAX_EPOCH_SECOND) {
        throw new AdmissionException("vote valid-after " + Long.toUnsignedString(seconds) + " is outside 1970..9999");
      }
      b.get(authority);
      long count = b.getInt() & 0xffffffffL;
      if (count > Vote.MAX_MEASUREMENTS
          || b.remaining() != count * MEASUREMENT_BYTES + Ed25519.SIGNATURE_BYTES) {
        throw new AdmissionException("vote claims " + count + " measurements in " + b.remaining() + " bytes");
      }
      List<RelayMeasurement> measurements = new ArrayList<>((int) count);
      NodeId previous = null;
      for (int i = 0; i < count; i++) {
        RelayMeasurement m = measurement(b, i);
        if (previous != null && previous.compareTo(m.id()) >= 0) {
          throw new AdmissionException("vote measurements are not strictly ascending by node id at " + i);
        }
        previous = m.id();
        measurements.add(m);
      }
      byte[] body = Arrays.copyOf(bytes, bytes.length - Ed25519.SIGNATURE_BYTES);
      byte[] signature = new byte[Ed25519.SIGNATURE_BYTES];
      b.get(signature);
      return new SignedVote(networkId, Instant.ofEpochSecond(seconds), new Vote(authority, measurements), body,
          signature);
    } catch (BufferUnderflowException e) {
      throw new AdmissionException("vote is truncated");
    } catch (IllegalArgumentException e) {
      throw new AdmissionException("vote is invalid: " + e.getMessage());
    }
  }

  private static RelayMeasurement measurement(ByteBuffer b, int index) throws AdmissionException {
    byte[] key = new byte[Ed25519.PUBLIC_KEY_BYTES];
    byte[] ip = new byte[4];
    b.get(key).get(ip);
    int port = b.getShort() & 0xffff;
    int reachable = b.get() & 0xff;
    long measured = b.getLong();
    long uptime = b.getLong();
    long claimed = b.getLong();
    if (reachable > 1) {
      throw new AdmissionException("vote measurement " + index + ": reachable must be 0 or 1");
    }
    for (long v : new long[] {measured, uptime, claimed}) {
      if (v < 0 || v > MAX_VALUE) {
        throw new AdmissionException("vote measurement " + index + ": a number outside 0.." + MAX_VALUE);
      }
    }
    try {
      Inet4Address address = (Inet4Address) InetAddress.getByAddress(ip);
      return new RelayMeasurement(key, address, port, reachable == 1, measured, Duration.ofSeconds(uptime), claimed);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 bytes are an IPv4 address", e);
    }
  }

  /**
   * Accepts the vote only if it is for {@code network}, its key is one of the network's
   * authorities, and the signature verifies over exactly the body.
   */
  public void verify(NetworkDefinition network) throws AdmissionException {
    if (!Arrays.equals(networkId, network.id())) {
      throw new AdmissionException("vote is for another network than " + network.name());
    }
    if (network.authority(vote.authorityKey()).isEmpty()) {
      throw new AdmissionException("vote is by " + HexFormat.of().formatHex(vote.authorityKey())
          + ", not an authority of " + network.name());
    }
    if (!Ed25519.verify(vote.authorityKey(), body, signature)) {
      throw new AdmissionException("vote signature does not verify");
    }
  }

  /** Body then signature. */
  public byte[] encode() {
    byte[] out = Arrays.copyOf(body, body.length + signature.length);
    System.arraycopy(signature, 0, out, body.length, signature.length);
    return out;
  }

  public byte[] networkId() {
    return networkId.clone();
  }

  /** The period voted for: the valid-after of the consensus this vote is for. */
  public Instant validAfter() {
    return validAfter;
  }

  public Vote vote() {
    return vote;
  }

  public byte[] authorityKey() {
    return vote.authorityKey();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedVote v && Arrays.equals(v.body, body) && Arrays.equals(v.signature, signature);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "SignedVote[" + validAfter + ", " + vote + "]";
  }
}
