package io.shroud.admission;

import io.shroud.identity.DescriptorCodec;
import io.shroud.identity.DescriptorVerifier;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.identity.SignedDescriptor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A relay's answer to a directory request (docs/protocol.md §4.10.5): its latest valid
 * consensus and the signed descriptors it holds of the relays that consensus lists. Big-endian,
 * strict:
 *
 * <pre>
 * magic "SHDB" (4) | version 1 (1) | consensus length (u32, 1..1235010) | consensus encoding (§10.8)
 * | descriptor count (u16, 0..16384)
 * | count × (descriptor length (u16, 1..1849) | descriptor encoding (§2.2) | signature (64))
 * </pre>
 *
 * {@link #verify} is what the requester checks before it uses any of it.
 */
public record DirectoryBundle(Consensus consensus, List<SignedDescriptor> descriptors) {
  static final byte[] MAGIC = "SHDB".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final int HEADER_BYTES = 4 + 1 + 4;
  /** Most descriptors in a bundle: one per relay a consensus can list. */
  public static final int MAX_DESCRIPTORS = Consensus.MAX_RELAYS;
  /** Largest encoding: 9 + 1 235 010 + 2 + 16384 × (2 + 1849 + 64) = 32 610 381 bytes (below 32 MiB). */
  public static final int MAX_BYTES = HEADER_BYTES + ConsensusCodec.MAX_BYTES + 2
      + MAX_DESCRIPTORS * (2 + DescriptorCodec.MAX_ENCODED_BYTES + RelayProof.SIGNATURE_BYTES);

  public DirectoryBundle {
    Objects.requireNonNull(consensus, "consensus");
    descriptors = List.copyOf(descriptors);
    if (descriptors.size() > MAX_DESCRIPTORS) {
      throw new IllegalArgumentException("at most " + MAX_DESCRIPTORS + " descriptors");
    }
  }

  /** What the requester may use: the consensus and the descriptors that verified now. */
  public record Verified(Consensus consensus, List<NodeDescriptor> descriptors, int skipped) {}

  public byte[] encode() {
    byte[] c = consensus.encode();
    int size = HEADER_BYTES + c.length + 2;
    for (SignedDescriptor d : descriptors) {
      size += 2 + d.encoded().length + RelayProof.SIGNATURE_BYTES;
    }
    ByteBuffer b = ByteBuffer.allocate(size).put(MAGIC).put((byte) VERSION).putInt(c.length).put(c)
        .putShort((short) descriptors.size());
    for (SignedDescriptor d : descriptors) {
      byte[] e = d.encoded();
      b.putShort((short) e.length).put(e).put(d.signature());
    }
    return b.array();
  }

  /** Strict: every length checked against its bound and the bytes left before allocating, nothing after. */
  public static DirectoryBundle decode(byte[] bytes) throws AdmissionException {
    if (bytes == null || bytes.length < HEADER_BYTES || bytes.length > MAX_BYTES) {
      throw new AdmissionException("directory bundle is not " + HEADER_BYTES + ".." + MAX_BYTES + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte[] magic = new byte[4];
    b.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new AdmissionException("directory bundle has the wrong magic");
    }
    int version = b.get() & 0xff;
    if (version != VERSION) {
      throw new AdmissionException("directory bundle version " + version + " is unsupported");
    }
    long c = b.getInt() & 0xffffffffL;
    if (c == 0 || c > ConsensusCodec.MAX_BYTES || c > b.remaining() - 2L) {
      throw new AdmissionException("directory bundle consensus length " + c + " does not fit");
    }
    byte[] consensus = new byte[(int) c];
    b.get(consensus);
    Consensus decoded = Consensus.decode(consensus);
    int count = b.getShort() & 0xffff;
    if (count > MAX_DESCRIPTORS) {
      throw new AdmissionException("directory bundle has " + count + " descriptors, more than " + MAX_DESCRIPTORS);
    }
    if ((long) count * (2 + 1 + RelayProof.SIGNATURE_BYTES) > b.remaining()) {
      throw new AdmissionException("directory bundle is truncated: " + count + " descriptors in "
          + b.remaining() + " bytes");
    }
    List<SignedDescriptor> descriptors = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (b.remaining() < 2) {
        throw new AdmissionException("directory bundle is truncated at descriptor " + i);
      }
      int len = b.getShort() & 0xffff;
      if (len == 0 || len > DescriptorCodec.MAX_ENCODED_BYTES || b.remaining() < len + RelayProof.SIGNATURE_BYTES) {
        throw new AdmissionException("directory bundle descriptor " + i + " length " + len + " does not fit");
      }
      byte[] e = new byte[len];
      byte[] s = new byte[RelayProof.SIGNATURE_BYTES];
      b.get(e).get(s);
      descriptors.add(new SignedDescriptor(e, s));
    }
    if (b.hasRemaining()) {
      throw new AdmissionException("directory bundle has " + b.remaining() + " trailing bytes");
    }
    return new DirectoryBundle(decoded, descriptors);
  }

  /**
   * The requester's check: the consensus is accepted (§10.8: network, time, majority of
   * authorities); descriptors come in strictly ascending node id order, each decodes, is signed by
   * its own identity key and names a relay the consensus lists, with the same identity key. A
   * descriptor that fails only on time (expired, not yet valid: the two clocks differ) is skipped;
   * any other fault refuses the whole bundle, since an honest relay never sends it.
   */
  public Verified verify(NetworkDefinition network, Clock clock, Duration skew) throws AdmissionException {
    consensus.verify(network, clock, skew);
    DescriptorVerifier verifier = new DescriptorVerifier(clock, skew);
    List<NodeDescriptor> usable = new ArrayList<>();
    NodeId previous = null;
    int skipped = 0;
    for (int i = 0; i < descriptors.size(); i++) {
      SignedDescriptor signed = descriptors.get(i);
      DescriptorVerifier.Result result = verifier.verify(signed);
      NodeDescriptor d;
      if (result instanceof DescriptorVerifier.Verified v) {
        d = v.descriptor();
      } else {
        DescriptorVerifier.Rejected r = (DescriptorVerifier.Rejected) result;
        if (r.failure() != DescriptorVerifier.Failure.EXPIRED
            && r.failure() != DescriptorVerifier.Failure.NOT_YET_VALID) {
          throw new AdmissionException("descriptor " + i + " refused: " + r.reason());
        }
        d = decodeVerified(signed);
        skipped++;
      }
      if (previous != null && previous.compareTo(d.nodeId()) >= 0) {
        throw new AdmissionException("descriptor " + i + " is out of node id order or repeated");
      }
      previous = d.nodeId();
      Optional<Consensus.Relay> listed = consensus.relay(d.nodeId());
      if (listed.isEmpty()) {
        throw new AdmissionException("descriptor " + i + " is of " + d.nodeId().shortHex()
            + ", which the consensus does not list");
      }
      if (!Arrays.equals(listed.get().identityKey(), d.identityKey())) {
        throw new AdmissionException("descriptor " + i + " has another identity key than the consensus lists");
      }
      if (result instanceof DescriptorVerifier.Verified) {
        usable.add(d);
      }
    }
    return new Verified(consensus, usable, skipped);
  }

  /** A descriptor the verifier refused only on time has a valid layout: decode it for the order checks. */
  private static NodeDescriptor decodeVerified(SignedDescriptor signed) throws AdmissionException {
    try {
      return DescriptorCodec.decode(signed.encoded());
    } catch (DescriptorCodec.MalformedDescriptorException e) {
      throw new AdmissionException("descriptor does not decode: " + e.getMessage());
    }
  }
}
