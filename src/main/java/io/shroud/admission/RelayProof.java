package io.shroud.admission;

import io.shroud.identity.DescriptorCodec;
import io.shroud.identity.DescriptorVerifier;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.identity.SignedDescriptor;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What a relay shows a client that knows only its address (docs/protocol.md §4.10.1): its relay
 * certificate and its current signed descriptor, carried in message 2 of the client handshake.
 *
 * <pre>
 * certificate length (u16, 1..2048) | relay certificate, DER (§10.2)
 * | descriptor length (u16, 1..1849) | descriptor encoding (§2.2) | descriptor signature (64, §2.3)
 * </pre>
 *
 * {@link #verify} is the client's chain: the certificate chains to the network's trust root and
 * is valid now, which gives the identity key and node id; the descriptor is signed by that
 * identity and current; its link key is the static key the relay used in the handshake.
 */
public record RelayProof(byte[] certificate, SignedDescriptor descriptor) {
  /** Largest certificate accepted (a relay certificate is about 400 bytes). */
  public static final int MAX_CERTIFICATE_BYTES = 2048;
  /** The size of a descriptor signature. */
  public static final int SIGNATURE_BYTES = 64;
  /** Largest encoding: 2 + 2048 + 2 + 1849 + 64 = 3965 bytes. */
  public static final int MAX_BYTES = 2 + MAX_CERTIFICATE_BYTES + 2 + DescriptorCodec.MAX_ENCODED_BYTES + SIGNATURE_BYTES;

  public RelayProof {
    Objects.requireNonNull(descriptor, "descriptor");
    if (certificate.length == 0 || certificate.length > MAX_CERTIFICATE_BYTES) {
      throw new IllegalArgumentException("certificate must be 1.." + MAX_CERTIFICATE_BYTES + " bytes");
    }
    int d = descriptor.encoded().length;
    if (d == 0 || d > DescriptorCodec.MAX_ENCODED_BYTES || descriptor.signature().length != SIGNATURE_BYTES) {
      throw new IllegalArgumentException("descriptor must be 1.." + DescriptorCodec.MAX_ENCODED_BYTES
          + " bytes with a 64-byte signature");
    }
    certificate = certificate.clone();
  }

  /** The proof of a relay with {@code certificate} and {@code descriptor}. */
  public static RelayProof of(X509Certificate certificate, SignedDescriptor descriptor) {
    try {
      return new RelayProof(certificate.getEncoded(), descriptor);
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode a certificate", e);
    }
  }

  /** A successfully checked relay: its node id (from the certificate) and its descriptor. */
  public record Verified(NodeId nodeId, NodeDescriptor descriptor) {}

  @Override
  public byte[] certificate() {
    return certificate.clone();
  }

  public byte[] encode() {
    byte[] d = descriptor.encoded();
    return ByteBuffer.allocate(2 + certificate.length + 2 + d.length + SIGNATURE_BYTES)
        .putShort((short) certificate.length).put(certificate)
        .putShort((short) d.length).put(d).put(descriptor.signature()).array();
  }

  /** Strict: lengths within bounds, checked against the bytes left, nothing after the signature. */
  public static RelayProof decode(byte[] bytes) throws AdmissionException {
    if (bytes == null || bytes.length > MAX_BYTES) {
      throw new AdmissionException("relay proof is not 1.." + MAX_BYTES + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte[] cert = field(b, MAX_CERTIFICATE_BYTES, "certificate");
    byte[] desc = field(b, DescriptorCodec.MAX_ENCODED_BYTES, "descriptor");
    if (b.remaining() != SIGNATURE_BYTES) {
      throw new AdmissionException("relay proof has " + b.remaining() + " bytes after the descriptor, not a "
          + SIGNATURE_BYTES + "-byte signature");
    }
    byte[] sig = new byte[SIGNATURE_BYTES];
    b.get(sig);
    return new RelayProof(cert, new SignedDescriptor(desc, sig));
  }

  private static byte[] field(ByteBuffer b, int max, String what) throws AdmissionException {
    if (b.remaining() < 2) {
      throw new AdmissionException("relay proof is truncated before the " + what + " length");
    }
    int len = b.getShort() & 0xffff;
    if (len == 0 || len > max) {
      throw new AdmissionException("relay proof " + what + " length " + len + " is not 1.." + max);
    }
    if (b.remaining() < len) {
      throw new AdmissionException("relay proof " + what + " is truncated: " + b.remaining() + " < " + len);
    }
    byte[] out = new byte[len];
    b.get(out);
    return out;
  }

  /**
   * The client's check of a relay it reached by address only. {@code handshakeStatic} is the
   * static key the relay proved in the handshake; {@code revoked} says whether a node id is in
   * the revocation list the client holds (none: {@code id -> false}).
   *
   * @throws AdmissionException naming the first check that failed
   */
  public Verified verify(NetworkDefinition network, byte[] handshakeStatic, Predicate<NodeId> revoked,
      Clock clock, Duration skew) throws AdmissionException {
    X509Certificate cert = parse(certificate);
    NodeId id = RelayCertificates.verify(cert, network.trustRoot(), clock.instant());
    if (revoked.test(id)) {
      throw new AdmissionException("relay " + id.shortHex() + " is revoked");
    }
    DescriptorVerifier.Result result = new DescriptorVerifier(clock, skew).verify(descriptor);
    if (result instanceof DescriptorVerifier.Rejected r) {
      throw new AdmissionException("descriptor refused: " + r.reason());
    }
    NodeDescriptor d = ((DescriptorVerifier.Verified) result).descriptor();
    if (!d.nodeId().equals(id)) {
      throw new AdmissionException("descriptor is of node " + d.nodeId().shortHex() + ", the certificate of "
          + id.shortHex());
    }
    if (handshakeStatic == null || !Arrays.equals(d.linkKey(), handshakeStatic)) {
      throw new AdmissionException("descriptor's link key is not the static key the relay used in the handshake");
    }
    return new Verified(id, d);
  }

  /** Exactly one DER certificate: re-encoding must give the same bytes (no PEM, nothing after). */
  static X509Certificate parse(byte[] der) throws AdmissionException {
    X509Certificate cert;
    try {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
      if (!Arrays.equals(cert.getEncoded(), der)) {
        throw new AdmissionException("relay certificate is not exactly one DER certificate");
      }
    } catch (CertificateException | RuntimeException e) {
      throw new AdmissionException("relay certificate does not parse as X.509 DER");
    }
    return cert;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RelayProof p && Arrays.equals(certificate, p.certificate) && descriptor.equals(p.descriptor);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(certificate) * 31 + descriptor.hashCode();
  }

  @Override
  public String toString() {
    return "RelayProof[certificate " + certificate.length + " bytes, " + descriptor + "]";
  }
}
