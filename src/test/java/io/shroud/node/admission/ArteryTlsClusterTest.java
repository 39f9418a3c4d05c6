package io.shroud.node.admission;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import io.shroud.node.NodeConfig;
import io.shroud.node.NodeKeyStore;
import io.shroud.node.NodeMain;
import io.shroud.testutil.MutableClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.PoisonPill;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.DistributedData;
import org.apache.pekko.cluster.ddata.GCounter;
import org.apache.pekko.cluster.ddata.GCounterKey;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.Replicator;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Leave;
import org.apache.pekko.pattern.Patterns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Real actor systems on loopback, configured as {@code shroud node} configures them (the bundled
 * application.conf through {@link NodeConfig}, the setup of {@link NodeMain#systemSetup}: Artery
 * over {@code tls-tcp} with {@link ArteryTlsProvider}, untrusted mode and its trusted selection
 * paths). Three relays of one
 * network form a cluster, keep each other reachable, replicate Distributed Data, refuse remote
 * selections and PossiblyHarmful messages, and down and remove members; a relay of
 * another network and a node without TLS seeded at the first never become members, and the first
 * names each refused connection in one line.
 */
class ArteryTlsClusterTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir
  Path tmp;
  private final List<ActorSystem<Void>> systems = new ArrayList<>();
  private final ListAppender<ILoggingEvent> tlsLog = new ListAppender<>();

  @AfterEach
  void stop() {
    systems.forEach(ActorSystem::terminate);
    systems.forEach(s -> s.getWhenTerminated().toCompletableFuture().join());
    ((Logger) LoggerFactory.getLogger(ArteryTls.class)).detachAppender(tlsLog);
  }

  @Test
  void relaysOfTheNetworkFormAClusterAndStrangersStayOut() throws Exception {
    tlsLog.start();
    ((Logger) LoggerFactory.getLogger(ArteryTls.class)).addAppender(tlsLog);
    Clock clock = new MutableClock(java.time.Instant.now());
    TestNetwork net = TestNetwork.create(tmp.resolve("net"), "clustertest", clock);
    int seedPort = freePort();
    ActorSystem<Void> a = relay("a", net, seedPort, seedPort);
    ActorSystem<Void> b = relay("b", net, freePort(), seedPort);
    ActorSystem<Void> c = relay("c", net, freePort(), seedPort);
    awaitUp(List.of(a, b, c), 3);
    assertEquals(Optional.of(NodeId.ofIdentityKey(identity(tmp.resolve("a")).publicKey())),
        AdmittedPeers.get(b).at("127.0.0.1:" + seedPort), "b's session to a proved a's node id");

    // heartbeats flow under untrusted mode (to /system/cluster/heartbeatReceiver): with the test's
    // failure detector a member without heartbeat responses is unreachable within about 3 s
    await("no member unreachable for 5 s").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).until(() ->
        List.of(a, b, c).stream().allMatch(s -> Cluster.get(s).state().getUnreachable().isEmpty()));

    // Distributed Data replicates under untrusted mode (gossip to /system/ddataReplicator)
    Key<GCounter> key = GCounterKey.create("tls-test");
    Object updated = ask(a, new Replicator.Update<>(key, GCounter.create(), Replicator.writeLocal(),
        g -> g.increment(SelfUniqueAddress.apply(org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(a))
            .selfUniqueAddress()), 7)));
    assertTrue(updated instanceof Replicator.UpdateSuccess, updated::toString);
    await("counter replicated to c").atMost(TIMEOUT).until(() ->
        ask(c, new Replicator.Get<>(key, Replicator.readLocal())) instanceof Replicator.GetSuccess<?> g
            && ((GCounter) g.dataValue()).getValue().intValue() == 7);

    // untrusted mode: from another member, a selection to any other actor and a PoisonPill are dropped,
    // a plain message sent to its ref arrives (after both: Artery keeps their order)
    BlockingQueue<Object> got = new LinkedBlockingQueue<>();
    org.apache.pekko.actor.ActorRef target = ((org.apache.pekko.actor.ExtendedActorSystem) Adapter.toClassic(a))
        .systemActorOf(Props.create(Recorder.class, got), "target");
    String path = "pekko://shroud@127.0.0.1:" + seedPort + "/system/target";
    Adapter.toClassic(b).actorSelection(path).tell("by selection", org.apache.pekko.actor.ActorRef.noSender());
    org.apache.pekko.actor.ActorRef remote = Adapter.toClassic(b).actorSelection(path)
        .resolveOne(Duration.ofSeconds(5)).toCompletableFuture().exceptionally(e -> null).get();
    assertEquals(null, remote, "resolving by selection (Identify) is refused too");
    remote = ((org.apache.pekko.actor.ExtendedActorSystem) Adapter.toClassic(b)).provider()
        .resolveActorRef(path);
    remote.tell(PoisonPill.getInstance(), org.apache.pekko.actor.ActorRef.noSender());
    remote.tell("by ref", org.apache.pekko.actor.ActorRef.noSender());
    assertEquals("by ref", got.poll(10, TimeUnit.SECONDS));
    assertEquals(List.of(), List.copyOf(got));
    assertTrue(Patterns.ask(target, "still there?", Duration.ofSeconds(5)).toCompletableFuture().get() != null);

    // a relay of another network, and a node without TLS, both told to join through a
    TestNetwork other = TestNetwork.create(tmp.resolve("other"), "clustertest", clock);
    int foreignPort = freePort();
    ActorSystem<Void> foreign = relay("foreign", other, foreignPort, seedPort);
    int plainPort = freePort();
    ActorSystem<Void> plain = start(ConfigFactory.parseString("pekko.remote.artery.transport = tcp")
        .withFallback(config(tmp.resolve("plain"), other.conf(), plainPort, seedPort)));
    NodeId foreignId = NodeId.ofIdentityKey(identity(tmp.resolve("foreign")).publicKey());
    await("a refuses both strangers").atMost(TIMEOUT).until(() -> {
      List<String> lines = lines();
      return lines.stream().anyMatch(l -> l.startsWith("refused inbound Artery TLS session on 127.0.0.1:" + seedPort
              + " from node " + foreignId.toHex() + " (as it claims): ") && l.contains("trust root"))
          && lines.contains("refused inbound Artery connection on 127.0.0.1:" + seedPort
              + ": not TLS (a node without Artery TLS, e.g. transport = tcp, or no Shroud node at all)");
    });
    assertTrue(lines().stream().anyMatch(l -> l.startsWith("refused Artery TLS session to 127.0.0.1:" + seedPort
        + ": ")), "the foreign relay says why it refused a: " + lines());
    for (ActorSystem<Void> s : List.of(a, b, c)) {
      assertEquals(Set.of(a.address().getPort().get(), b.address().getPort().get(), c.address().getPort().get()),
          ports(s), "members seen by " + s.address());
    }
    assertTrue(ports(foreign).stream().noneMatch(p -> p == seedPort), "the foreign relay joined nobody");
    assertTrue(ports(plain).stream().noneMatch(p -> p == seedPort), "the plain node joined nobody");

    // members can be downed and can leave (cluster daemon gossip under untrusted mode)
    Cluster.get(a).manager().tell(new Down(c.address()));
    await("c removed").atMost(TIMEOUT).until(() -> ports(a).equals(Set.of(seedPort, b.address().getPort().get()))
        && ports(b).equals(Set.of(seedPort, b.address().getPort().get())));
    Address bAddress = b.address();
    Cluster.get(b).manager().tell(new Leave(bAddress));
    await("b left").atMost(TIMEOUT).until(() -> ports(a).equals(Set.of(seedPort)));
  }

  /** Puts every message into a queue; answers "yes" to "still there?". */
  static final class Recorder extends AbstractActor {
    private final BlockingQueue<Object> got;

    Recorder(BlockingQueue<Object> got) {
      this.got = got;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchEquals("still there?", m -> getSender().tell("yes", getSelf()))
          .matchAny(got::add)
          .build();
    }
  }

  private List<String> lines() {
    return tlsLog.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private static Set<Integer> ports(ActorSystem<?> s) {
    return StreamSupport.stream(Cluster.get(s).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .map(Member::address).map(ad -> (Integer) ad.getPort().get()).collect(Collectors.toSet());
  }

  private static void awaitUp(List<ActorSystem<Void>> all, int members) {
    await(members + " members up everywhere").atMost(TIMEOUT).until(() ->
        all.stream().allMatch(s -> ports(s).size() == members));
  }

  private static Object ask(ActorSystem<?> s, Object message) throws Exception {
    return Patterns.ask(DistributedData.get(Adapter.toClassic(s)).replicator(), message, Duration.ofSeconds(5))
        .toCompletableFuture().get();
  }

  private static Ed25519.KeyPair identity(Path dataDir) {
    return new NodeKeyStore(dataDir, RANDOM).loadOrCreateIdentity();
  }

  private ActorSystem<Void> relay(String name, TestNetwork net, int port, int seedPort) {
    Path dataDir = tmp.resolve(name);
    net.admit(identity(dataDir), java.time.Instant.now(), dataDir.resolve("relay.crt"));
    return start(config(dataDir, net.conf(), port, seedPort));
  }

  /** A system set up as {@link NodeMain} sets up a node's (admission checked, TLS provider with its identity). */
  private ActorSystem<Void> start(Config config) {
    Ed25519.KeyPair identity = identity(Path.of(config.getString("shroud.data-dir")));
    ActorSystem<Void> s = ActorSystem.create(Behaviors.empty(), NodeConfig.SYSTEM_NAME,
        NodeMain.systemSetup(config, identity));
    systems.add(s);
    return s;
  }

  /** A node's configuration from {@link NodeConfig}, minus what a test JVM must not do (exit, journals). */
  private static Config config(Path dataDir, Path networkConf, int port, int seedPort) {
    Map<String, Object> o = new HashMap<>();
    o.put("shroud.data-dir", dataDir.toString());
    o.put("shroud.host", "127.0.0.1");
    o.put("shroud.cluster-port", port);
    o.put("shroud.network", networkConf.toString());
    o.put("shroud.seed-nodes", List.of("127.0.0.1:" + seedPort));
    o.put("shroud.cluster.downing-stable-after", "3s");
    return ConfigFactory.parseString("""
        pekko.coordinated-shutdown.exit-jvm = off
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        pekko.persistence.journal.auto-start-journals = []
        pekko.persistence.snapshot-store.auto-start-snapshot-stores = []
        pekko.cluster.shutdown-after-unsuccessful-join-seed-nodes = off
        pekko.cluster.failure-detector.heartbeat-interval = 500ms
        pekko.cluster.failure-detector.acceptable-heartbeat-pause = 2s
        pekko.cluster.failure-detector.expected-response-after = 500ms
        """).withFallback(NodeConfig.load(o, Optional.empty()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
