package io.shroud.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import io.shroud.testutil.SeededRandom;
import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The certificates and keys made here work in the JDK's own TLS 1.3 (JSSE, ed25519 signatures)
 * with mutual authentication: what Artery's TLS uses. JSSE checks validity against the system
 * clock, so these certificates are issued around the real now.
 */
class JsseHandshakeTest {
  private static final char[] PASSWORD = "test".toCharArray();
  private final SecureRandom rnd = SeededRandom.of(5);
  private final Instant now = Instant.now();
  private final TrustRootKey root = TrustRootKey.generate("devnet", now, TrustRootKey.DEFAULT_VALIDITY, rnd);

  private SSLContext context(TrustRootKey issuer, Ed25519.KeyPair identity) throws Exception {
    X509Certificate cert = RelayCertificates.issue(issuer, identity.publicKey(), now.minusSeconds(60),
        now.plus(Duration.ofDays(1)), rnd);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("relay", RelayCertificates.tlsPrivateKey(identity), PASSWORD, new Certificate[] {cert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(keys, PASSWORD);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("root", root.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLSv1.3");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), rnd);
    return ctx;
  }

  @Test
  void twoAdmittedRelaysCompleteMutualTls13() throws Exception {
    Ed25519.KeyPair a = Ed25519.generate(rnd);
    Ed25519.KeyPair b = Ed25519.generate(rnd);
    SSLEngine client = context(root, a).createSSLEngine();
    SSLEngine server = context(root, b).createSSLEngine();
    handshake(client, server);
    X509Certificate serverCert = (X509Certificate) client.getSession().getPeerCertificates()[0];
    X509Certificate clientCert = (X509Certificate) server.getSession().getPeerCertificates()[0];
    assertEquals("TLSv1.3", client.getSession().getProtocol());
    assertEquals(NodeId.ofIdentityKey(b.publicKey()), RelayCertificates.verify(serverCert, root.certificate(), now));
    assertEquals(NodeId.ofIdentityKey(a.publicKey()), RelayCertificates.verify(clientCert, root.certificate(), now));
  }

  @Test
  void aClientFromAnotherTrustRootCannotCompleteTheHandshake() throws Exception {
    TrustRootKey stranger = TrustRootKey.generate("devnet", now, TrustRootKey.DEFAULT_VALIDITY, rnd);
    SSLEngine client = context(stranger, Ed25519.generate(rnd)).createSSLEngine();
    SSLEngine server = context(root, Ed25519.generate(rnd)).createSSLEngine();
    assertThrows(SSLException.class, () -> handshake(client, server));
  }

  /** Runs both engines against each other in memory until both finish (or one fails). */
  static void handshake(SSLEngine client, SSLEngine server) throws Exception {
    client.setUseClientMode(true);
    server.setUseClientMode(false);
    server.setNeedClientAuth(true);
    int size = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
    ByteBuffer toServer = ByteBuffer.allocate(size * 4);
    ByteBuffer toClient = ByteBuffer.allocate(size * 4);
    ByteBuffer app = ByteBuffer.allocate(size * 4);
    ByteBuffer empty = ByteBuffer.allocate(0);
    client.beginHandshake();
    server.beginHandshake();
    for (int round = 0; round < 200; round++) {
      step(client, empty, toServer, toClient, app);
      step(server, empty, toClient, toServer, app);
      if (done(client) && done(server)) {
        return;
      }
    }
    throw new AssertionError("handshake did not finish");
  }

  private static boolean done(SSLEngine e) {
    HandshakeStatus s = e.getHandshakeStatus();
    return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
  }

  private static void step(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer app)
      throws Exception {
    for (int i = 0; i < 20; i++) {
      HandshakeStatus s = e.getHandshakeStatus();
      if (s == HandshakeStatus.NEED_TASK) {
        Runnable task;
        while ((task = e.getDelegatedTask()) != null) {
          task.run();
        }
      } else if (s == HandshakeStatus.NEED_WRAP) {
        e.wrap(empty, out);
      } else if (s == HandshakeStatus.NEED_UNWRAP || s == HandshakeStatus.NEED_UNWRAP_AGAIN) {
        in.flip();
        var r = e.unwrap(in, app);
        in.compact();
        if (r.bytesConsumed() == 0 && r.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
          return; // waits for the other side
        }
      } else {
        return;
      }
    }
  }
}
