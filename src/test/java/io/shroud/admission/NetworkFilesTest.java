package io.shroud.admission;

import static io.shroud.admission.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkFilesTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private final MutableClock clock = new MutableClock(NOW);

  @TempDir
  Path dir;

  @Test
  void initWritesAPublicDefinitionAndOwnerOnlySecrets() throws Exception {
    NetworkDefinition def = NetworkFiles.init(dir, "testnet", 3, clock, SeededRandom.of(1));

    assertEquals(def, NetworkFiles.loadDefinition(dir));
    assertEquals(3, def.authorities().size());
    assertEquals(2, def.revocationThreshold());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("secret"))));
    for (String f : List.of("trust-root.key", "authority-1.key", "authority-2.key", "authority-3.key")) {
      Path p = dir.resolve("secret").resolve(f);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), f);
      assertTrue(Files.readString(p).startsWith("-----BEGIN PRIVATE KEY-----"), f);
    }
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("network.conf"))));
    assertFalse(Files.readString(dir.resolve("network.conf")).contains("PRIVATE"));

    List<Ed25519.KeyPair> keys = NetworkFiles.loadAuthorityKeys(dir);
    assertEquals(3, keys.size());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(def.authorities().get(i).publicKey(), keys.get(i).publicKey());
    }

    TrustRootKey root = NetworkFiles.loadTrustRootKey(dir, def);
    Ed25519.KeyPair relay = Ed25519.generate(SeededRandom.of(2));
    X509Certificate cert = RelayCertificates.issue(root, relay.publicKey(), NetworkFiles.notBefore(NOW),
        NOW.plus(Duration.ofDays(90)), SeededRandom.of(3));
    assertEquals(NodeId.ofIdentityKey(relay.publicKey()), RelayCertificates.verify(cert, def.trustRoot(), NOW));
  }

  @Test
  void refusesToOverwriteANetwork() throws Exception {
    NetworkFiles.init(dir, "testnet", 1, clock, SeededRandom.of(1));
    String before = Files.readString(dir.resolve("network.conf"));
    String keyBefore = Files.readString(dir.resolve("secret/trust-root.key"));
    refused(() -> NetworkFiles.init(dir, "testnet", 1, clock, SeededRandom.of(9)), "already holds a network");
    assertEquals(before, Files.readString(dir.resolve("network.conf")));
    assertEquals(keyBefore, Files.readString(dir.resolve("secret/trust-root.key")));

    Path half = dir.resolve("half");
    Files.createDirectories(half.resolve("secret"));
    refused(() -> NetworkFiles.init(half, "testnet", 1, clock, SeededRandom.of(9)), "already holds a network");
  }

  @Test
  void refusesBadNamesAndCounts() {
    refused(() -> NetworkFiles.init(dir, "testnet", 0, clock, SeededRandom.of(1)), "authorities must be 1..64");
    refused(() -> NetworkFiles.init(dir, "testnet", 65, clock, SeededRandom.of(1)), "authorities must be 1..64");
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> NetworkFiles.init(dir, "a\"b", 1, clock, SeededRandom.of(1)));
    assertFalse(Files.exists(dir.resolve("secret")));
  }

  @Test
  void refusesKeyFilesOthersCanRead() throws Exception {
    NetworkDefinition def = NetworkFiles.init(dir, "testnet", 2, clock, SeededRandom.of(1));
    Path key = dir.resolve("secret/trust-root.key");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
    refused(() -> NetworkFiles.loadTrustRootKey(dir, def), "readable or writable by others");
    Files.setPosixFilePermissions(dir.resolve("secret/authority-2.key"), PosixFilePermissions.fromString("rw----r--"));
    refused(() -> NetworkFiles.loadAuthorityKeys(dir), "authority-2.key is readable or writable by others");
  }

  @Test
  void refusesTheTrustRootKeyOfAnotherNetwork() throws Exception {
    NetworkFiles.init(dir.resolve("a"), "testnet", 1, clock, SeededRandom.of(1));
    NetworkDefinition b = NetworkFiles.init(dir.resolve("b"), "testnet", 1, clock, SeededRandom.of(2));
    refused(() -> NetworkFiles.loadTrustRootKey(dir.resolve("a"), b), "is not the key of this network's trust root");
    Files.writeString(dir.resolve("b/secret/trust-root.key"), "garbage");
    refused(() -> NetworkFiles.loadTrustRootKey(dir.resolve("b"), b), "trust-root.key: no PEM private key found");
  }
}
