package io.shroud.node.admission;

import io.shroud.admission.AdmissionException;
import io.shroud.admission.NetworkDefinition;
import io.shroud.admission.Pem;
import io.shroud.admission.RelayCertificates;
import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * What a relay presents and trusts on Artery: its identity key (the TLS key), its relay
 * certificate and the trust root of its network. {@link #load} accepts only a certificate that
 * this network's trust root issued, that is valid now and whose subject key is this node's
 * identity key; anything else is refused with one line saying why.
 */
public record RelayCredentials(
    NodeId nodeId, PrivateKey tlsKey, X509Certificate certificate, NetworkDefinition network) {

  /** Largest relay certificate file read (a certificate is well under 2 KiB). */
  static final long MAX_CERTIFICATE_FILE_BYTES = 64 * 1024;

  public RelayCredentials {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(tlsKey, "tlsKey");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(network, "network");
  }

  /** The network's trust root, the only issuer accepted on Artery. */
  public X509Certificate trustRoot() {
    return network.trustRoot();
  }

  /**
   * Reads {@code networkConf} and the relay certificate {@code certificateFile} and checks that
   * the certificate is this network's, valid at {@code now} and for {@code identity}.
   *
   * @throws AdmissionException with a one-line reason naming the file at fault
   */
  public static RelayCredentials load(Path networkConf, Path certificateFile, Ed25519.KeyPair identity, Instant now)
      throws AdmissionException {
    NetworkDefinition network = NetworkDefinition.load(networkConf);
    X509Certificate cert = readCertificate(certificateFile);
    NodeId own = NodeId.ofIdentityKey(identity.publicKey());
    NodeId certified;
    try {
      certified = RelayCertificates.verify(cert, network.trustRoot(), now);
    } catch (AdmissionException e) {
      throw new AdmissionException("relay certificate " + certificateFile + " is not valid for network \""
          + network.name() + "\": " + e.getMessage());
    }
    if (!certified.equals(own)) {
      throw new AdmissionException("relay certificate " + certificateFile + " is for node " + certified.toHex()
          + ", not for this node " + own.toHex());
    }
    return new RelayCredentials(own, RelayCertificates.tlsPrivateKey(identity), cert, network);
  }

  /** The single PEM certificate in {@code file}. */
  public static X509Certificate readCertificate(Path file) throws AdmissionException {
    String pem;
    try {
      if (Files.size(file) > MAX_CERTIFICATE_FILE_BYTES) {
        throw new AdmissionException("relay certificate " + file + " is larger than "
            + MAX_CERTIFICATE_FILE_BYTES + " bytes");
      }
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new AdmissionException("no relay certificate at " + file);
    } catch (IOException e) {
      throw new AdmissionException("cannot read relay certificate " + file + ": " + e.getMessage());
    }
    try {
      return Pem.readCertificate(pem);
    } catch (AdmissionException e) {
      throw new AdmissionException("relay certificate " + file + ": " + e.getMessage());
    }
  }

  /** Leaves the key out. */
  @Override
  public String toString() {
    return "RelayCredentials[node=" + nodeId.toHex() + ", network=" + network.name()
        + ", notAfter=" + certificate.getNotAfter().toInstant() + "]";
  }
}
