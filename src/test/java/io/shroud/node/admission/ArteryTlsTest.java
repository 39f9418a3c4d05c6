package io.shroud.node.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.admission.AdmissionException;
import io.shroud.admission.RelayCertificates;
import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Artery's mutual TLS between two real JDK engines in memory, with certificates made by the
 * network's own code: who is let in, who is refused, what both ends log, and a rotated certificate.
 */
class ArteryTlsTest {
  static final String HOST = "127.1.0.1";
  static final int PORT = 25520;
  static final SecureRandom RANDOM = new SecureRandom();

  /** One relay: identity, certificate file, its ArteryTls, what it logged, what it holds revoked. */
  static final class Relay {
    final Ed25519.KeyPair identity = Ed25519.generate(RANDOM);
    final Path certFile;
    final MutableClock clock;
    final List<String> warnings = new CopyOnWriteArrayList<>();
    final List<String> infos = new CopyOnWriteArrayList<>();
    final Set<NodeId> revoked = ConcurrentHashMap.newKeySet();
    final java.util.Map<String, NodeId> proved = new ConcurrentHashMap<>();
    ArteryTls tls;

    Relay(Path dir, MutableClock clock) {
      this.certFile = dir.resolve("relay.crt");
      this.clock = clock;
    }

    NodeId id() {
      return NodeId.ofIdentityKey(identity.publicKey());
    }

    Relay start(TestNetwork net) throws AdmissionException {
      tls = new ArteryTls(net.conf(), certFile, identity, clock, revoked::contains, RANDOM, new ArteryTls.Log() {
        @Override
        public void warn(String line) {
          warnings.add(line);
        }

        @Override
        public void info(String line) {
          infos.add(line);
        }

        @Override
        public void proved(String hostPort, NodeId id) {
          proved.put(hostPort, id);
        }
      });
      return this;
    }
  }

  @TempDir
  Path tmp;
  MutableClock clock;
  TestNetwork net;
  Relay server;
  Relay client;

  @BeforeEach
  void setUp() throws Exception {
    clock = new MutableClock();
    net = TestNetwork.create(tmp.resolve("net"), "testnet", clock);
    server = new Relay(tmp.resolve("a"), clock);
    client = new Relay(tmp.resolve("b"), clock);
    net.admit(server.identity, clock.instant(), server.certFile);
    net.admit(client.identity, clock.instant(), client.certFile);
    server.start(net);
  }

  static InMemoryTls.Outcome connect(Relay client, Relay server) throws Exception {
    return InMemoryTls.run(
        client.tls.createClientEngine(HOST, PORT), s -> client.tls.verifySession(true, HOST, PORT, s),
        server.tls.createServerEngine(HOST, PORT), s -> server.tls.verifySession(false, HOST, PORT, s));
  }

  /** A client that is not an ArteryTls: presents {@code chain} with {@code key} (none if null), trusts anyone. */
  InMemoryTls.Outcome connectRaw(PrivateKey key, X509Certificate[] chain) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLSv1.3");
    PeerCheck anyone = new PeerCheck(net.definition.trustRoot(), clock, id -> false);
    ctx.init(key == null ? null : new javax.net.ssl.KeyManager[] {new AdmissionManagers.KeyManager(key, chain)},
        new javax.net.ssl.TrustManager[] {new AdmissionManagers.TrustManager(anyone, net.definition.trustRoot())},
        RANDOM);
    SSLEngine raw = ctx.createSSLEngine(HOST, PORT);
    raw.setUseClientMode(true);
    return InMemoryTls.run(raw, s -> Optional.empty(),
        server.tls.createServerEngine(HOST, PORT), s -> server.tls.verifySession(false, HOST, PORT, s));
  }

  @Test
  void twoRelaysOfTheNetworkConnectBothWays() throws Exception {
    client.start(net);
    InMemoryTls.Outcome o = connect(client, server);
    assertTrue(o.client().established());
    assertTrue(o.server().established());
    assertEquals(InMemoryTls.HELLO, o.server().received());
    X509Certificate seen = (X509Certificate) o.server().engine.getSession().getPeerCertificates()[0];
    assertEquals(client.id(), RelayCertificates.nodeIdOf(seen));
    assertEquals("TLSv1.3", o.server().engine.getSession().getProtocol());
    assertEquals(java.util.Map.of(HOST + ":" + PORT, server.id()), client.proved, "the dialing end learns who answered");
    assertEquals(java.util.Map.of(), server.proved, "an inbound session proves nothing about an address");
    assertEquals(InMemoryTls.HELLO, connect(server, client).server().received());
    assertEquals(List.of(), server.warnings);
    assertEquals(List.of(), client.warnings);
  }

  @Test
  void aRelayOfAnotherNetworkIsRefusedAndBothEndsSayWhy() throws Exception {
    // same network name, so the issuer names match: only the signature tells the roots apart
    TestNetwork other = TestNetwork.create(tmp.resolve("other"), "testnet", clock);
    other.admit(client.identity, clock.instant(), client.certFile);
    client.start(other);

    InMemoryTls.Outcome in = connect(client, server);
    assertFalse(in.server().established());
    assertEquals("", in.server().received());
    assertFalse(in.client().established());
    String refused = only(server.warnings);
    assertTrue(refused.startsWith("refused inbound Artery TLS session on " + HOST + ":" + PORT + " from node "
        + client.id().toHex() + " (as it claims): ") && refused.contains("trust root"), refused);
    String refusing = only(client.warnings);
    assertTrue(refusing.startsWith("refused Artery TLS session to " + HOST + ":" + PORT + ": ")
        && refusing.contains("trust root"), refusing);

    InMemoryTls.Outcome out = connect(server, client); // and when we dial them
    assertFalse(out.client().established());
    assertEquals("", out.server().received());
    assertEquals(2, server.warnings.size(), server.warnings::toString);
    assertTrue(server.warnings.get(1).startsWith("refused Artery TLS session to " + HOST + ":" + PORT + ": "),
        server.warnings::toString);
  }

  @Test
  void aClientSendsNothingToAServerItRefuses() throws Exception {
    client.start(net);
    client.revoked.add(server.id());
    InMemoryTls.Outcome o = connect(client, server);
    assertEquals("", o.server().received(), "no application data reaches a refused server");
    assertTrue(o.client().engine.isOutboundDone(), "the client sent close_notify and is done");
    assertTrue(o.server().engine.isInboundDone(), "the server got close_notify");
    assertEquals(List.of("refused Artery TLS session to " + HOST + ":" + PORT + ": node " + server.id().toHex()
        + " is revoked"), client.warnings);
    assertEquals(java.util.Map.of(), client.proved);
  }

  @Test
  void aPeerWithoutACertificateIsRefused() throws Exception {
    InMemoryTls.Outcome o = connectRaw(null, null);
    assertFalse(o.server().established());
    assertEquals("", o.server().received());
    assertEquals("refused inbound Artery TLS session on " + HOST + ":" + PORT + ": peer sent no certificate",
        only(server.warnings));
  }

  @Test
  void anExpiredCertificateIsRefused() throws Exception {
    TestNetwork.write(net.issue(client.identity, clock.instant(), Duration.ofDays(1)), client.certFile);
    client.start(net);
    assertTrue(connect(client, server).server().established());
    clock.advance(Duration.ofDays(2));
    InMemoryTls.Outcome o = connect(client, server);
    assertFalse(o.server().established());
    assertEquals("", o.server().received());
    String line = only(server.warnings);
    assertTrue(line.contains("from node " + client.id().toHex()) && line.contains("certificate expired at "), line);
    assertTrue(client.warnings.stream().anyMatch(l -> l.contains("this node's relay certificate") && l.contains("expired")),
        client.warnings::toString);
    assertTrue(client.warnings.contains(
        "Artery TLS handshake to " + HOST + ":" + PORT + " failed: peer refused our certificate (certificate_unknown)"),
        client.warnings::toString);
  }

  @Test
  void aRevokedRelayIsRefusedAtOnce() throws Exception {
    client.start(net);
    assertTrue(connect(client, server).server().established());
    server.revoked.add(client.id());
    InMemoryTls.Outcome o = connect(client, server);
    assertFalse(o.server().established());
    assertEquals("", o.server().received());
    String line = only(server.warnings);
    assertTrue(line.endsWith(": node " + client.id().toHex() + " is revoked"), line);
    assertEquals(List.of("Artery TLS handshake to " + HOST + ":" + PORT
        + " failed: peer refused our certificate (certificate_unknown)"), client.warnings);
  }

  @Test
  void aCertificateWhoseNameIsNotItsKeysNodeIdIsRefused() throws Exception {
    NodeId someoneElse = NodeId.ofIdentityKey(Ed25519.generate(RANDOM).publicKey());
    X509Certificate lying = ForgedCertificates.withCommonName(net.root, client.identity.publicKey(),
        someoneElse.toHex(), clock.instant());
    InMemoryTls.Outcome o = connectRaw(RelayCertificates.tlsPrivateKey(client.identity),
        new X509Certificate[] {lying, net.definition.trustRoot()});
    assertFalse(o.server().established());
    String line = only(server.warnings);
    assertTrue(line.contains("is not the node id of its key"), line);
  }

  @Test
  void anotherRelaysCertificateWithoutItsKeyIsRefused() throws Exception {
    Ed25519.KeyPair thief = Ed25519.generate(RANDOM);
    X509Certificate stolen = net.issue(client.identity, clock.instant(), Duration.ofDays(1));
    InMemoryTls.Outcome o = connectRaw(RelayCertificates.tlsPrivateKey(thief), new X509Certificate[] {stolen});
    assertFalse(o.server().established());
    assertEquals("", o.server().received());
    String line = only(server.warnings);
    assertTrue(line.startsWith("Artery TLS handshake from a peer on " + HOST + ":" + PORT + " failed: "), line);
  }

  @Test
  void bytesThatAreNotTlsAreRefusedInOneLine() throws Exception {
    SSLEngine engine = server.tls.createServerEngine(HOST, PORT);
    java.nio.ByteBuffer artery = java.nio.ByteBuffer.wrap("PEKKO\u0001\u0000\u0000\u0000\u0010".getBytes(
        java.nio.charset.StandardCharsets.US_ASCII));
    try {
      engine.unwrap(artery, java.nio.ByteBuffer.allocate(1 << 16));
    } catch (javax.net.ssl.SSLException expected) {
      // reported before rethrown
    }
    assertEquals("refused inbound Artery connection on " + HOST + ":" + PORT
        + ": not TLS (a node without Artery TLS, e.g. transport = tcp, or no Shroud node at all)", only(server.warnings));
  }

  @Test
  void aRotatedCertificateIsPickedUpAndABrokenOneIsNot() throws Exception {
    client.start(net);
    X509Certificate first = peerCertificateSeenByServer();
    X509Certificate renewed = net.issue(client.identity, clock.instant(), Duration.ofDays(180));
    TestNetwork.write(renewed, client.certFile);
    assertEquals(first, peerCertificateSeenByServer(), "not looked at again within " + ArteryTls.RELOAD_CHECK);
    clock.advance(ArteryTls.RELOAD_CHECK);
    assertEquals(renewed, peerCertificateSeenByServer());
    assertTrue(only(client.infos).contains("loaded the relay certificate"), client.infos::toString);

    Files.writeString(client.certFile, "-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----\n");
    clock.advance(ArteryTls.RELOAD_CHECK);
    assertEquals(renewed, peerCertificateSeenByServer(), "a broken file keeps the previous one");
    assertTrue(only(client.warnings).contains("cannot be used, keeping the previous one"), client.warnings::toString);
  }

  private X509Certificate peerCertificateSeenByServer() throws Exception {
    InMemoryTls.Outcome o = connect(client, server);
    assertTrue(o.server().established());
    return (X509Certificate) o.server().engine.getSession().getPeerCertificates()[0];
  }

  @Test
  void theSameRefusalIsLoggedOncePerInterval() throws Exception {
    for (int i = 0; i < 5; i++) {
      connectRaw(null, null);
    }
    assertEquals(1, server.warnings.size(), server.warnings::toString);
    clock.advance(ArteryTls.REFUSAL_LOG_INTERVAL);
    connectRaw(null, null);
    assertEquals(2, server.warnings.size(), server.warnings::toString);
    assertTrue(server.warnings.get(1).endsWith("peer sent no certificate (4 more like this not logged)"),
        server.warnings::toString);
  }

  private static String only(List<String> lines) {
    assertEquals(1, lines.size(), () -> "expected one line, got " + lines);
    return lines.get(0);
  }
}
