package io.shroud.rendezvous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.CircuitActor;
import io.shroud.circuit.CircuitControl;
import io.shroud.circuit.CircuitView;
import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.CircuitsView;
import io.shroud.circuit.RelayCommand;
import io.shroud.circuit.SeederTestNet;
import io.shroud.hidden.E2eHandshake;
import io.shroud.hidden.HiddenCells;
import io.shroud.hidden.HsDescriptor;
import io.shroud.hidden.HsLocation;
import io.shroud.hidden.HsPeriod;
import io.shroud.hidden.IntroPointPlan;
import io.shroud.hidden.Introduction;
import io.shroud.hidden.ShareSecret;
import io.shroud.identity.NodeId;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.lookup.RecordPublication;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.node.EchoResult;
import io.shroud.node.EchoServiceActor;
import io.shroud.testutil.MetricValues;
import io.shroud.testutil.SeededRandom;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link HiddenSeederActor} on the in-memory network of {@code HiddenRendezvousTest}: node 7 seeds
 * through real relays as intro and rendezvous points, a probe stands for the record-lookups actor,
 * and the test plays the downloader (node 0) with the descriptor the seeder published.
 */
class HiddenSeederActorTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(20);
  static final int DOWNLOADER = 0;
  static final int SEEDER = 7;
  /** A ticking clock at midday UTC: one period to publish for, whatever the hour the test runs. */
  static final Clock NOON = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(),
      HsPeriod.start(HsPeriod.of(Instant.now())).plus(Duration.ofHours(12))));

  private final SecureRandom random = SeededRandom.of(2601);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static ShareSecret secret(long seed) {
    byte[] infoHash = new byte[32];
    SeededRandom.of(seed).nextBytes(infoHash);
    return ShareSecret.ofPublic(infoHash);
  }

  private static ActorRef<HiddenSeederActor.Command> seeder(SeederTestNet net, ShareSecret secret,
      TestProbe<RecordLookupsActor.Command> lookups, long seed) {
    return seeder(net, secret, lookups, seed, 3);
  }

  private static ActorRef<HiddenSeederActor.Command> seeder(SeederTestNet net, ShareSecret secret,
      TestProbe<RecordLookupsActor.Command> lookups, long seed, int hops) {
    HiddenSeederSettings settings = new HiddenSeederSettings(hops, Duration.ofMinutes(1),
        Duration.ofMinutes(4), Duration.ofMillis(300), Duration.ofSeconds(30), 8);
    return testKit.spawn(HiddenSeederActor.create(secret, net.id(SEEDER), net.circuits(SEEDER), lookups.ref(),
        testKit.spawn(EchoServiceActor.create()), settings, NOON, SeededRandom.of(seed)));
  }

  /** The next record the seeder stores, its descriptor opened and checked against {@code secret}. */
  private static Published expectPublication(TestProbe<RecordLookupsActor.Command> lookups, ShareSecret secret)
      throws Exception {
    return expectPublication(lookups, secret, 3);
  }

  private static Published expectPublication(TestProbe<RecordLookupsActor.Command> lookups, ShareSecret secret,
      int hops) throws Exception {
    RecordLookupsActor.StoreRecord store = lookups.expectMessageClass(RecordLookupsActor.StoreRecord.class, WAIT);
    HsLocation location = HsLocation.of(secret, HsPeriod.of(NOON.instant()));
    assertEquals(NodeId.of(location.location()), store.record().key(), "stored at L_n");
    assertEquals(hops, store.hops());
    assertTrue(store.record().signatureValid(), "signed by its publisher key");
    return new Published(store, HsDescriptor.open(store.record().value(), location, store.record().publisher()));
  }

  record Published(RecordLookupsActor.StoreRecord store, HsDescriptor descriptor) {
    long seq() {
      return store.record().seq();
    }

    void stored() {
      store.replyTo().tell(new RecordPublication(3, 3, List.of(), null));
    }

    Set<NodeId> relays() {
      Set<NodeId> out = new HashSet<>();
      descriptor.introPoints().forEach(p -> out.add(p.relay()));
      return out;
    }
  }

  private static byte[] expect(TestProbe<CircuitControl.ControlEvent> control, RelayCommand command) {
    CircuitControl.ControlEvent event = control.receiveMessage(WAIT);
    CircuitControl.ControlCell cell = assertInstanceOf(CircuitControl.ControlCell.class, event, event::toString);
    assertEquals(command, cell.command());
    return cell.data();
  }

  private static List<CircuitView> circuitsAt(SeederTestNet net, int node) {
    TestProbe<CircuitsView> probe = testKit.createTestProbe();
    net.circuits(node).tell(new CircuitsActor.GetCircuits(probe.ref()));
    return probe.receiveMessage(WAIT).circuits();
  }

  private static HiddenSeederActor.Status status(ActorRef<HiddenSeederActor.Command> seeder) {
    TestProbe<HiddenSeederActor.Status> probe = testKit.createTestProbe();
    seeder.tell(new HiddenSeederActor.GetStatus(probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  /**
   * With {@code atTheSeedersRelay} the downloader picks the seeder's own relay as its rendezvous
   * point, as any downloader may (it cannot know which relay seeds). Seeding with 3 hops, the
   * seeder's circuit then goes out and back to its own relay (guard, middle, itself) and the join
   * happens there; seeding with fewer, it joins the downloader's hop in its own process (protocol
   * §11.7.1), with no circuit at all.
   */
  @ParameterizedTest(name = "rendezvous at the seeder''s own relay: {0}, seeder hops {1}")
  @CsvSource({"false, 3", "true, 3", "true, 1"})
  void publishesThreeIntroPointsAndADownloaderEchoesThroughTheRendezvousItServes(boolean atTheSeedersRelay,
      int seederHops) throws Exception {
    SeederTestNet net = new SeederTestNet(testKit, 8, atTheSeedersRelay ? 262 + seederHops : 260);
    NodeMetrics metrics = Metrics.get(testKit.system());
    String joined = "shroud_hidden_rendezvous_total{outcome=\"joined\",side=\"seeder\"}";
    String queued = "shroud_hidden_introductions_total{outcome=\"queued\"}";
    double joinedBefore = MetricValues.value(metrics, joined);
    double queuedBefore = MetricValues.value(metrics, queued);
    ShareSecret secret = secret(1);
    TestProbe<RecordLookupsActor.Command> lookups = testKit.createTestProbe();
    ActorRef<HiddenSeederActor.Command> seeder = seeder(net, secret, lookups, 11, seederHops);

    Published published = expectPublication(lookups, secret, seederHops);
    published.stored();
    assertEquals(1, published.seq());
    assertEquals(3, published.descriptor().introPoints().size(), "all three points before the first publication");
    assertEquals(0, published.descriptor().powEffort());
    assertFalse(published.relays().contains(net.id(SEEDER)), "never its own relay");

    // the downloader: an intro point not on its guard, an RP that is none of the intro relays
    HsDescriptor.IntroPoint intro = published.descriptor().introPoints().stream()
        .filter(p -> !p.relay().equals(net.id(1))).findFirst().orElseThrow();
    NodeId rp = atTheSeedersRelay ? net.id(SEEDER) : net.id(List.of(2, 3, 4, 5, 6).stream()
        .filter(i -> !published.relays().contains(net.id(i))).findFirst().orElseThrow());
    byte[] cookie = new byte[Introduction.COOKIE_BYTES];
    random.nextBytes(cookie);
    TestProbe<CircuitControl.ControlEvent> rendezvousControl = testKit.createTestProbe();
    ActorRef<CircuitActor.Command> rendezvous = net.build(DOWNLOADER, rp, 3, rendezvousControl.ref());
    rendezvous.tell(new CircuitActor.SendControl(RelayCommand.ESTABLISH_RENDEZVOUS,
        HiddenCells.encodeEstablishRendezvous(cookie)));
    expect(rendezvousControl, RelayCommand.RENDEZVOUS_ESTABLISHED);

    TestProbe<CircuitControl.ControlEvent> introControl = testKit.createTestProbe();
    ActorRef<CircuitActor.Command> introducing = net.build(DOWNLOADER, intro.relay(), 3, introControl.ref());
    introducing.tell(new CircuitActor.SendControl(RelayCommand.INTRO_KEY,
        HiddenCells.encodeIntroKeyRequest(intro.authKey())));
    byte[] ekS = HiddenCells.decodeIntroKeyAnswer(expect(introControl, RelayCommand.INTRO_KEY))
        .ekSMatching(intro.ekHash());
    E2eHandshake.Client client = E2eHandshake.start(intro.authKey(), intro.b(), ekS,
        new Introduction(rp.toBytes(), cookie, new byte[16], 0), random);
    introducing.tell(new CircuitActor.SendControl(RelayCommand.INTRODUCE1, client.introduce1()));
    assertEquals(HiddenCells.IntroduceAck.FORWARDED,
        HiddenCells.decodeIntroduceAck(expect(introControl, RelayCommand.INTRODUCE_ACK)));
    introducing.tell(CircuitActor.Close.INSTANCE);

    rendezvous.tell(new CircuitActor.AddEndToEndHop(client.finish(expect(rendezvousControl,
        RelayCommand.RENDEZVOUS2))));
    EchoResult echo = net.echo(rendezvous, 200_000, 1);
    assertTrue(echo.ok(), echo::toString);
    assertEquals(200_000, echo.bytes());
    // how the seeder reached the point: a circuit out and back with 3 hops, or (fewer seeding
    // hops, its own relay) a rendezvous joined in its own process, with no circuit and no hop
    List<CircuitView> served = circuitsAt(net, SEEDER).stream().filter(c -> c.cellsOut() > 40).toList();
    assertEquals(1, served.size(), () -> "one circuit carried the echo back: " + served);
    List<String> path = served.get(0).path();
    if (atTheSeedersRelay && seederHops < 3) {
      assertEquals(List.of(net.id(SEEDER).toHex()), path, "joined at its own relay");
      assertEquals("local", served.get(0).id());
    } else {
      assertEquals(Math.max(seederHops, atTheSeedersRelay ? 3 : 1), path.size(), path::toString);
      assertEquals(rp.toHex(), path.get(path.size() - 1));
    }
    HiddenSeederActor.Status status = status(seeder);
    assertEquals(1, status.served());
    assertEquals(1.0, MetricValues.value(metrics, joined) - joinedBefore, "counted as a joined rendezvous");
    assertEquals(1.0, MetricValues.value(metrics, queued) - queuedBefore, "counted as a queued introduction");
    assertEquals(3, status.points().stream().filter(p -> p.state() == IntroPointPlan.State.ESTABLISHED).count());
    lookups.expectNoMessage(Duration.ofMillis(200));
    testKit.stop(seeder);
  }

  @Test
  void aFailedStoreIsRetriedAndALostIntroCircuitIsReplacedAndRepublished() throws Exception {
    SeederTestNet net = new SeederTestNet(testKit, 8, 261);
    ShareSecret secret = secret(2);
    TestProbe<RecordLookupsActor.Command> lookups = testKit.createTestProbe();
    ActorRef<HiddenSeederActor.Command> seeder = seeder(net, secret, lookups, 12);

    Published first = expectPublication(lookups, secret);
    first.store().replyTo().tell(new RecordPublication(0, 0, List.of(), "no circuit"));
    Published again = expectPublication(lookups, secret);
    assertEquals(1, again.seq());
    assertArrayEquals(first.store().record().signature(), again.store().record().signature(),
        "the same record, stored again");
    again.stored();
    lookups.expectNoMessage(Duration.ofMillis(500));

    HiddenSeederActor.PointStatus victim = status(seeder).points().get(0);
    assertEquals(IntroPointPlan.State.ESTABLISHED, victim.state());
    victim.circuit().orElseThrow().tell(CircuitActor.Close.INSTANCE);

    Published without = expectPublication(lookups, secret);
    without.stored();
    assertEquals(2, without.seq(), "republished at once without the lost point");
    assertEquals(2, without.descriptor().introPoints().size());
    assertFalse(without.relays().contains(victim.relay()));
    assertArrayEquals(first.store().record().publisher(), without.store().record().publisher(),
        "one publisher key per period");

    Published replaced = expectPublication(lookups, secret);
    replaced.stored();
    assertEquals(3, replaced.seq(), "and again once the replacement is established");
    assertEquals(3, replaced.descriptor().introPoints().size());
    assertTrue(replaced.relays().containsAll(without.relays()));
    assertFalse(replaced.relays().contains(victim.relay()), "a new relay replaces the lost one");
    HiddenSeederActor.Status status = status(seeder);
    assertEquals(3, status.points().stream().filter(p -> p.state() == IntroPointPlan.State.ESTABLISHED).count());
    assertEquals(List.of(new HiddenSeederActor.Descriptor(HsPeriod.of(NOON.instant()), 3)), status.descriptors(),
        "the status shows the newest descriptor's seq");
    testKit.stop(seeder);
  }
}
