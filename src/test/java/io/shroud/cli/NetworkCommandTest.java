package io.shroud.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.admission.NetworkDefinition;
import io.shroud.admission.NetworkFiles;
import io.shroud.admission.Pem;
import io.shroud.admission.RelayCertificates;
import io.shroud.admission.RevocationList;
import io.shroud.identity.NodeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** shroud network init|admit|revoke and shroud identity, run in this JVM on temporary directories. */
class NetworkCommandTest {
  private static final Pattern NODE_ID = Pattern.compile("node id\\s+([0-9a-f]{64})");
  private static final Pattern KEY = Pattern.compile("identity key\\s+([0-9a-f]{64})");

  @TempDir
  Path tmp;

  private Path network() {
    Path dir = tmp.resolve("net");
    FakeNode.Result r = FakeNode.shroud("network", "init", "--dir", dir.toString(), "--name", "testnet");
    assertEquals(0, r.code(), r.err());
    return dir;
  }

  private static String group(Pattern p, String text) {
    Matcher m = p.matcher(text);
    assertTrue(m.find(), text);
    return m.group(1);
  }

  @Test
  void initCreatesTheNetworkOnceAndSaysWhatToDoNext() throws Exception {
    Path dir = tmp.resolve("net");
    FakeNode.Result r = FakeNode.shroud("network", "init", "--dir", dir.toString(), "--name", "testnet");
    assertEquals(0, r.code(), r.err());
    NetworkDefinition def = NetworkFiles.loadDefinition(dir);
    assertTrue(r.out().contains("network id   " + def.idHex()), r.out());
    assertTrue(r.out().contains("shroud network admit --dir " + dir), r.out());
    assertEquals(3, def.authorities().size());
    assertEquals(2, def.revocationThreshold());

    FakeNode.Result again = FakeNode.shroud("network", "init", "--dir", dir.toString());
    assertEquals(2, again.code());
    assertTrue(again.err().startsWith("shroud: " + dir + " already holds a network"), again.err());
    assertEquals(def, NetworkFiles.loadDefinition(dir));
  }

  @Test
  void identityPrintsTheSameIdEveryTimeAndNoPrivateKey() throws Exception {
    Path node = tmp.resolve("node");
    FakeNode.Result first = FakeNode.shroud("identity", "--data-dir", node.toString());
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().contains("new identity key created"), first.out());
    String key = group(KEY, first.out());
    assertEquals(NodeId.ofIdentityKey(HexFormat.of().parseHex(key)).toHex(), group(NODE_ID, first.out()));

    FakeNode.Result second = FakeNode.shroud("identity", "--data-dir", node.toString());
    assertEquals(first.out().lines().limit(2).toList(), second.out().lines().toList());
    String secret = HexFormat.of().formatHex(Files.readAllBytes(node.resolve("keys/identity.key")));
    assertFalse(first.out().contains(secret) || second.out().contains(secret));
  }

  @Test
  void admitWritesAVerifiableCertificateForTheNodesIdentity() throws Exception {
    Path dir = network();
    Path node = tmp.resolve("node");
    String id = group(NODE_ID, FakeNode.shroud("identity", "--data-dir", node.toString()).out());

    FakeNode.Result r = FakeNode.shroud("network", "admit", "--dir", dir.toString(), "--data-dir", node.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(id, group(NODE_ID, r.out()));
    X509Certificate cert = Pem.readCertificate(Files.readString(node.resolve("relay.crt")));
    NetworkDefinition def = NetworkFiles.loadDefinition(dir);
    assertEquals(id, RelayCertificates.verify(cert, def.trustRoot(), Instant.now()).toHex());
    assertTrue(r.out().contains("serial       " + cert.getSerialNumber().toString(16)), r.out());
    Duration left = Duration.between(Instant.now(), cert.getNotAfter().toInstant());
    assertTrue(left.compareTo(Duration.ofDays(89)) > 0 && left.compareTo(Duration.ofDays(90)) <= 0, left.toString());
  }

  @Test
  void admitByKeyWithValidityAndOut() throws Exception {
    Path dir = network();
    Path node = tmp.resolve("node");
    String key = group(KEY, FakeNode.shroud("identity", "--data-dir", node.toString()).out());
    Path out = tmp.resolve("x/relay-a.crt");
    FakeNode.Result r = FakeNode.shroud("network", "admit", "--dir", dir.toString(), "--identity-key", key,
        "--validity", "12h", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    X509Certificate cert = Pem.readCertificate(Files.readString(out));
    assertEquals(NodeId.ofIdentityKey(HexFormat.of().parseHex(key)), RelayCertificates.nodeIdOf(cert));
    assertTrue(Duration.between(Instant.now(), cert.getNotAfter().toInstant()).compareTo(Duration.ofHours(12)) <= 0);

    FakeNode.Result byDefault = FakeNode.shroud("network", "admit", "--dir", dir.toString(), "--identity-key", key);
    assertEquals(0, byDefault.code(), byDefault.err());
    assertTrue(Files.exists(dir.resolve("relays").resolve(NodeId.ofIdentityKey(HexFormat.of().parseHex(key)).toHex() + ".crt")));
  }

  @Test
  void admitRefusesBadInputInOneLine() {
    Path dir = network();
    String key = "ab".repeat(32);
    assertRefused(FakeNode.shroud("network", "admit", "--dir", dir.toString(), "--identity-key", "abc"),
        "shroud: --identity-key must be 64 hex characters, got 3");
    assertRefused(FakeNode.shroud("network", "admit", "--dir", dir.toString(), "--identity-key", "zz".repeat(32)),
        "shroud: --identity-key is not hex");
    assertRefused(FakeNode.shroud("network", "admit", "--dir", dir.toString(), "--identity-key", key, "--validity", "soon"),
        "shroud: --validity soon is not a duration");
    assertRefused(FakeNode.shroud("network", "admit", "--dir", dir.toString(), "--identity-key", key, "--validity", "20000d"),
        "shroud: --validity must be more than 0 and at most 10 years");
    assertRefused(FakeNode.shroud("network", "admit", "--dir", tmp.resolve("none").toString(), "--identity-key", key),
        "shroud: cannot read network definition");
    FakeNode.Result both = FakeNode.shroud("network", "admit", "--dir", dir.toString(), "--identity-key", key,
        "--data-dir", tmp.toString());
    assertEquals(2, both.code());
    assertTrue(both.err().contains("mutually exclusive"), both.err());
  }

  @Test
  void revokeWritesTheNextSignedListEachTime() throws Exception {
    Path dir = network();
    NetworkDefinition def = NetworkFiles.loadDefinition(dir);
    NodeId a = NodeId.of(new byte[32]);
    NodeId b = NodeId.fromHex("ff".repeat(32));
    FakeNode.Result r = FakeNode.shroud("network", "revoke", "--dir", dir.toString(), a.toHex(), b.toHex());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("signatures   3 of 3 authorities (2 needed): nodes accept it"), r.out());
    RevocationList first = RevocationList.dearmor(Files.readString(dir.resolve("revocations.pem")));
    assertEquals(3, first.verify(def));
    assertEquals(1, first.serial());
    assertEquals(Set.of(a, b), first.revoked());

    NodeId c = NodeId.fromHex("0c".repeat(32));
    assertEquals(0, FakeNode.shroud("network", "revoke", "--dir", dir.toString(), c.toHex()).code());
    RevocationList second = RevocationList.dearmor(Files.readString(dir.resolve("revocations.pem")));
    assertEquals(2, second.serial());
    assertEquals(Set.of(a, b, c), second.revoked());
    assertEquals(3, second.verify(def));

    assertRefused(FakeNode.shroud("network", "revoke", "--dir", dir.toString(), "nothex"), "shroud: not a node id: nothex");
  }

  @Test
  void authoritiesHoldingTheirOwnKeysCoSign() throws Exception {
    Path dir = network();
    NetworkDefinition def = NetworkFiles.loadDefinition(dir);
    Path away = Files.createDirectory(tmp.resolve("authorities"));
    for (int i = 1; i <= 3; i++) {
      Files.move(dir.resolve("secret/authority-" + i + ".key"), away.resolve("authority-" + i + ".key"));
    }
    String id = "12".repeat(32);
    assertRefused(FakeNode.shroud("network", "revoke", "--dir", dir.toString(), id), "no authority keys in");

    FakeNode.Result one = FakeNode.shroud("network", "revoke", "--dir", dir.toString(),
        "--authority-key", away.resolve("authority-2.key").toString(), id);
    assertEquals(0, one.code(), one.err());
    assertTrue(one.out().contains("NOT ENOUGH: revocation list serial 1 is signed by 1 of 3"), one.out());

    FakeNode.Result two = FakeNode.shroud("network", "revoke", "--dir", dir.toString(),
        "--authority-key", away.resolve("authority-3.key").toString());
    assertEquals(0, two.code(), two.err());
    RevocationList list = RevocationList.dearmor(Files.readString(dir.resolve("revocations.pem")));
    assertEquals(1, list.serial());
    assertEquals(2, list.verify(def));

    Path other = tmp.resolve("other");
    assertEquals(0, FakeNode.shroud("network", "init", "--dir", other.toString(), "--authorities", "1").code());
    assertRefused(FakeNode.shroud("network", "revoke", "--dir", dir.toString(),
        "--authority-key", other.resolve("secret/authority-1.key").toString()), "is not an authority of testnet");
  }

  /** Exit code 2 and one line on stderr: "shroud: " and then {@code reason} (a prefix of it when it starts so). */
  private static void assertRefused(FakeNode.Result r, String reason) {
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(reason.startsWith("shroud: ") ? r.err().startsWith(reason)
        : r.err().startsWith("shroud: ") && r.err().contains(reason), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }
}
