package io.shroud.node.admission;

import io.shroud.admission.TrustRootKey;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates the network's code would never issue, signed by its real trust root, for tests. */
final class ForgedCertificates {
  private ForgedCertificates() {}

  /** A relay certificate for {@code identityKey} whose CN is {@code commonName}, whatever that is. */
  static X509Certificate withCommonName(TrustRootKey root, byte[] identityKey, String commonName, Instant now) {
    try {
      X509v3CertificateBuilder b = new X509v3CertificateBuilder(
          X500Name.getInstance(root.certificate().getSubjectX500Principal().getEncoded()),
          BigInteger.valueOf(now.toEpochMilli()),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
          new X500Name("CN=" + commonName),
          new SubjectPublicKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), identityKey));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("Ed25519").build(root.privateKey())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
