package io.shroud.admission;

import static io.shroud.admission.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.testutil.SeededRandom;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkDefinitionTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private final SecureRandom rnd = SeededRandom.of(7);
  private final TrustRootKey root = TrustRootKey.generate("devnet", NOW, TrustRootKey.DEFAULT_VALIDITY, rnd);
  private final List<NetworkDefinition.Authority> authorities = authorities(3);
  private final NetworkDefinition def = NetworkDefinition.of("devnet", root.certificate(), authorities, 2,
      Duration.ofMinutes(1));

  private List<NetworkDefinition.Authority> authorities(int n) {
    List<NetworkDefinition.Authority> list = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      list.add(new NetworkDefinition.Authority("authority-" + i, Ed25519.generate(rnd).publicKey()));
    }
    return list;
  }

  private NetworkDefinition parse(String text) throws AdmissionException {
    return NetworkDefinition.parse(text, "network.conf");
  }

  @Test
  void renderedDefinitionParsesBackEqual() throws Exception {
    String text = def.render();
    NetworkDefinition back = parse(text);
    assertEquals(def, back);
    assertEquals(root.certificate(), back.trustRoot());
    assertArrayEquals(NetworkDefinition.idOf(root.certificate()), back.id());
    assertEquals(2, back.revocationThreshold());
    assertEquals(Duration.ofMinutes(1), back.revocationCheckInterval());
    assertTrue(text.contains("id = \"" + def.idHex() + "\""), text);
    assertTrue(text.contains("-----BEGIN CERTIFICATE-----"), text);
    assertTrue(def.authority(authorities.get(1).publicKey()).isPresent());
    assertTrue(def.authority(new byte[32]).isEmpty());
  }

  @Test
  void thresholdDefaultsToAMajorityAndIntervalToAMinute() throws Exception {
    String text = def.render().replaceAll("(?m)^\\s*(threshold|check-interval) = .*$", "");
    NetworkDefinition back = parse(text);
    assertEquals(2, back.revocationThreshold());
    assertEquals(NetworkDefinition.DEFAULT_CHECK_INTERVAL, back.revocationCheckInterval());
    assertEquals(1, NetworkDefinition.majority(1));
    assertEquals(2, NetworkDefinition.majority(2));
    assertEquals(3, NetworkDefinition.majority(4));
    assertEquals(3, NetworkDefinition.majority(5));
  }

  @Test
  void renderKeepsSecondsAndMilliseconds() throws Exception {
    NetworkDefinition odd = NetworkDefinition.of("devnet", root.certificate(), authorities, 1, Duration.ofMillis(1500));
    assertEquals(Duration.ofMillis(1500), parse(odd.render()).revocationCheckInterval());
    NetworkDefinition secs = NetworkDefinition.of("devnet", root.certificate(), authorities, 3, Duration.ofSeconds(90));
    assertEquals(Duration.ofSeconds(90), parse(secs.render()).revocationCheckInterval());
  }

  @Test
  void errorsNameTheField() {
    String good = def.render();
    refused(() -> parse(good.replace("name = \"devnet\"", "")), "name");
    refused(() -> parse(good.replace("name = \"devnet\"", "name = \"dev net\"")), "shroud-network.name must be");
    refused(() -> parse(good.replace(def.idHex(), "zz" + def.idHex().substring(2))), "shroud-network.id is not hex");
    refused(() -> parse(good.replace(def.idHex(), def.idHex().substring(2))), "shroud-network.id must be 32 bytes");
    String otherId = "00" + def.idHex().substring(2);
    refused(() -> parse(good.replace(def.idHex(), otherId)), "shroud-network.id does not match the trust root");
    refused(() -> parse(good.replace("BEGIN CERTIFICATE", "BEGIN NONSENSE")), "shroud-network.trust-root");
    refused(() -> parse(good.replace(authorities.get(1).keyHex(), "abcd")), "shroud-network.authorities[1].key");
    refused(() -> parse(good.replace(authorities.get(1).keyHex(), authorities.get(0).keyHex())),
        "the key of authority-2 appears twice");
    refused(() -> parse(good.replace("\"authority-3\"", "\"authority-1\"")), "name authority-1 appears twice");
    refused(() -> parse(good.replace("threshold = 2", "threshold = 0")), "shroud-network.revocations.threshold must be 1..3");
    refused(() -> parse(good.replace("threshold = 2", "threshold = 4")), "shroud-network.revocations.threshold must be 1..3");
    refused(() -> parse(good.replace("threshold = 2", "threshold = two")), "threshold");
    refused(() -> parse(good.replace("check-interval = 1m", "check-interval = 0s")), "check-interval must be between");
    refused(() -> parse(good.replaceAll("(?s)authorities = \\[.*?\\]", "authorities = []")),
        "shroud-network.authorities must list 1 to 64");
    refused(() -> parse("other { }"), "no shroud-network block");
    refused(() -> parse("shroud-network { name = "), "network.conf");
  }

  @Test
  void trustRootMustBeTheNetworksSelfSignedCa() {
    SecureRandom r = SeededRandom.of(8);
    TrustRootKey other = TrustRootKey.generate("othernet", NOW, TrustRootKey.DEFAULT_VALIDITY, r);
    NetworkDefinition foreign = NetworkDefinition.of("othernet", other.certificate(), authorities, 2, Duration.ofMinutes(1));
    refused(() -> parse(foreign.render().replace("\"othernet\"", "\"devnet\"")), "is not CN=Shroud trust root,O=devnet");

    var relayCert = RelayCertificates.issue(root, Ed25519.generate(r).publicKey(), NOW, NOW.plusSeconds(60), r);
    String withLeaf = def.render()
        .replace(def.idHex(), java.util.HexFormat.of().formatHex(NetworkDefinition.idOf(relayCert)))
        .replaceAll("(?s)-----BEGIN CERTIFICATE-----.*-----END CERTIFICATE-----\\n", Pem.certificate(relayCert));
    refused(() -> parse(withLeaf), "shroud-network.trust-root is not self-signed");
  }

  @Test
  void loadReportsTheFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("network.conf");
    refused(() -> NetworkDefinition.load(file), "cannot read network definition");
    java.nio.file.Files.writeString(file, def.render().replace("threshold = 2", "threshold = 9"));
    refused(() -> NetworkDefinition.load(file), file + ": shroud-network.revocations.threshold");
    java.nio.file.Files.writeString(file, def.render());
    assertEquals(def, NetworkDefinition.load(file));
  }
}
