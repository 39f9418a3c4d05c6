package io.shroud.admission;

import io.shroud.crypto.Ed25519;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;

/**
 * A network's trust root: its self-signed X.509 CA certificate (Ed25519, BasicConstraints
 * CA=true pathLen 0, KeyUsage keyCertSign|cRLSign, subject {@code CN=Shroud trust root,
 * O=<network name>}) and the private key that signs relay certificates. {@link #toString()}
 * never shows the key.
 */
public record TrustRootKey(X509Certificate certificate, PrivateKey privateKey) {
  /** The default lifetime of a trust root. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(3653);
  /** How far before "now" a new root's validity starts, for clocks that are a little behind. */
  public static final Duration CLOCK_SKEW = Duration.ofHours(1);

  public TrustRootKey {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
  }

  /**
   * Makes a new trust root for the network {@code networkName} (see
   * {@link NetworkDefinition#checkName}), valid from {@code now - CLOCK_SKEW} for
   * {@code validity}.
   */
  public static TrustRootKey generate(String networkName, Instant now, Duration validity, SecureRandom rnd) {
    NetworkDefinition.checkName("network name", networkName);
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("trust root validity must be positive");
    }
    Ed25519.KeyPair key = Ed25519.generate(rnd);
    PrivateKey privateKey = RelayCertificates.tlsPrivateKey(key);
    X500Name subject = subject(networkName);
    Instant notBefore = now.minus(CLOCK_SKEW);
    X509v3CertificateBuilder builder = new X509v3CertificateBuilder(subject, serial(rnd),
        X509Time.date(notBefore), X509Time.date(now.plus(validity)), subject,
        RelayCertificates.subjectPublicKeyInfo(key.publicKey()));
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (org.bouncycastle.cert.CertIOException e) {
      throw new IllegalStateException("cannot encode trust root extensions", e);
    }
    return new TrustRootKey(RelayCertificates.sign(builder, privateKey), privateKey);
  }

  /** {@code CN=Shroud trust root, O=<name>} (DER order O, CN). */
  static X500Name subject(String networkName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, networkName)
        .addRDN(BCStyle.CN, "Shroud trust root")
        .build();
  }

  /** A random positive 128-bit serial number. */
  static BigInteger serial(SecureRandom rnd) {
    byte[] b = new byte[16];
    BigInteger s;
    do {
      rnd.nextBytes(b);
      s = new BigInteger(1, b);
    } while (s.signum() == 0);
    return s;
  }

  @Override
  public String toString() {
    return "TrustRootKey[" + certificate.getSubjectX500Principal().getName() + "]";
  }
}
