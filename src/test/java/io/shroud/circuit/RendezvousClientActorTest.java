package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.hidden.DescriptorBook;
import io.shroud.hidden.E2eHandshake;
import io.shroud.hidden.EstablishIntro;
import io.shroud.hidden.HsDescriptor;
import io.shroud.hidden.HsPow;
import io.shroud.hidden.HsRelay;
import io.shroud.hidden.ReplayFilter;
import io.shroud.hidden.ServiceKeys;
import io.shroud.identity.NodeId;
import io.shroud.node.EchoResult;
import io.shroud.node.EchoServiceActor;
import io.shroud.rendezvous.RendezvousClientActor;
import io.shroud.testutil.SeededRandom;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link RendezvousClientActor} on {@link HiddenRendezvousTest}'s network: real relays are the
 * intro point (node 3) and the rendezvous point (node 4), the actor is the downloader (node 0),
 * the test plays the seeder (node 7) as that test does. Here because {@link CircuitNet} is this
 * package's fixture.
 */
class RendezvousClientActorTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(20);
  static final int DOWNLOADER = 0;
  static final int IP = 3;
  static final int RP = 4;
  static final int OTHER_IP = 5;
  static final int SEEDER = 7;

  private final SecureRandom random = SeededRandom.of(2602);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** The seeder's intro circuit at node {@link #IP}, established, with its control probe. */
  record Intro(ActorRef<CircuitActor.Command> circuit, TestProbe<CircuitControl.ControlEvent> control,
      ServiceKeys keys, ReplayFilter replay) {
    HsDescriptor.IntroPoint point(NodeId relay) {
      return new HsDescriptor.IntroPoint(relay, keys.authKey(), keys.b(), keys.ekSHash());
    }

    byte[] expect(RelayCommand command) {
      CircuitControl.ControlEvent event = control.receiveMessage(WAIT);
      CircuitControl.ControlCell cell = assertInstanceOf(CircuitControl.ControlCell.class, event, event::toString);
      assertEquals(command, cell.command());
      return cell.data();
    }
  }

  private static TestProbe<CircuitControl.ControlEvent> watched(ActorRef<CircuitActor.Command> circuit) {
    TestProbe<CircuitControl.ControlEvent> control = testKit.createTestProbe();
    circuit.tell(new CircuitActor.WatchControl(control.ref()));
    return control;
  }

  private Intro establishIntro(CircuitNet net) {
    ActorRef<CircuitActor.Command> circuit = CircuitActorsTest.buildIn(testKit, net.node(SEEDER),
        Optional.of(net.node(IP)), 3).circuit();
    TestProbe<CircuitControl.ControlEvent> control = watched(circuit);
    TestProbe<CircuitControl.LastHopBinding> kh = testKit.createTestProbe();
    circuit.tell(new CircuitActor.GetLastHopBinding(kh.ref()));
    ServiceKeys keys = ServiceKeys.generate(random);
    circuit.tell(new CircuitActor.SendControl(RelayCommand.ESTABLISH_INTRO,
        EstablishIntro.sign(keys.authKeyPair(), kh.receiveMessage(WAIT).kh().orElseThrow(), keys.ekS())));
    Intro intro = new Intro(circuit, control, keys, new ReplayFilter(keys.authKey(), Clock.systemUTC()));
    assertEquals(0, intro.expect(RelayCommand.INTRO_ESTABLISHED).length);
    return intro;
  }

  /** The seeder answers the next INTRODUCE2: its circuit to the RP named, echo served end to end, RENDEZVOUS1. */
  private E2eHandshake.Opened serve(CircuitNet net, Intro intro) throws Exception {
    E2eHandshake.Opened opened = E2eHandshake.open(intro.expect(RelayCommand.INTRODUCE2), intro.keys(), intro.replay());
    ActorRef<CircuitActor.Command> circuit = CircuitActorsTest.buildIn(testKit, net.node(SEEDER),
        Optional.of(net.byId(NodeId.of(opened.introduction().rpNodeId()).toHex())), 3).circuit();
    E2eHandshake.Response response = opened.respond(random);
    circuit.tell(new CircuitActor.ServeEndToEnd(response.keys(), testKit.spawn(EchoServiceActor.create())));
    circuit.tell(new CircuitActor.SendControl(RelayCommand.RENDEZVOUS1, response.rendezvous1()));
    return opened;
  }

  private static DescriptorBook.Seeder seeder(int effort, byte[] powSeed, List<HsDescriptor.IntroPoint> points) {
    return new DescriptorBook.Seeder(new byte[32], 20_000, 1, effort, powSeed, points);
  }

  /** Relays the RP is drawn from: the intro relays (never chosen) and node {@link #RP}. */
  private static List<HsRelay> relays(CircuitNet net, int... nodes) {
    return java.util.Arrays.stream(nodes)
        .mapToObj(i -> new HsRelay(net.node(i).id(), 100 + i, 1_000, true, true)).toList();
  }

  private TestProbe<RendezvousClientActor.Result> reach(CircuitNet net, DescriptorBook.Seeder seeder,
      List<HsRelay> relays) {
    TestProbe<RendezvousClientActor.Result> probe = testKit.createTestProbe();
    testKit.spawn(RendezvousClientActor.create(new RendezvousClientActor.Reach(seeder, relays, Optional.empty(),
        net.node(DOWNLOADER).circuits(), 3, Clock.systemUTC(), random, probe.ref())));
    return probe;
  }

  private static EchoResult echo(ActorRef<CircuitActor.Command> circuit, int bytes, long seed) {
    return CircuitActorsTest.echoIn(testKit, new CircuitsActor.Built("", List.of(), 0, circuit), bytes, seed);
  }

  @Test
  void theActorReachesTheSeederWithWorkAttachedAndAStreamRunsEndToEnd() throws Exception {
    CircuitNet net = new CircuitNet(testKit, 8, CircuitSettings.defaults(), 40);
    Intro intro = establishIntro(net);
    byte[] powSeed = new byte[32];
    random.nextBytes(powSeed);
    TestProbe<RendezvousClientActor.Result> probe = reach(net,
        seeder(3, powSeed, List.of(intro.point(net.node(IP).id()))), relays(net, IP, RP));

    E2eHandshake.Opened opened = serve(net, intro);
    assertEquals(3, opened.introduction().powEffort());
    assertTrue(HsPow.verify(opened.introduction().powNonce(), powSeed, intro.keys().authKey(), opened.x(), 3),
        "the work binds the X of the introduction");
    assertArrayEquals(net.node(RP).id().toBytes(), opened.introduction().rpNodeId());

    RendezvousClientActor.Result result = probe.receiveMessage(WAIT);
    RendezvousClientActor.Ready ready = assertInstanceOf(RendezvousClientActor.Ready.class, result, result::toString);
    assertEquals(net.node(RP).id(), ready.rendezvousPoint());
    assertEquals(1, ready.introductions());
    EchoResult echo = echo(ready.circuit(), 100_000, 4);
    assertTrue(echo.ok(), echo::toString);
    assertEquals(100_000, echo.bytes());
  }

  @Test
  void anIntroPointItsRelayDoesNotKnowIsDroppedAndTheNextOneTried() throws Exception {
    CircuitNet net = new CircuitNet(testKit, 8, CircuitSettings.defaults(), 41);
    Intro intro = establishIntro(net);
    ServiceKeys gone = ServiceKeys.generate(random);
    HsDescriptor.IntroPoint unknown = new HsDescriptor.IntroPoint(net.node(OTHER_IP).id(), gone.authKey(), gone.b(),
        gone.ekSHash());
    TestProbe<RendezvousClientActor.Result> probe = reach(net,
        seeder(0, new byte[32], List.of(unknown, intro.point(net.node(IP).id()))), relays(net, IP, RP, OTHER_IP));

    serve(net, intro);
    RendezvousClientActor.Result result = probe.receiveMessage(WAIT);
    RendezvousClientActor.Ready ready = assertInstanceOf(RendezvousClientActor.Ready.class, result, result::toString);
    assertEquals(2, ready.introductions(), "the first point answered 'unknown', the second introduced");
    assertTrue(echo(ready.circuit(), 5_000, 5).ok());
  }

  @Test
  void everyPointUnknownFailsAndNoRelayLeftForTheRendezvousFailsAtOnce() {
    CircuitNet net = new CircuitNet(testKit, 8, CircuitSettings.defaults(), 42);
    ServiceKeys gone = ServiceKeys.generate(random);
    HsDescriptor.IntroPoint unknown = new HsDescriptor.IntroPoint(net.node(IP).id(), gone.authKey(), gone.b(),
        gone.ekSHash());
    RendezvousClientActor.Result result = reach(net, seeder(0, new byte[32], List.of(unknown)), relays(net, IP, RP))
        .receiveMessage(WAIT);
    RendezvousClientActor.Failed failed = assertInstanceOf(RendezvousClientActor.Failed.class, result,
        result::toString);
    assertEquals("every intro point is unknown to its relay", failed.reason());

    RendezvousClientActor.Result none = reach(net, seeder(0, new byte[32], List.of(unknown)), relays(net, IP))
        .receiveMessage(WAIT);
    assertInstanceOf(RendezvousClientActor.Failed.class, none, none::toString);
  }
}
