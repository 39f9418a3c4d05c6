package io.shroud.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import io.shroud.node.admission.RelayCredentials;
import io.shroud.node.admission.TestNetwork;
import io.shroud.testutil.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A relay starts only with its network and a valid certificate of it for its own identity; else one line says what to run. */
class AdmissionSettingsTest {
  @TempDir
  Path tmp;
  MutableClock clock = new MutableClock();
  Ed25519.KeyPair identity = Ed25519.generate(new SecureRandom());
  TestNetwork net;
  Path dataDir;

  @BeforeEach
  void setUp() {
    net = TestNetwork.create(tmp.resolve("net"), "startnet", clock);
    dataDir = tmp.resolve("node");
  }

  private AdmissionSettings settings(Map<String, Object> extra) {
    Map<String, Object> o = new HashMap<>(extra);
    o.put("shroud.data-dir", dataDir.toString());
    Config c = NodeConfig.load(o, Optional.empty());
    return AdmissionSettings.from(c);
  }

  private SettingsException refused(Map<String, Object> extra) {
    return assertThrows(SettingsException.class, () -> settings(extra).admit(identity, dataDir, clock.instant()));
  }

  @Test
  void theCertificateDefaultsToTheDataDirectoryAndTheFlagsAreAbsolute() {
    AdmissionSettings s = settings(Map.of("shroud.network", "rel/network.conf"));
    assertEquals(dataDir.toAbsolutePath().resolve("relay.crt"), s.relayCertificate());
    assertEquals(Optional.of(Path.of("rel/network.conf").toAbsolutePath()), s.network());
  }

  @Test
  void anAdmittedRelayStarts() {
    net.admit(identity, clock.instant(), dataDir.resolve("relay.crt"));
    RelayCredentials creds = settings(Map.of("shroud.network", net.conf().toString()))
        .admit(identity, dataDir, clock.instant());
    assertEquals(NodeId.ofIdentityKey(identity.publicKey()), creds.nodeId());
    assertEquals("startnet", creds.network().name());
  }

  @Test
  void noNetworkSaysHowToMakeOne() {
    SettingsException e = refused(Map.of());
    assertTrue(e.getMessage().startsWith("shroud.network: not set") && e.getMessage().contains("shroud network init"),
        e.getMessage());
  }

  @Test
  void anUnreadableNetworkFileIsNamed() {
    SettingsException e = refused(Map.of("shroud.network", tmp.resolve("nowhere/network.conf").toString()));
    assertTrue(e.getMessage().startsWith("shroud.network: ") && e.getMessage().contains("nowhere"), e.getMessage());
  }

  @Test
  void noCertificateSaysWhatToRun() {
    SettingsException e = refused(Map.of("shroud.network", net.conf().toString()));
    assertEquals("shroud.relay-certificate: no relay certificate at " + dataDir.resolve("relay.crt")
        + ". The network's operator admits this node with `shroud network admit --dir " + net.dir
        + " --data-dir " + dataDir + "`", e.getMessage());
  }

  @Test
  void aCertificateForAnotherIdentityIsRefused() {
    net.admit(Ed25519.generate(new SecureRandom()), clock.instant(), dataDir.resolve("relay.crt"));
    SettingsException e = refused(Map.of("shroud.network", net.conf().toString()));
    assertTrue(e.getMessage().contains(", not for this node " + NodeId.ofIdentityKey(identity.publicKey()).toHex())
        && e.getMessage().contains("shroud network admit"), e.getMessage());
  }

  @Test
  void anExpiredCertificateIsRefused() {
    TestNetwork.write(net.issue(identity, clock.instant(), Duration.ofHours(1)), dataDir.resolve("relay.crt"));
    clock.advance(Duration.ofHours(2));
    SettingsException e = refused(Map.of("shroud.network", net.conf().toString()));
    assertTrue(e.getMessage().contains("certificate expired at") && e.getMessage().contains("shroud network admit"),
        e.getMessage());
  }

  @Test
  void aCertificateOfAnotherNetworkIsRefused() throws Exception {
    TestNetwork other = TestNetwork.create(tmp.resolve("other"), "othernet", clock);
    Path cert = tmp.resolve("elsewhere.crt");
    other.admit(identity, clock.instant(), cert);
    SettingsException e = refused(Map.of("shroud.network", net.conf().toString(),
        "shroud.relay-certificate", cert.toString()));
    assertTrue(e.getMessage().startsWith("shroud.relay-certificate: relay certificate " + cert
        + " is not valid for network \"startnet\": ") && e.getMessage().contains("(and puts the relay.crt it writes at "
        + cert + ")"), e.getMessage());
    Files.delete(cert);
  }
}
