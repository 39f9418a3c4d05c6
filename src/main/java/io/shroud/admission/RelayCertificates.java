package io.shroud.admission;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Relay certificates: X.509 v3, signed by the network's trust root with Ed25519, subject
 * {@code CN=<node id, 64 lowercase hex>}, subject key the relay's own Ed25519 identity key (so
 * the TLS key is the identity key and the node id is its SHA-256), CA=false, KeyUsage
 * digitalSignature, ExtendedKeyUsage serverAuth+clientAuth, a random 128-bit serial. The profile
 * is in docs/protocol.md, "Network admission".
 */
public final class RelayCertificates {
  /** The default lifetime of a relay certificate. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(90);

  private static final AlgorithmIdentifier ED25519 = new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);

  private RelayCertificates() {}

  /** Issues the certificate of the relay whose identity public key is {@code identityPublicKey32}. */
  public static X509Certificate issue(TrustRootKey root, byte[] identityPublicKey32, Instant notBefore,
      Instant notAfter, SecureRandom rnd) {
    if (identityPublicKey32 == null || identityPublicKey32.length != Ed25519.PUBLIC_KEY_BYTES) {
      throw new IllegalArgumentException("identity public key must be 32 bytes");
    }
    if (!notAfter.isAfter(notBefore)) {
      throw new IllegalArgumentException("certificate notAfter must be after notBefore");
    }
    NodeId id = NodeId.ofIdentityKey(identityPublicKey32);
    X500Name issuer = X500Name.getInstance(root.certificate().getSubjectX500Principal().getEncoded());
    X500Name subject = new X500Name(new RDN[] {new RDN(BCStyle.CN, new DERUTF8String(id.toHex()))});
    X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuer, TrustRootKey.serial(rnd),
        X509Time.date(notBefore), X509Time.date(notAfter), subject, subjectPublicKeyInfo(identityPublicKey32));
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot encode relay certificate extensions", e);
    }
    return sign(builder, root.privateKey());
  }

  /**
   * Checks {@code relayCert} against the network's {@code trustRoot} at {@code now}: issued by it
   * (issuer name and Ed25519 signature), both within their validity, not a CA, key usable for
   * signatures, an Ed25519 subject key, and the subject CN the node id of that key.
   *
   * @return the relay's node id
   */
  public static NodeId verify(X509Certificate relayCert, X509Certificate trustRoot, Instant now)
      throws AdmissionException {
    if (!relayCert.getIssuerX500Principal().equals(trustRoot.getSubjectX500Principal())) {
      throw new AdmissionException("certificate issuer " + relayCert.getIssuerX500Principal().getName()
          + " is not this network's trust root " + trustRoot.getSubjectX500Principal().getName());
    }
    try {
      relayCert.verify(trustRoot.getPublicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new AdmissionException("certificate signature does not verify under this network's trust root");
    }
    Date at = Date.from(now);
    checkValidity(trustRoot, at, "trust root");
    checkValidity(relayCert, at, "certificate");
    if (relayCert.getBasicConstraints() >= 0) {
      throw new AdmissionException("certificate is a CA certificate, not a relay certificate");
    }
    boolean[] usage = relayCert.getKeyUsage();
    if (usage != null && !usage[0]) {
      throw new AdmissionException("certificate key usage does not allow digitalSignature");
    }
    NodeId id = nodeIdOf(relayCert);
    String cn = commonName(relayCert);
    if (!id.toHex().equals(cn)) {
      throw new AdmissionException("certificate CN " + (cn == null ? "(none)" : clip(cn))
          + " is not the node id of its key " + id.toHex());
    }
    return id;
  }

  /** The node id of the certificate's subject key (SHA-256 of the raw Ed25519 key). */
  public static NodeId nodeIdOf(X509Certificate cert) throws AdmissionException {
    return NodeId.ofIdentityKey(rawEd25519(cert.getPublicKey()));
  }

  /** The raw 32 bytes of an Ed25519 public key. */
  public static byte[] rawEd25519(PublicKey key) throws AdmissionException {
    SubjectPublicKeyInfo info;
    try {
      info = SubjectPublicKeyInfo.getInstance(key.getEncoded());
    } catch (RuntimeException e) {
      throw new AdmissionException("public key is not a valid SubjectPublicKeyInfo");
    }
    if (!EdECObjectIdentifiers.id_Ed25519.equals(info.getAlgorithm().getAlgorithm())) {
      throw new AdmissionException("public key is not Ed25519 (" + info.getAlgorithm().getAlgorithm() + ")");
    }
    byte[] raw = info.getPublicKeyData().getOctets();
    if (raw.length != Ed25519.PUBLIC_KEY_BYTES) {
      throw new AdmissionException("Ed25519 public key is " + raw.length + " bytes, not 32");
    }
    return raw;
  }

  /**
   * The identity key as a JCA "Ed25519" {@link PrivateKey} (PKCS#8), for the JDK's TLS 1.3
   * (which signs its handshakes with it).
   */
  public static PrivateKey tlsPrivateKey(Ed25519.KeyPair identity) {
    byte[] raw = identity.privateKeyBytes();
    byte[] pkcs8 = null;
    try {
      pkcs8 = PrivateKeyInfoFactory.createPrivateKeyInfo(new Ed25519PrivateKeyParameters(raw, 0)).getEncoded();
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot convert an Ed25519 key for JCA", e);
    } finally {
      Arrays.fill(raw, (byte) 0);
      if (pkcs8 != null) {
        Arrays.fill(pkcs8, (byte) 0);
      }
    }
  }

  static SubjectPublicKeyInfo subjectPublicKeyInfo(byte[] raw32) {
    return new SubjectPublicKeyInfo(ED25519, raw32);
  }

  static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) {
    try {
      X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("Ed25519").build(signer));
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (OperatorCreationException | CertificateException e) {
      throw new IllegalStateException("cannot sign a certificate with Ed25519", e);
    }
  }

  /** The single CN of the subject, or null when there is none or more than one. */
  static String commonName(X509Certificate cert) {
    X500Name subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    RDN[] cns = subject.getRDNs(BCStyle.CN);
    if (cns.length != 1 || cns[0].isMultiValued()) {
      return null;
    }
    ASN1Encodable value = cns[0].getFirst().getValue();
    return value instanceof ASN1String str ? str.getString() : null;
  }

  private static void checkValidity(X509Certificate cert, Date at, String what) throws AdmissionException {
    try {
      cert.checkValidity(at);
    } catch (CertificateExpiredException e) {
      throw new AdmissionException(what + " expired at " + cert.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      throw new AdmissionException(what + " is not valid before " + cert.getNotBefore().toInstant());
    }
  }

  private static String clip(String s) {
    String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() > 80 ? printable.substring(0, 80) + "..." : printable;
  }
}
