package io.shroud.node.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.admission.NetworkDefinition;
import io.shroud.admission.NetworkFiles;
import io.shroud.admission.RevocationList;
import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import io.shroud.node.NodeConfig;
import io.shroud.testutil.LoopbackCluster;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three relays in one JVM form a real cluster on loopback Artery; A and C run a
 * {@link RevocationsActor}, B (the one revoked) none, as a relay that will not leave by itself. A
 * list revoking B, dropped beside A's network.conf, reaches C only through Distributed Data; C
 * downs B (whose address proved B's id, as C's TLS session would have recorded); and an older
 * list offered later does not take the revocation back.
 */
class RevocationsActorTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;
  private ActorTestKit a;
  private ActorTestKit b;
  private ActorTestKit c;

  @AfterEach
  void stop() {
    if (c != null) {
      c.shutdownTestKit();
    }
    if (b != null) {
      b.shutdownTestKit();
    }
    if (a != null) {
      a.shutdownTestKit();
    }
  }

  @Test
  void aListBesideNetworkConfReachesEveryRelayAndTheRevokedOneIsDownedWithinAnInterval() throws Exception {
    Instant now = Instant.now();
    Path netDir = dir.resolve("net");
    NetworkDefinition defaults = NetworkFiles.init(netDir, "testnet", 3, new MutableClock(now), SeededRandom.of(7));
    NetworkDefinition network = new NetworkDefinition(defaults.name(), defaults.id(), defaults.trustRoot(),
        defaults.authorities(), defaults.revocationThreshold(), Duration.ofSeconds(1));
    List<Ed25519.KeyPair> authorities = NetworkFiles.loadAuthorityKeys(netDir);
    NodeId idA = NodeId.ofIdentityKey(Ed25519.generate(SeededRandom.of(1)).publicKey());
    NodeId idB = NodeId.ofIdentityKey(Ed25519.generate(SeededRandom.of(2)).publicKey());
    NodeId idC = NodeId.ofIdentityKey(Ed25519.generate(SeededRandom.of(3)).publicKey());

    int portB = LoopbackCluster.freePort();
    a = ActorTestKit.create(NodeConfig.SYSTEM_NAME, LoopbackCluster.memberConfig(LoopbackCluster.freePort()));
    b = ActorTestKit.create(NodeConfig.SYSTEM_NAME, LoopbackCluster.memberConfig(portB));
    c = ActorTestKit.create(NodeConfig.SYSTEM_NAME, LoopbackCluster.memberConfig(LoopbackCluster.freePort()));
    for (ActorTestKit k : List.of(a, b, c)) {
      Cluster.get(k.system()).manager().tell(Join.create(Cluster.get(a.system()).selfMember().address()));
    }
    a.createTestProbe().awaitAssert(WAIT, () -> {
      assertEquals(3, Cluster.get(a.system()).state().members().count(m -> m.status() == MemberStatus.up()));
      return null;
    });
    // what C's outbound TLS session to B proved; A never connected out to B
    AdmittedPeers.get(c.system()).proved("127.0.0.1:" + portB, idB);

    // B runs no revocations actor: a revoked relay that does not leave by itself
    ActorRef<RevocationsActor.Command> onA = a.spawn(RevocationsActor.create(
        new RevocationsActor.Setup(network, netDir, Files.createDirectories(dir.resolve("a")), idA)));
    c.spawn(RevocationsActor.create(new RevocationsActor.Setup(network, dir.resolve("c-net-elsewhere"),
        Files.createDirectories(dir.resolve("c")), idC)));

    RevocationList list = RevocationList.unsigned(network.id(), 4, now, Set.of(idB))
        .sign(authorities.get(0)).sign(authorities.get(2));
    Files.writeString(netDir.resolve(RevocationsActor.FILE), list.armor());

    // C learns it only from A, through Distributed Data, saves it, and downs B
    c.createTestProbe().awaitAssert(WAIT, () -> {
      assertEquals(Set.of(idB), Revocations.get(c.system()).revoked());
      return null;
    });
    a.createTestProbe().awaitAssert(WAIT, () -> {
      assertTrue(Cluster.get(a.system()).state().members().forall(m -> !m.address().port().contains(portB)),
          Cluster.get(a.system()).state().members().toString());
      return null;
    });
    assertEquals(list.armor(), Files.readString(dir.resolve("a").resolve(RevocationsActor.FILE)));
    assertEquals(list.armor(), Files.readString(dir.resolve("c").resolve(RevocationsActor.FILE)));

    // an older list offered later is refused, and A keeps the revocation
    RevocationList older = RevocationList.unsigned(network.id(), 3, now, Set.of())
        .sign(authorities.get(0)).sign(authorities.get(1));
    TestProbe<RevocationLedger.Outcome> outcome = a.createTestProbe();
    onA.tell(new RevocationsActor.Submit(older.armor(), outcome.ref()));
    assertTrue(outcome.receiveMessage() instanceof RevocationLedger.Stale);
    assertEquals(Set.of(idB), Revocations.get(a.system()).revoked());
  }

  @Test
  void aRestartedRelayStartsFromItsSavedCopy() throws Exception {
    Instant now = Instant.now();
    Path netDir = dir.resolve("net");
    NetworkDefinition network = NetworkFiles.init(netDir, "testnet", 3, new MutableClock(now), SeededRandom.of(8));
    List<Ed25519.KeyPair> authorities = NetworkFiles.loadAuthorityKeys(netDir);
    NodeId revoked = NodeId.ofIdentityKey(new byte[] {9});
    Path data = Files.createDirectories(dir.resolve("a"));
    Files.writeString(data.resolve(RevocationsActor.FILE), RevocationList.unsigned(network.id(), 1, now,
        Set.of(revoked)).sign(authorities.get(1)).sign(authorities.get(2)).armor());

    a = ActorTestKit.create(NodeConfig.SYSTEM_NAME, LoopbackCluster.memberConfig(LoopbackCluster.freePort()));
    ActorRef<RevocationsActor.Command> actor = a.spawn(RevocationsActor.create(new RevocationsActor.Setup(
        network, netDir, data, NodeId.ofIdentityKey(new byte[] {1}))));
    TestProbe<Optional<RevocationList>> current = a.createTestProbe();
    actor.tell(new RevocationsActor.GetCurrent(current.ref()));
    assertEquals(1, current.receiveMessage().orElseThrow().serial());
    assertEquals(Set.of(revoked), Revocations.get(a.system()).revoked());
  }


}
