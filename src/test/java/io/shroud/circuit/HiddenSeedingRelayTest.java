package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.HopKeys;
import io.shroud.crypto.MlKem768;
import io.shroud.hidden.EstablishIntro;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A relay as introduction point and rendezvous point (protocol §11.4, §11.5, §11.7), with real
 * {@link CircuitsActor}s on in-memory links and origins built by hand ({@link HandOrigin}) through
 * two hops, the relay under test last: every answer, the rate limit, the violations, and two
 * joined circuits carrying cells end to end both ways without the rendezvous point recognizing
 * them. The relays read a {@link MutableClock}.
 */
class HiddenSeedingRelayTest {
  static final ActorTestKit testKit = ActorTestKit.create();

  private final MutableClock clock = new MutableClock(Instant.now());
  private final SecureRandom random = SeededRandom.of(500);
  private final Ed25519.KeyPair auth = Ed25519.generate(random);
  private final byte[] ek = MlKem768.generate(random).publicKey();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private CircuitNet net(long seed) {
    return new CircuitNet(testKit, 3, CircuitSettings.defaults().withRelayIdleTimeout(Duration.ofDays(1)), seed, clock);
  }

  private HandOrigin origin(CircuitNet net, long seed, int first, int last) throws Exception {
    return new HandOrigin(testKit, net, seed, net.node(first), net.node(last));
  }

  private byte[] bytes(int length) {
    byte[] out = new byte[length];
    random.nextBytes(out);
    return out;
  }

  private static RelayCell cell(RelayCommand command, byte[] data) {
    return new RelayCell(command, 0, data);
  }

  private HandOrigin seeder(CircuitNet net, long seed, int first) throws Exception {
    HandOrigin seeder = origin(net, seed, first, 2);
    seeder.send(1, cell(RelayCommand.ESTABLISH_INTRO, EstablishIntro.sign(auth, seeder.kh(), ek)));
    assertEquals(0, seeder.expect(RelayCommand.INTRO_ESTABLISHED).length);
    return seeder;
  }

  private byte[] introduce1(byte[] authKey) {
    byte[] data = bytes(HiddenRole.INTRODUCE1_BYTES);
    System.arraycopy(authKey, 0, data, 0, 32);
    return data;
  }

  @Test
  void theIntroductionPointAnswersKeysAndForwardsIntroductionsUnchanged() throws Exception {
    CircuitNet net = net(1);
    HandOrigin seeder = seeder(net, 11, 0);
    HandOrigin downloader = origin(net, 12, 1, 2);

    downloader.send(1, cell(RelayCommand.INTRO_KEY, auth.publicKey()));
    byte[] answer = downloader.expect(RelayCommand.INTRO_KEY);
    assertEquals(0, answer[0]);
    assertArrayEquals(ek, Arrays.copyOfRange(answer, 1, answer.length));
    downloader.send(1, cell(RelayCommand.INTRO_KEY, bytes(32)));
    assertArrayEquals(new byte[] {1}, downloader.expect(RelayCommand.INTRO_KEY), "unknown auth key");

    byte[] introduction = introduce1(auth.publicKey());
    downloader.send(1, cell(RelayCommand.INTRODUCE1, introduction));
    assertArrayEquals(new byte[] {0}, downloader.expect(RelayCommand.INTRODUCE_ACK));
    assertArrayEquals(introduction, seeder.expect(RelayCommand.INTRODUCE2), "forwarded unchanged");

    downloader.send(1, cell(RelayCommand.INTRODUCE1, introduce1(bytes(32))));
    assertArrayEquals(new byte[] {1}, downloader.expect(RelayCommand.INTRODUCE_ACK));
    seeder.expectNothing(200);
  }

  @Test
  void introductionsPerAuthKeyAreRateLimitedBurst32Then16ASecond() throws Exception {
    CircuitNet net = net(2);
    HandOrigin seeder = seeder(net, 21, 0);
    HandOrigin downloader = origin(net, 22, 1, 2);
    assertEquals(List.of(32, 8), statuses(downloader, 40));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(List.of(16, 4), statuses(downloader, 20));
    for (int i = 0; i < 48; i++) {
      assertEquals(RelayCommand.INTRODUCE2, seeder.receive().cell().command());
    }
    seeder.expectNothing(200);
  }

  /** Sends {@code count} introductions; how many were forwarded (first) and rate-limited, in that order. */
  private List<Integer> statuses(HandOrigin downloader, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      downloader.send(1, cell(RelayCommand.INTRODUCE1, introduce1(auth.publicKey())));
    }
    int forwarded = 0;
    int limited = 0;
    for (int i = 0; i < count; i++) {
      int status = downloader.expect(RelayCommand.INTRODUCE_ACK)[0];
      if (status == 0) {
        assertEquals(0, limited, "the forwarded ones come first");
        forwarded++;
      } else {
        assertEquals(2, status);
        limited++;
      }
    }
    return List.of(forwarded, limited);
  }

  @Test
  void aNewIntroCircuitReplacesTheOldAndItsEndUnregistersTheKey() throws Exception {
    CircuitNet net = net(3);
    HandOrigin first = seeder(net, 31, 0);
    HandOrigin second = seeder(net, 32, 1);
    HandOrigin downloader = origin(net, 33, 1, 2);
    downloader.send(1, cell(RelayCommand.INTRODUCE1, introduce1(auth.publicKey())));
    assertArrayEquals(new byte[] {0}, downloader.expect(RelayCommand.INTRODUCE_ACK));
    assertEquals(RelayCommand.INTRODUCE2, second.receive().cell().command());
    first.expectNothing(200);

    second.destroy();
    int status = 0;
    for (int tries = 0; tries < 20 && status == 0; tries++) {
      downloader.send(1, cell(RelayCommand.INTRODUCE1, introduce1(auth.publicKey())));
      status = downloader.expect(RelayCommand.INTRODUCE_ACK)[0];
    }
    assertEquals(1, status, "unknown once its circuit ended");
  }

  @Test
  void hiddenCommandsBrokenOrOutOfPlaceDestroyTheCircuit() throws Exception {
    CircuitNet net = net(4);
    HandOrigin otherHop = origin(net, 41, 0, 2);
    otherHop.send(1, cell(RelayCommand.ESTABLISH_INTRO, EstablishIntro.sign(auth, otherHop.khs.get(0), ek)));
    otherHop.expectDestroy(DestroyReason.PROTOCOL);

    HandOrigin notLast = origin(net, 42, 0, 2);
    notLast.send(0, cell(RelayCommand.ESTABLISH_INTRO, EstablishIntro.sign(auth, notLast.khs.get(0), ek)));
    notLast.expectDestroy(DestroyReason.PROTOCOL);

    HandOrigin twice = seeder(net, 43, 0);
    twice.send(1, cell(RelayCommand.ESTABLISH_INTRO, EstablishIntro.sign(auth, twice.kh(), ek)));
    twice.expectDestroy(DestroyReason.PROTOCOL);

    HandOrigin shortKey = origin(net, 44, 1, 2);
    shortKey.send(1, cell(RelayCommand.INTRO_KEY, bytes(31)));
    shortKey.expectDestroy(DestroyReason.PROTOCOL);

    HandOrigin wrongWay = origin(net, 45, 1, 2);
    wrongWay.send(1, cell(RelayCommand.INTRODUCE2, introduce1(auth.publicKey())));
    wrongWay.expectDestroy(DestroyReason.PROTOCOL);

    HandOrigin extendsAfter = origin(net, 46, 0, 2);
    extendsAfter.send(1, cell(RelayCommand.ESTABLISH_RENDEZVOUS, bytes(20)));
    extendsAfter.expect(RelayCommand.RENDEZVOUS_ESTABLISHED);
    RelayDirectory directory = RelayDirectory.of(List.of(net.node(1).descriptor()));
    extendsAfter.send(1, cell(RelayCommand.EXTEND, new ExtendRequest(net.node(1).id(),
        directory.relays().get(0).address(), directory.entry(net.node(1).id()).orElseThrow().port(),
        new byte[io.shroud.crypto.CircuitHandshake.CREATE_BYTES]).encode()));
    extendsAfter.expectDestroy(DestroyReason.PROTOCOL);
  }

  @Test
  void joinedCircuitsCarryCellsEndToEndBothWaysUnrecognizedAtTheRendezvousPoint() throws Exception {
    CircuitNet net = net(5);
    HandOrigin downloader = origin(net, 51, 0, 2);
    HandOrigin seeder = origin(net, 52, 1, 2);
    byte[] cookie = bytes(20);
    downloader.send(1, cell(RelayCommand.ESTABLISH_RENDEZVOUS, cookie));
    assertEquals(0, downloader.expect(RelayCommand.RENDEZVOUS_ESTABLISHED).length);

    byte[] material = bytes(HopKeys.BYTES);
    RelayLayer seederEnd = new RelayLayer(HopKeys.fromBytes(material)); // the seeder plays the virtual hop
    byte[] rendezvous2 = bytes(HiddenRole.RENDEZVOUS2_BYTES);
    byte[] rendezvous1 = new byte[HiddenRole.RENDEZVOUS1_BYTES];
    System.arraycopy(cookie, 0, rendezvous1, 0, 20);
    System.arraycopy(rendezvous2, 0, rendezvous1, 20, rendezvous2.length);
    seeder.send(1, cell(RelayCommand.RENDEZVOUS1, rendezvous1));
    // right behind it, before the seeder could know of the join: held at the RP if need be, never lost
    seeder.sendBody(seeder.wrapAll(seederEnd.originate(data(1, "early"))));

    assertArrayEquals(rendezvous2, downloader.expect(RelayCommand.RENDEZVOUS2), "the rest of RENDEZVOUS1");
    downloader.addVirtualHop(HopKeys.fromBytes(material));
    assertEquals(data(1, "early"), fromSeeder(downloader));
    for (int i = 0; i < 5; i++) {
      downloader.send(2, data(1, "ping " + i));
      RelayLayer.Outcome atSeeder = seederEnd.forward(seeder.peelAll(seeder.receiveBody()), false);
      assertEquals(data(1, "ping " + i), assertInstanceOf(RelayLayer.Recognized.class, atSeeder).cell());
      seeder.sendBody(seeder.wrapAll(seederEnd.originate(data(1, "pong " + i))));
      assertEquals(data(1, "pong " + i), fromSeeder(downloader));
    }

    seeder.destroy();
    downloader.expectDestroy(DestroyReason.FINISHED);
  }

  @Test
  void aCellRecognizedAtTheRendezvousPointOnAJoinedCircuitEndsBoth() throws Exception {
    CircuitNet net = net(6);
    HandOrigin downloader = origin(net, 61, 0, 2);
    HandOrigin seeder = origin(net, 62, 1, 2);
    join(downloader, seeder, bytes(20));
    downloader.send(1, cell(RelayCommand.ECHO, bytes(4)));
    downloader.expectDestroy(DestroyReason.PROTOCOL);
    seeder.expectDestroy(DestroyReason.FINISHED);
  }

  @Test
  void cookiesAreUsedOnceAndExpireAfterTwoMinutes() throws Exception {
    CircuitNet net = net(7);
    byte[] cookie = bytes(20);
    HandOrigin downloader = origin(net, 71, 0, 2);
    downloader.send(1, cell(RelayCommand.ESTABLISH_RENDEZVOUS, cookie));
    downloader.expect(RelayCommand.RENDEZVOUS_ESTABLISHED);
    HandOrigin sameCookie = origin(net, 72, 1, 2);
    sameCookie.send(1, cell(RelayCommand.ESTABLISH_RENDEZVOUS, cookie));
    sameCookie.expectDestroy(DestroyReason.PROTOCOL);

    HandOrigin unknown = origin(net, 73, 1, 2);
    unknown.send(1, cell(RelayCommand.RENDEZVOUS1, bytes(HiddenRole.RENDEZVOUS1_BYTES)));
    unknown.expectDestroy(DestroyReason.PROTOCOL);

    clock.advance(Duration.ofSeconds(121));
    HandOrigin late = origin(net, 74, 1, 2);
    byte[] rendezvous1 = bytes(HiddenRole.RENDEZVOUS1_BYTES);
    System.arraycopy(cookie, 0, rendezvous1, 0, 20);
    late.send(1, cell(RelayCommand.RENDEZVOUS1, rendezvous1));
    late.expectDestroy(DestroyReason.PROTOCOL);
    downloader.expectNothing(200);
  }

  private void join(HandOrigin downloader, HandOrigin seeder, byte[] cookie) throws Exception {
    downloader.send(1, cell(RelayCommand.ESTABLISH_RENDEZVOUS, cookie));
    downloader.expect(RelayCommand.RENDEZVOUS_ESTABLISHED);
    byte[] rendezvous1 = bytes(HiddenRole.RENDEZVOUS1_BYTES);
    System.arraycopy(cookie, 0, rendezvous1, 0, 20);
    seeder.send(1, cell(RelayCommand.RENDEZVOUS1, rendezvous1));
    downloader.expect(RelayCommand.RENDEZVOUS2);
  }

  private static RelayCell data(int stream, String text) {
    return new RelayCell(RelayCommand.DATA, stream, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The next cell the downloader gets must come from its virtual hop (index 2, after the RP). */
  private static RelayCell fromSeeder(HandOrigin downloader) throws Exception {
    OnionLayers.Inbound in = downloader.receive();
    assertEquals(2, in.hop(), "from the end-to-end hop, not from a relay");
    return in.cell();
  }
}
