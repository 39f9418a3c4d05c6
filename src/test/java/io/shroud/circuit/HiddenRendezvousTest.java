package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.HandshakeException;
import io.shroud.crypto.HopKeys;
import io.shroud.hidden.E2eHandshake;
import io.shroud.hidden.EstablishIntro;
import io.shroud.hidden.HiddenCells;
import io.shroud.hidden.Introduction;
import io.shroud.hidden.ReplayFilter;
import io.shroud.hidden.ServiceKeys;
import io.shroud.identity.NodeId;
import io.shroud.node.EchoResult;
import io.shroud.node.EchoServiceActor;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hidden seeding end to end in one JVM (protocol §11.4–§11.8) with real relays only: real
 * {@link CircuitsActor}s on in-memory links are the introduction point (node 3) and the
 * rendezvous point (node 4); node 7 seeds, node 0 downloads. The seeder establishes an intro
 * point signed over its last hop's {@code KH}; the downloader sets a cookie at the RP, fetches
 * {@code EK_s} by INTRO_KEY and introduces itself; the seeder opens INTRODUCE2, builds its own
 * circuit to the RP named in the introduction, serves the end-to-end layer and sends RENDEZVOUS1;
 * the downloader finishes on RENDEZVOUS2 and echoes bytes through the joined circuits.
 */
class HiddenRendezvousTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(15);
  static final int DOWNLOADER = 0;
  static final int IP = 3;
  static final int RP = 4;
  static final int SEEDER = 7;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A built circuit and the probe watching its control cells. */
  record Circuit(CircuitsActor.Built built, TestProbe<CircuitControl.ControlEvent> control) {
    ActorRef<CircuitActor.Command> ref() {
      return built.circuit();
    }

    void send(RelayCommand command, byte[] data) {
      ref().tell(new CircuitActor.SendControl(command, data));
    }

    byte[] expect(RelayCommand command) {
      CircuitControl.ControlEvent event = control.receiveMessage(WAIT);
      CircuitControl.ControlCell cell = assertInstanceOf(CircuitControl.ControlCell.class, event, event::toString);
      assertEquals(command, cell.command());
      return cell.data();
    }
  }

  /** The seeder's side of one intro point: its circuit to the IP, keys and replay filter. */
  record IntroPoint(Circuit circuit, ServiceKeys keys, ReplayFilter replay) {}

  private final SecureRandom random = SeededRandom.of(2600);

  private static CircuitNet net(long seed) {
    return new CircuitNet(testKit, 8, CircuitSettings.defaults(), seed);
  }

  private static Circuit circuit(CircuitNet net, int origin, NodeId to, int hops) {
    CircuitsActor.Built built = CircuitActorsTest.buildIn(testKit, net.node(origin),
        Optional.of(net.byId(to.toHex())), hops);
    assertEquals(to.toHex(), built.path().get(hops - 1));
    TestProbe<CircuitControl.ControlEvent> control = testKit.createTestProbe();
    built.circuit().tell(new CircuitActor.WatchControl(control.ref()));
    return new Circuit(built, control);
  }

  private static byte[] lastHopBinding(Circuit circuit) {
    TestProbe<CircuitControl.LastHopBinding> probe = testKit.createTestProbe();
    circuit.ref().tell(new CircuitActor.GetLastHopBinding(probe.ref()));
    return probe.receiveMessage(WAIT).kh().orElseThrow();
  }

  /** The seeder's circuit to the IP, ESTABLISH_INTRO signed over its last hop's KH, INTRO_ESTABLISHED. */
  private IntroPoint establishIntro(CircuitNet net, int hops) {
    Circuit circuit = circuit(net, SEEDER, net.node(IP).id(), hops);
    ServiceKeys keys = ServiceKeys.generate(random);
    circuit.send(RelayCommand.ESTABLISH_INTRO, EstablishIntro.sign(keys.authKeyPair(), lastHopBinding(circuit),
        keys.ekS()));
    assertEquals(0, circuit.expect(RelayCommand.INTRO_ESTABLISHED).length);
    return new IntroPoint(circuit, keys, new ReplayFilter(keys.authKey(), Clock.systemUTC()));
  }

  /** The downloader's rendezvous circuit with {@code cookie} set at the RP. */
  private static Circuit establishRendezvous(CircuitNet net, int hops, byte[] cookie) {
    Circuit circuit = circuit(net, DOWNLOADER, net.node(RP).id(), hops);
    circuit.send(RelayCommand.ESTABLISH_RENDEZVOUS, HiddenCells.encodeEstablishRendezvous(cookie));
    assertEquals(0, circuit.expect(RelayCommand.RENDEZVOUS_ESTABLISHED).length);
    return circuit;
  }

  /** INTRO_KEY for the intro point's auth key: EK_s, checked against the descriptor's H(EK_s). */
  private static byte[] introKey(Circuit introducing, ServiceKeys keys) throws Exception {
    introducing.send(RelayCommand.INTRO_KEY, HiddenCells.encodeIntroKeyRequest(keys.authKey()));
    return HiddenCells.decodeIntroKeyAnswer(introducing.expect(RelayCommand.INTRO_KEY)).ekSMatching(keys.ekSHash());
  }

  private HiddenCells.IntroduceAck introduce(Circuit introducing, byte[] introduce1) throws Exception {
    introducing.send(RelayCommand.INTRODUCE1, introduce1);
    return HiddenCells.decodeIntroduceAck(introducing.expect(RelayCommand.INTRODUCE_ACK));
  }

  private byte[] cookie() {
    byte[] cookie = new byte[Introduction.COOKIE_BYTES];
    random.nextBytes(cookie);
    return cookie;
  }

  /** The seeder's answer to an opened introduction: its circuit to the RP named in it, served, RENDEZVOUS1 sent. */
  private Circuit rendezvous(CircuitNet net, E2eHandshake.Opened opened, int hops) {
    Circuit circuit = circuit(net, SEEDER, NodeId.of(opened.introduction().rpNodeId()), hops);
    E2eHandshake.Response response = opened.respond(random);
    circuit.ref().tell(new CircuitActor.ServeEndToEnd(response.keys(), testKit.spawn(EchoServiceActor.create())));
    circuit.send(RelayCommand.RENDEZVOUS1, response.rendezvous1());
    return circuit;
  }

  private static String state(ActorRef<CircuitActor.Command> circuit) {
    TestProbe<CircuitView> probe = testKit.createTestProbe();
    circuit.tell(new CircuitActor.GetView(probe.ref()));
    return probe.receiveMessage(WAIT).state();
  }

  private static EchoResult echo(Circuit downloader, int bytes, long seed) {
    return CircuitActorsTest.echoIn(testKit, new CircuitsActor.Built("", List.of(), 0, downloader.ref()), bytes, seed);
  }

  @Test
  void aDownloaderReachesAHiddenSeederThroughRealIntroductionAndRendezvousPoints() throws Exception {
    CircuitNet net = net(26);
    IntroPoint intro = establishIntro(net, 3);
    intro.circuit().send(RelayCommand.DROP, new byte[0]); // the keepalive of an intro circuit is no violation
    byte[] cookie = cookie();
    Circuit rendezvous = establishRendezvous(net, 3, cookie);

    Circuit introducing = circuit(net, DOWNLOADER, net.node(IP).id(), 3);
    byte[] ekS = introKey(introducing, intro.keys());
    Introduction introduction = new Introduction(net.node(RP).id().toBytes(), cookie, new byte[16], 0);
    E2eHandshake.Client client = E2eHandshake.start(intro.keys().authKey(), intro.keys().b(), ekS, introduction,
        random);
    byte[] introduce1 = client.introduce1();
    assertEquals(HiddenCells.IntroduceAck.FORWARDED, introduce(introducing, introduce1));
    introducing.ref().tell(CircuitActor.Close.INSTANCE);

    byte[] introduce2 = intro.circuit().expect(RelayCommand.INTRODUCE2);
    assertArrayEquals(introduce1, introduce2, "the IP forwards INTRODUCE1 unchanged");
    E2eHandshake.Opened opened = E2eHandshake.open(introduce2, intro.keys(), intro.replay());
    assertEquals(introduction, opened.introduction());
    Circuit served = rendezvous(net, opened, 3);

    HopKeys keys = client.finish(rendezvous.expect(RelayCommand.RENDEZVOUS2));
    rendezvous.ref().tell(new CircuitActor.AddEndToEndHop(keys));
    EchoResult result = echo(rendezvous, 300_000, 1);
    assertTrue(result.ok(), result::toString);
    assertEquals(300_000, result.bytes());
    rendezvous.send(RelayCommand.DROP, new byte[0]);
    CircuitControl.ControlEvent refused = rendezvous.control().receiveMessage(WAIT);
    assertInstanceOf(CircuitControl.ControlRefused.class, refused, "the RP would destroy a DROP on a joined circuit");
    assertTrue(echo(rendezvous, 5_000, 2).ok(), "a second stream on the joined circuits");
    served.control().expectNoMessage(Duration.ofMillis(100));
    assertEquals("READY", state(intro.circuit().ref()), "the intro circuit stays up");
  }

  @ParameterizedTest(name = "{0}+{1} hops")
  @CsvSource({"2, 2", "1, 1", "1, 3", "3, 1"})
  void otherHopCountsJoinToo(int downloaderHops, int seederHops) throws Exception {
    CircuitNet net = net(27L + downloaderHops * 10L + seederHops);
    IntroPoint intro = establishIntro(net, seederHops);
    byte[] cookie = cookie();
    Circuit rendezvous = establishRendezvous(net, downloaderHops, cookie);
    Circuit introducing = circuit(net, DOWNLOADER, net.node(IP).id(), downloaderHops);
    E2eHandshake.Client client = E2eHandshake.start(intro.keys().authKey(), intro.keys().b(),
        introKey(introducing, intro.keys()), new Introduction(net.node(RP).id().toBytes(), cookie, new byte[16], 0),
        random);
    assertEquals(HiddenCells.IntroduceAck.FORWARDED, introduce(introducing, client.introduce1()));
    rendezvous(net, E2eHandshake.open(intro.circuit().expect(RelayCommand.INTRODUCE2), intro.keys(), intro.replay()),
        seederHops);
    rendezvous.ref().tell(new CircuitActor.AddEndToEndHop(client.finish(rendezvous.expect(RelayCommand.RENDEZVOUS2))));
    assertTrue(echo(rendezvous, 50_000, 3).ok());
  }

  @Test
  void aReplayedIntroductionIsDroppedByTheSeederAndAnUnknownAuthKeyIsAnsweredOne() throws Exception {
    CircuitNet net = net(28);
    IntroPoint intro = establishIntro(net, 2);
    Circuit introducing = circuit(net, DOWNLOADER, net.node(IP).id(), 2);
    byte[] ekS = introKey(introducing, intro.keys());
    Introduction introduction = new Introduction(net.node(RP).id().toBytes(), cookie(), new byte[16], 0);
    byte[] introduce1 = E2eHandshake.start(intro.keys().authKey(), intro.keys().b(), ekS, introduction, random)
        .introduce1();

    assertEquals(HiddenCells.IntroduceAck.FORWARDED, introduce(introducing, introduce1));
    E2eHandshake.open(intro.circuit().expect(RelayCommand.INTRODUCE2), intro.keys(), intro.replay()).discard();
    assertEquals(HiddenCells.IntroduceAck.FORWARDED, introduce(introducing, introduce1), "the IP keeps nothing");
    byte[] replayed = intro.circuit().expect(RelayCommand.INTRODUCE2);
    HandshakeException replay = assertThrows(HandshakeException.class,
        () -> E2eHandshake.open(replayed, intro.keys(), intro.replay()));
    assertTrue(replay.isReplay(), replay::getMessage);
    assertEquals(1, intro.replay().replays());

    ServiceKeys other = ServiceKeys.generate(random);
    introducing.send(RelayCommand.INTRO_KEY, HiddenCells.encodeIntroKeyRequest(other.authKey()));
    assertFalse(HiddenCells.decodeIntroKeyAnswer(introducing.expect(RelayCommand.INTRO_KEY)).known());
    byte[] wrongAuth = E2eHandshake.start(other.authKey(), other.b(), other.ekS(), introduction, random).introduce1();
    assertEquals(HiddenCells.IntroduceAck.UNKNOWN_AUTH_KEY, introduce(introducing, wrongAuth));
    intro.circuit().control().expectNoMessage(Duration.ofMillis(200));
    assertEquals("READY", state(introducing.ref()), "ACK 1 is no violation");
  }

  @Test
  void aWrongCookieDestroysTheSeedersRendezvousCircuitAndLeavesTheDownloadersWaiting() throws Exception {
    CircuitNet net = net(29);
    IntroPoint intro = establishIntro(net, 2);
    byte[] cookie = cookie();
    Circuit rendezvous = establishRendezvous(net, 2, cookie);
    Circuit introducing = circuit(net, DOWNLOADER, net.node(IP).id(), 2);
    byte[] wrongCookie = cookie.clone();
    wrongCookie[0] ^= 1;
    E2eHandshake.Client client = E2eHandshake.start(intro.keys().authKey(), intro.keys().b(),
        introKey(introducing, intro.keys()), new Introduction(net.node(RP).id().toBytes(), wrongCookie, new byte[16], 0),
        random);
    assertEquals(HiddenCells.IntroduceAck.FORWARDED, introduce(introducing, client.introduce1()));
    Circuit served = rendezvous(net,
        E2eHandshake.open(intro.circuit().expect(RelayCommand.INTRODUCE2), intro.keys(), intro.replay()), 2);

    CircuitControl.ControlEvent closed = served.control().receiveMessage(WAIT);
    assertInstanceOf(CircuitControl.ControlClosed.class, closed, closed::toString);
    rendezvous.control().expectNoMessage(Duration.ofMillis(200));
    assertEquals("READY", state(rendezvous.ref()), "the cookie's circuit still waits");
  }
}
