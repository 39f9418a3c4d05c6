package io.shroud.admission;

import io.shroud.crypto.Ed25519;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * PEM for certificates ({@code CERTIFICATE}) and Ed25519 private keys (PKCS#8,
 * {@code PRIVATE KEY}, what {@code openssl genpkey -algorithm ed25519} writes). Reading refuses
 * anything but exactly one object of the expected kind; errors never quote key material.
 */
public final class Pem {
  private static final int MAX_PEM_CHARS = 64 * 1024;

  private Pem() {}

  /** The certificate as PEM. */
  public static String certificate(X509Certificate cert) {
    return write(cert);
  }

  /** The single certificate in {@code pem}. */
  public static X509Certificate readCertificate(String pem) throws AdmissionException {
    Object o = readSingle(pem, "certificate");
    if (!(o instanceof X509CertificateHolder holder)) {
      throw new AdmissionException("PEM holds no CERTIFICATE");
    }
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException | RuntimeException e) {
      throw new AdmissionException("certificate cannot be decoded");
    }
  }

  /** A JCA private key as PKCS#8 PEM. */
  public static String privateKey(PrivateKey key) {
    return write(key);
  }

  /** An Ed25519 key pair's private half as PKCS#8 PEM. */
  public static String privateKey(Ed25519.KeyPair key) {
    return write(RelayCertificates.tlsPrivateKey(key));
  }

  /** The Ed25519 private key in PKCS#8 PEM {@code pem}, as a JCA key. */
  public static PrivateKey readPrivateKey(String pem) throws AdmissionException {
    PrivateKeyInfo info = readPrivateKeyInfo(pem);
    byte[] der = null;
    try {
      der = info.getEncoded();
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new AdmissionException("private key cannot be decoded as Ed25519");
    } finally {
      if (der != null) {
        Arrays.fill(der, (byte) 0);
      }
    }
  }

  /** The Ed25519 private key in PKCS#8 PEM {@code pem}, as a key pair for signing. */
  public static Ed25519.KeyPair readEd25519KeyPair(String pem) throws AdmissionException {
    PrivateKeyInfo info = readPrivateKeyInfo(pem);
    byte[] raw;
    try {
      raw = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
    } catch (IOException | RuntimeException e) {
      throw new AdmissionException("private key cannot be decoded as Ed25519");
    }
    try {
      if (raw.length != Ed25519.PRIVATE_KEY_BYTES) {
        throw new AdmissionException("Ed25519 private key is not 32 bytes");
      }
      return Ed25519.fromPrivateKey(raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  private static PrivateKeyInfo readPrivateKeyInfo(String pem) throws AdmissionException {
    Object o = readSingle(pem, "private key");
    if (!(o instanceof PrivateKeyInfo info)) {
      throw new AdmissionException("PEM holds no PKCS#8 PRIVATE KEY");
    }
    if (!EdECObjectIdentifiers.id_Ed25519.equals(info.getPrivateKeyAlgorithm().getAlgorithm())) {
      throw new AdmissionException("private key is not Ed25519");
    }
    return info;
  }

  private static Object readSingle(String pem, String what) throws AdmissionException {
    if (pem == null || pem.length() > MAX_PEM_CHARS) {
      throw new AdmissionException(what + " PEM is missing or longer than " + MAX_PEM_CHARS + " characters");
    }
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object first = parser.readObject();
      if (first == null) {
        throw new AdmissionException("no PEM " + what + " found");
      }
      if (parser.readObject() != null) {
        throw new AdmissionException("PEM holds more than one object where one " + what + " was expected");
      }
      return first;
    } catch (IOException | RuntimeException e) {
      throw new AdmissionException("malformed PEM " + what);
    }
  }

  private static String write(Object o) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write PEM", e);
    }
    return out.toString();
  }
}
