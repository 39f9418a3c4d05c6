package io.shroud.node.admission;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JSSE key and trust managers of Artery TLS. The key manager always offers the relay
 * certificate and identity key; the trust manager accepts exactly what {@link PeerCheck}
 * accepts (the server's certificate at session verification, see {@link TrustManager}) and never
 * looks at host names (relays are known by node id, not by address).
 */
final class AdmissionManagers {
  static final String ALIAS = "relay";

  private AdmissionManagers() {}

  /** Offers {@code chain} (relay certificate first) and {@code key} for Ed25519 signatures. */
  static final class KeyManager extends X509ExtendedKeyManager {
    private final PrivateKey key;
    private final X509Certificate[] chain;

    KeyManager(PrivateKey key, X509Certificate[] chain) {
      this.key = key;
      this.chain = chain.clone();
    }

    /** JSSE asks for "EdDSA" (TLS 1.3's ed25519 signature scheme); our key is nothing else. */
    private static boolean ours(String keyType) {
      if (keyType == null) {
        return false;
      }
      String t = keyType.toUpperCase(Locale.ROOT);
      return t.equals("EDDSA") || t.equals("ED25519");
    }

    private static String pick(String[] keyTypes) {
      if (keyTypes != null) {
        for (String t : keyTypes) {
          if (ours(t)) {
            return ALIAS;
          }
        }
      }
      return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return ours(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return pick(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      return pick(keyTypes);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return ours(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return ours(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return ours(keyType) ? ALIAS : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return ALIAS.equals(alias) ? key : null;
    }
  }

  /**
   * As server, accepts a client exactly when {@link PeerCheck} does: a refused client gets a
   * {@code certificate_unknown} alert, and the session never starts. As client, accepts the
   * server's certificate during the handshake and decides when the handshake is done
   * ({@link ReportingSSLEngine}), before a single Artery byte is sent: in TLS 1.3 the client sends
   * its own certificate only after it has accepted the server's, so deciding at the end lets the
   * server see, and name, what a stranger presents (a relay of another network dialing ours is
   * refused on both ends, each saying why). JSSE still checks that the server holds the key of the
   * certificate it sent (its CertificateVerify signature).
   */
  static final class TrustManager extends X509ExtendedTrustManager {
    private final PeerCheck check;
    private final X509Certificate trustRoot;

    TrustManager(PeerCheck check, X509Certificate trustRoot) {
      this.check = check;
      this.trustRoot = trustRoot;
    }

    private void verifyClient(X509Certificate[] chain) throws CertificateException {
      check.check(chain);
    }

    private static void deferServer(X509Certificate[] chain) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new PeerCheck.Refused("peer sent no certificate", java.util.Optional.empty());
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      verifyClient(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      deferServer(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      verifyClient(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      deferServer(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      verifyClient(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      deferServer(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[] {trustRoot};
    }
  }
}
