package io.shroud.rendezvous;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.CircuitActor;
import io.shroud.circuit.CircuitControl;
import io.shroud.circuit.RelayCommand;
import io.shroud.circuit.SeederTestNet;
import io.shroud.hidden.DescriptorBook;
import io.shroud.hidden.E2eHandshake;
import io.shroud.hidden.HiddenCells;
import io.shroud.hidden.HsDescriptor;
import io.shroud.hidden.HsLocation;
import io.shroud.hidden.HsPeriod;
import io.shroud.hidden.HsRelay;
import io.shroud.hidden.Introduction;
import io.shroud.hidden.ShareSecret;
import io.shroud.identity.NodeId;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.lookup.RecordPublication;
import io.shroud.node.EchoResult;
import io.shroud.node.EchoServiceActor;
import io.shroud.testutil.SeededRandom;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 26's introduction flood, bounded and in one JVM, run twice: with every node's links real
 * ({@code LinksActor}s on their own loopback addresses, Noise over TCP), and on in-memory links.
 * The real {@link HiddenSeederActor} (node
 * {@link #SEEDER}) keeps three real relays as intro points; an attacker sends {@link #FLOOD}
 * valid INTRODUCE1s claiming no work (effort 0) through {@link #ATTACK_CIRCUITS} real 3-hop
 * circuits, as fast as they go, each with its own cookie naming a real rendezvous point where no
 * cookie waits (so each one the seeder serves costs it a whole rendezvous circuit, the worst case
 * for it); during the flood the real {@link RendezvousClientActor} (node 0) reaches the seeder
 * from the descriptor it published, raising its effort as it was built to, and must be
 * {@link RendezvousClientActor.Ready} within {@link #DEADLINE} of its start (the issue's
 * functional bound, measured by the test's clock, not a benchmark). It also checks what the flood
 * did: the intro points answered most of it INTRODUCE_ACK 2 (their rate limit), and the seeder
 * queued only what they forwarded. What gets the downloader in (design.md §8.9): its first
 * introduction (effort 0) is served among the flood's, but its rendezvous circuit may be refused
 * by relays whose CREATE budget the seeder's burst of rendezvous circuits spent; 5 s later it
 * introduces itself again with effort 1 and is served at once.
 */
class IntroductionFloodTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(30);
  static final Duration DEADLINE = Duration.ofSeconds(30);
  static final int NODES = 10;
  static final int DOWNLOADER = 0;
  static final int SEEDER = 9;
  static final int FLOOD = 1000;
  static final int ATTACK_CIRCUITS = 10;
  /** A ticking clock at midday UTC: one period to publish for, whatever the hour the test runs. */
  static final Clock NOON = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(),
      HsPeriod.start(HsPeriod.of(Instant.now())).plus(Duration.ofHours(12))));

  private final SecureRandom random = SeededRandom.of(2626);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** The attacker's circuit and what its intro point answered so far. */
  record Attack(ActorRef<CircuitActor.Command> circuit, TestProbe<CircuitControl.ControlEvent> control,
      HsDescriptor.IntroPoint point) {}

  @ParameterizedTest(name = "links over loopback TCP: {0}")
  @ValueSource(booleans = {true, false})
  void anHonestDownloaderWithWorkGetsInWithinThirtySecondsOfAThousandIntroductionsWithout(boolean loopbackTcp)
      throws Exception {
    SeederTestNet net = loopbackTcp ? SeederTestNet.overLoopbackTcp(testKit, NODES, 2626, Clock.systemUTC())
        : new SeederTestNet(testKit, NODES, 2626);
    byte[] infoHash = new byte[32];
    random.nextBytes(infoHash);
    ShareSecret secret = ShareSecret.ofPublic(infoHash);
    TestProbe<RecordLookupsActor.Command> lookups = testKit.createTestProbe();
    HiddenSeederSettings settings = new HiddenSeederSettings(3, Duration.ofSeconds(1),
        Duration.ofMinutes(4), Duration.ofMillis(300), Duration.ofSeconds(30), 8);
    ActorRef<HiddenSeederActor.Command> seeder = testKit.spawn(HiddenSeederActor.create(secret, net.id(SEEDER),
        net.circuits(SEEDER), lookups.ref(), testKit.spawn(EchoServiceActor.create()), settings, NOON,
        SeededRandom.of(26)));

    // the descriptor as a downloader finds it: sealed at L_n, opened by a DescriptorBook
    RecordLookupsActor.StoreRecord store = lookups.expectMessageClass(RecordLookupsActor.StoreRecord.class, WAIT);
    store.replyTo().tell(new RecordPublication(3, 3, List.of(), null));
    List<NodeId> consensus = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      consensus.add(net.id(i));
    }
    DescriptorBook book = new DescriptorBook(consensus, random);
    assertEquals(DescriptorBook.Added.KEPT, book.add(HsLocation.of(secret, HsPeriod.of(NOON.instant())),
        store.record().publisher(), store.record().seq(), store.record().value()));
    DescriptorBook.Seeder target = book.seeders().get(0);
    assertEquals(3, target.introPoints().size());
    assertEquals(0, target.powEffort(), "no work asked before the flood");

    // the attacker: a node that is no intro relay, cookies at a real RP that is none either
    List<Integer> others = new ArrayList<>();
    for (int i = 1; i < SEEDER; i++) {
      if (!target.introRelays().contains(net.id(i))) {
        others.add(i);
      }
    }
    int attacker = others.get(others.size() - 1);
    NodeId attackRp = net.id(others.get(others.size() - 2));
    List<Attack> attacks = new ArrayList<>();
    List<List<byte[]>> cells = new ArrayList<>();
    for (int c = 0; c < ATTACK_CIRCUITS; c++) {
      HsDescriptor.IntroPoint point = target.introPoints().get(c % target.introPoints().size());
      TestProbe<CircuitControl.ControlEvent> control = testKit.createTestProbe();
      ActorRef<CircuitActor.Command> circuit = net.build(attacker, point.relay(), 3, control.ref());
      circuit.tell(new CircuitActor.SendControl(RelayCommand.INTRO_KEY,
          HiddenCells.encodeIntroKeyRequest(point.authKey())));
      CircuitControl.ControlCell answer = assertInstanceOf(CircuitControl.ControlCell.class,
          control.receiveMessage(WAIT));
      byte[] ekS = HiddenCells.decodeIntroKeyAnswer(answer.data()).ekSMatching(point.ekHash());
      List<byte[]> mine = new ArrayList<>();
      for (int k = 0; k < FLOOD / ATTACK_CIRCUITS; k++) {
        byte[] cookie = new byte[Introduction.COOKIE_BYTES];
        random.nextBytes(cookie);
        mine.add(E2eHandshake.start(point.authKey(), point.b(), ekS,
            new Introduction(attackRp.toBytes(), cookie, new byte[Introduction.POW_NONCE_BYTES], 0), random)
            .introduce1());
      }
      attacks.add(new Attack(circuit, control, point));
      cells.add(mine);
    }

    // the flood, once, as fast as the circuits take it; the honest downloader starts during it
    for (int k = 0; k < FLOOD / ATTACK_CIRCUITS; k++) {
      for (int c = 0; c < ATTACK_CIRCUITS; c++) {
        attacks.get(c).circuit().tell(new CircuitActor.SendControl(RelayCommand.INTRODUCE1, cells.get(c).get(k)));
      }
    }
    Clock clock = Clock.systemUTC();
    Instant start = clock.instant();
    List<HsRelay> relays = SeederPlans.relays(net.relays(DOWNLOADER));
    TestProbe<RendezvousClientActor.Result> honest = testKit.createTestProbe();
    testKit.spawn(RendezvousClientActor.create(new RendezvousClientActor.Reach(target, relays,
        Optional.of(net.id(DOWNLOADER)), net.circuits(DOWNLOADER), 3, clock, random, honest.ref())));

    RendezvousClientActor.Result result = honest.receiveMessage(DEADLINE.plusSeconds(5));
    Duration took = Duration.between(start, clock.instant());
    RendezvousClientActor.Ready ready = assertInstanceOf(RendezvousClientActor.Ready.class, result,
        result::toString);
    assertTrue(took.compareTo(DEADLINE) < 0, "Ready after " + took + " (the issue allows " + DEADLINE + ")");
    EchoResult echo = net.echo(ready.circuit(), 20_000, 26);
    assertTrue(echo.ok(), echo::toString);

    // what the flood did: the intro points refused most of it (ACK 2), the seeder queued the rest
    Map<HiddenCells.IntroduceAck, Integer> acks = new EnumMap<>(HiddenCells.IntroduceAck.class);
    for (Attack attack : attacks) {
      for (int k = 0; k < FLOOD / ATTACK_CIRCUITS; k++) {
        CircuitControl.ControlEvent event = attack.control().receiveMessage(WAIT);
        CircuitControl.ControlCell cell = assertInstanceOf(CircuitControl.ControlCell.class, event, event::toString);
        assertEquals(RelayCommand.INTRODUCE_ACK, cell.command());
        acks.merge(HiddenCells.decodeIntroduceAck(cell.data()), 1, Integer::sum);
      }
    }
    TestProbe<HiddenSeederActor.Status> probe = testKit.createTestProbe();
    seeder.tell(new HiddenSeederActor.GetStatus(probe.ref()));
    HiddenSeederActor.Status status = probe.receiveMessage(WAIT);
    String seen = "Ready after " + took + " and " + ready.introductions() + " introductions; INTRODUCE_ACKs " + acks
        + "; the seeder queued " + status.accepted() + ", served " + status.served() + ", could not build "
        + status.unbuilt() + ", asks effort " + status.effort();
    System.out.println("IntroductionFloodTest (" + (loopbackTcp ? "loopback TCP" : "in memory") + "): " + seen);
    int forwarded = acks.getOrDefault(HiddenCells.IntroduceAck.FORWARDED, 0);
    assertEquals(FLOOD, forwarded + acks.getOrDefault(HiddenCells.IntroduceAck.RATE_LIMITED, 0), seen);
    assertTrue(forwarded < FLOOD / 2, "the intro points' rate limit let most of the flood through: " + seen);
    assertTrue(status.accepted() >= 1 && status.accepted() <= forwarded + ready.introductions(),
        "the seeder queued what the intro points forwarded, and no more: " + seen);
    testKit.stop(seeder);
  }
}
