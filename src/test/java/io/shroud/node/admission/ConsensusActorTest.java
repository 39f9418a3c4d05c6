package io.shroud.node.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.admission.Consensus;
import io.shroud.admission.ConsensusAssembly;
import io.shroud.admission.ConsensusSettings;
import io.shroud.admission.NetworkDefinition;
import io.shroud.admission.NetworkFiles;
import io.shroud.admission.RelayMeasurement;
import io.shroud.circuit.CircuitsActor;
import io.shroud.crypto.Ed25519;
import io.shroud.node.NodeConfig;
import io.shroud.testutil.LoopbackCluster;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three relays in one JVM form a real cluster on loopback Artery, each with a
 * {@link ConsensusActor}: A and B are authorities (2 of the network's 3), C is not. A and B vote
 * with the same (fixed) measurements, sign the body built from their two votes once the voting
 * window is over, and C, which signs nothing, assembles the consensus from what Distributed Data
 * brings, hands it to its subscriber, saves it, and a consensus actor started later on C's data
 * directory has it at once.
 */
class ConsensusActorTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ConsensusSettings SETTINGS = new ConsensusSettings(100, Duration.ZERO, Duration.ZERO, 2,
      Duration.ofSeconds(10), Duration.ofMinutes(1));

  @TempDir
  Path dir;
  private final List<ActorTestKit> kits = new ArrayList<>();

  @AfterEach
  void stop() {
    kits.forEach(ActorTestKit::shutdownTestKit);
  }

  static Behavior<MeasurementActor.Command> fixed(List<RelayMeasurement> measurements) {
    return Behaviors.receive(MeasurementActor.Command.class)
        .onMessage(MeasurementActor.GetMeasurements.class, get -> {
          get.replyTo().tell(new MeasurementActor.Measurements(measurements, 0));
          return Behaviors.same();
        })
        .build();
  }

  @Test
  void twoOfThreeAuthoritiesVoteAndSignAndANonAuthorityAssemblesSavesAndRestartsWithIt() throws Exception {
    // 5 s into a 10 s period: past the voting window, so two votes of three are enough
    Instant period = ConsensusAssembly.period(Instant.now(), SETTINGS.freshFor());
    MutableClock clock = new MutableClock(period.plusSeconds(5));
    Path netDir = dir.resolve("net");
    NetworkDefinition network = NetworkFiles.init(netDir, "testnet", 3, clock, SeededRandom.of(7));
    List<Ed25519.KeyPair> authorities = NetworkFiles.loadAuthorityKeys(netDir);
    List<RelayMeasurement> measured = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      measured.add(new RelayMeasurement(Ed25519.generate(SeededRandom.of(i)).publicKey(),
          (Inet4Address) InetAddress.getByName("10.0." + i + ".1"), 7400, true, 500 * i, Duration.ofHours(1), 10_000));
    }
    for (int i = 0; i < 3; i++) {
      ActorTestKit kit = ActorTestKit.create(NodeConfig.SYSTEM_NAME,
          LoopbackCluster.memberConfig(LoopbackCluster.freePort()));
      kits.add(kit);
    }
    for (ActorTestKit k : kits) {
      Cluster.get(k.system()).manager().tell(Join.create(Cluster.get(kits.get(0).system()).selfMember().address()));
    }
    kits.get(0).createTestProbe().awaitAssert(WAIT, () -> {
      assertEquals(3, Cluster.get(kits.get(0).system()).state().members()
          .count(m -> m.status() == MemberStatus.up()));
      return null;
    });
    for (int i = 0; i < 2; i++) {
      ActorTestKit k = kits.get(i);
      ActorRef<MeasurementActor.Command> measurer = k.spawn(fixed(measured));
      k.spawn(ConsensusActor.create(new ConsensusActor.Setup(network, Files.createDirectories(dir.resolve("n" + i)),
          Optional.of(authorities.get(i)), SETTINGS, Duration.ofSeconds(10)), Optional.of(measurer), clock));
    }
    ActorTestKit c = kits.get(2);
    Path dataC = Files.createDirectories(dir.resolve("c"));
    ConsensusActor.Setup setupC = new ConsensusActor.Setup(network, dataC, Optional.empty(), SETTINGS,
        Duration.ofSeconds(10));
    ActorRef<ConsensusActor.Command> onC = c.spawn(ConsensusActor.create(setupC, Optional.empty(), clock));
    TestProbe<CircuitsActor.UseConsensus> circuits = c.createTestProbe();
    onC.tell(new ConsensusActor.Subscribe(circuits.ref()));

    Consensus got = circuits.receiveMessage(WAIT).consensus();
    assertEquals(period, got.validAfter());
    assertEquals(3, got.relays().size());
    assertEquals(2, got.verify(network, clock), "signed by A and B");
    assertTrue(got.relays().stream().allMatch(r -> r.weight() >= 500 && r.weight() <= 1500));

    assertEquals(got, Consensus.dearmor(Files.readString(dataC.resolve(ConsensusActor.FILE))));
    ActorRef<ConsensusActor.Command> restarted = c.spawn(ConsensusActor.create(setupC, Optional.empty(), clock));
    TestProbe<Optional<Consensus>> current = c.createTestProbe();
    restarted.tell(new ConsensusActor.GetCurrent(current.ref()));
    assertEquals(Optional.of(got), current.receiveMessage());
  }
}
