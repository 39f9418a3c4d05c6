package io.shroud.admission;

import static io.shroud.admission.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import io.shroud.testutil.SeededRandom;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.junit.jupiter.api.Test;

class RelayCertificatesTest {
  static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private final SecureRandom rnd = SeededRandom.of(23);
  private final TrustRootKey root = TrustRootKey.generate("devnet", NOW, TrustRootKey.DEFAULT_VALIDITY, rnd);
  private final Ed25519.KeyPair relay = Ed25519.generate(rnd);

  private X509Certificate issue(Ed25519.KeyPair key) {
    return RelayCertificates.issue(root, key.publicKey(), NOW.minusSeconds(60), NOW.plus(Duration.ofDays(90)), rnd);
  }

  @Test
  void issuedCertificateVerifiesToTheRelaysNodeId() throws Exception {
    X509Certificate cert = issue(relay);
    NodeId expected = NodeId.ofIdentityKey(relay.publicKey());

    assertEquals(expected, RelayCertificates.verify(cert, root.certificate(), NOW));
    assertEquals(expected, RelayCertificates.nodeIdOf(cert));
    assertArrayEquals(relay.publicKey(), RelayCertificates.rawEd25519(cert.getPublicKey()));
    assertEquals("CN=" + expected.toHex(), cert.getSubjectX500Principal().getName());
    assertEquals("CN=Shroud trust root,O=devnet", cert.getIssuerX500Principal().getName());
    assertEquals(3, cert.getVersion());
    assertEquals(-1, cert.getBasicConstraints());
    assertTrue(cert.getKeyUsage()[0], "digitalSignature");
    assertEquals(List.of(KeyPurposeId.id_kp_serverAuth.getId(), KeyPurposeId.id_kp_clientAuth.getId()),
        cert.getExtendedKeyUsage());
    assertEquals(1, cert.getSerialNumber().signum());
    assertTrue(cert.getSerialNumber().bitLength() <= 128);
    assertNotEquals(cert.getSerialNumber(), issue(relay).getSerialNumber());
    assertEquals("ED25519", cert.getSigAlgName().toUpperCase());
  }

  @Test
  void trustRootIsASelfSignedEd25519CaWithPathLengthZero() throws Exception {
    X509Certificate ca = root.certificate();
    ca.verify(ca.getPublicKey());
    assertEquals("CN=Shroud trust root,O=devnet", ca.getSubjectX500Principal().getName());
    assertEquals(0, ca.getBasicConstraints());
    boolean[] usage = ca.getKeyUsage();
    assertTrue(usage[5], "keyCertSign");
    assertTrue(usage[6], "cRLSign");
    assertFalse(usage[0], "digitalSignature");
    assertTrue(Duration.between(ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant())
        .compareTo(Duration.ofDays(3650)) > 0);
    assertFalse(root.toString().contains("PRIVATE"));
  }

  @Test
  void pemRoundTrips() throws Exception {
    X509Certificate cert = issue(relay);
    assertEquals(cert, Pem.readCertificate(Pem.certificate(cert)));
    assertArrayEquals(root.privateKey().getEncoded(), Pem.readPrivateKey(Pem.privateKey(root.privateKey())).getEncoded());
    assertArrayEquals(relay.publicKey(), Pem.readEd25519KeyPair(Pem.privateKey(relay)).publicKey());
    refused(() -> Pem.readPrivateKey(Pem.certificate(cert)), "PRIVATE KEY");
    refused(() -> Pem.readCertificate(Pem.certificate(cert) + Pem.certificate(cert)), "more than one");
    refused(() -> Pem.readCertificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), "");
    refused(() -> Pem.readCertificate("hello"), "no PEM certificate");
  }

  @Test
  void tlsPrivateKeyIsTheIdentityKey() throws Exception {
    byte[] message = "handshake transcript".getBytes();
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(RelayCertificates.tlsPrivateKey(relay));
    s.update(message);
    assertTrue(Ed25519.verify(relay.publicKey(), message, s.sign()));
  }

  @Test
  void refusesACertificateOfAnotherTrustRootWithTheSameName() {
    TrustRootKey other = TrustRootKey.generate("devnet", NOW, TrustRootKey.DEFAULT_VALIDITY, rnd);
    X509Certificate cert = RelayCertificates.issue(other, relay.publicKey(), NOW, NOW.plus(Duration.ofDays(1)), rnd);
    refused(() -> RelayCertificates.verify(cert, root.certificate(), NOW), "signature does not verify");
  }

  @Test
  void refusesACertificateOfAnotherNetwork() {
    TrustRootKey other = TrustRootKey.generate("othernet", NOW, TrustRootKey.DEFAULT_VALIDITY, rnd);
    X509Certificate cert = RelayCertificates.issue(other, relay.publicKey(), NOW, NOW.plus(Duration.ofDays(1)), rnd);
    refused(() -> RelayCertificates.verify(cert, root.certificate(), NOW), "is not this network's trust root");
  }

  @Test
  void refusesOutsideTheValidityPeriod() throws Exception {
    X509Certificate cert = issue(relay);
    RelayCertificates.verify(cert, root.certificate(), NOW.plus(Duration.ofDays(90)).minusSeconds(1));
    refused(() -> RelayCertificates.verify(cert, root.certificate(), NOW.plus(Duration.ofDays(90)).plusSeconds(1)),
        "certificate expired at 2027-03-07T12:00:00Z");
    refused(() -> RelayCertificates.verify(cert, root.certificate(), NOW.minusSeconds(61)), "not valid before");
  }

  @Test
  void refusesACommonNameThatIsNotTheNodeIdOfTheKey() {
    String otherId = NodeId.ofIdentityKey(Ed25519.generate(rnd).publicKey()).toHex();
    X509Certificate cert = forged(relay.publicKey(), otherId, false);
    refused(() -> RelayCertificates.verify(cert, root.certificate(), NOW), "CN " + otherId + " is not the node id");
    String upper = NodeId.ofIdentityKey(relay.publicKey()).toHex().toUpperCase();
    refused(() -> RelayCertificates.verify(forged(relay.publicKey(), upper, false), root.certificate(), NOW),
        "is not the node id");
  }

  @Test
  void acceptsTheSameProfileWhenBuiltByHand() throws Exception {
    // the forging helper itself makes acceptable certificates: the refusals above are for their one flaw
    X509Certificate ok = forged(relay.publicKey(), NodeId.ofIdentityKey(relay.publicKey()).toHex(), false);
    assertEquals(NodeId.ofIdentityKey(relay.publicKey()), RelayCertificates.verify(ok, root.certificate(), NOW));
  }

  @Test
  void refusesACaCertificate() {
    X509Certificate ca = forged(relay.publicKey(), NodeId.ofIdentityKey(relay.publicKey()).toHex(), true);
    refused(() -> RelayCertificates.verify(ca, root.certificate(), NOW), "CA certificate");
  }

  @Test
  void refusesATamperedSignature() throws Exception {
    byte[] der = issue(relay).getEncoded();
    der[der.length - 5] ^= 1; // the signature is the last field of the certificate
    X509Certificate tampered = parse(der);
    refused(() -> RelayCertificates.verify(tampered, root.certificate(), NOW), "signature does not verify");
  }

  @Test
  void refusesATamperedSubjectKey() throws Exception {
    byte[] der = issue(relay).getEncoded();
    der[indexOf(der, relay.publicKey())] ^= 1;
    X509Certificate tampered = parse(der);
    refused(() -> RelayCertificates.verify(tampered, root.certificate(), NOW), "signature does not verify");
  }

  @Test
  void refusesWhenTheTrustRootHasExpired() {
    TrustRootKey shortRoot = TrustRootKey.generate("devnet", NOW, Duration.ofDays(1), rnd);
    X509Certificate cert = RelayCertificates.issue(shortRoot, relay.publicKey(), NOW, NOW.plus(Duration.ofDays(90)), rnd);
    refused(() -> RelayCertificates.verify(cert, shortRoot.certificate(), NOW.plus(Duration.ofDays(2))),
        "trust root expired");
  }

  @Test
  void refusesBadArguments() {
    assertThrows(IllegalArgumentException.class,
        () -> RelayCertificates.issue(root, new byte[31], NOW, NOW.plusSeconds(1), rnd));
    assertThrows(IllegalArgumentException.class,
        () -> RelayCertificates.issue(root, relay.publicKey(), NOW, NOW, rnd));
    refused(() -> RelayCertificates.rawEd25519(KeyPairGenerator.getInstance("X25519").generateKeyPair().getPublic()),
        "not Ed25519");
  }

  static X509Certificate parse(byte[] der) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  /** A certificate signed by the root with a chosen CN and CA flag: what a buggy or hostile issuer makes. */
  private X509Certificate forged(byte[] key, String cn, boolean ca) {
    try {
      X500Name issuer = X500Name.getInstance(root.certificate().getSubjectX500Principal().getEncoded());
      X500Name subject = new X500Name(new RDN[] {new RDN(BCStyle.CN, new DERUTF8String(cn))});
      X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuer, BigInteger.TEN,
          X509Time.date(NOW.minusSeconds(60)), X509Time.date(NOW.plusSeconds(3600)), subject,
          RelayCertificates.subjectPublicKeyInfo(key));
      b.addExtension(Extension.basicConstraints, true, ca ? new BasicConstraints(0) : new BasicConstraints(false));
      return RelayCertificates.sign(b, root.privateKey());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
