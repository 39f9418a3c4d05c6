package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The relay-wide limits of {@link RendezvousActor} (protocol §11.5, §11.7), relay hops played by probes. */
class RendezvousActorTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(10);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static byte[] bytes(int length, int n) {
    return ByteBuffer.allocate(length).putInt(n).array();
  }

  @Test
  void the1025thIntroCircuitIsRefusedWithResourceLimit() {
    ActorRef<RendezvousActor.Command> points = testKit.spawn(RendezvousActor.create(Clock.systemUTC()));
    TestProbe<RelayActor.Command> circuits = testKit.createTestProbe();
    for (int i = 0; i < IntroPoints.MAX_CIRCUITS; i++) {
      points.tell(new RendezvousActor.Request(new HiddenRole.Intro(bytes(32, i), new byte[1184]), circuits.ref()));
      RelayActor.Originate ok = circuits.expectMessageClass(RelayActor.Originate.class, WAIT);
      assertEquals(RelayCommand.INTRO_ESTABLISHED, ok.cell().command());
    }
    points.tell(new RendezvousActor.Request(new HiddenRole.Intro(bytes(32, -1), new byte[1184]), circuits.ref()));
    assertEquals(DestroyReason.RESOURCE_LIMIT, circuits.expectMessageClass(RelayActor.Close.class, WAIT).reason());
  }

  @Test
  void the4097thPendingCookieIsRefusedWithResourceLimit() {
    ActorRef<RendezvousActor.Command> points = testKit.spawn(RendezvousActor.create(Clock.systemUTC()));
    TestProbe<RelayActor.Command> circuits = testKit.createTestProbe();
    for (int i = 0; i < RendezvousPoints.MAX_COOKIES; i++) {
      points.tell(new RendezvousActor.Request(new HiddenRole.Cookie(bytes(20, i)), circuits.ref()));
      circuits.expectMessageClass(RelayActor.Originate.class, WAIT);
    }
    points.tell(new RendezvousActor.Request(new HiddenRole.Cookie(bytes(20, -1)), circuits.ref()));
    assertEquals(DestroyReason.RESOURCE_LIMIT, circuits.expectMessageClass(RelayActor.Close.class, WAIT).reason());
  }

  @Test
  void rendezvous1TellsTheDownloaderFirstWithRendezvous2ThenTheSeeder() {
    ActorRef<RendezvousActor.Command> points = testKit.spawn(RendezvousActor.create(Clock.systemUTC()));
    TestProbe<RelayActor.Command> downloader = testKit.createTestProbe();
    TestProbe<RelayActor.Command> seeder = testKit.createTestProbe();
    points.tell(new RendezvousActor.Request(new HiddenRole.Cookie(bytes(20, 7)), downloader.ref()));
    downloader.expectMessageClass(RelayActor.Originate.class, WAIT);
    byte[] rest = bytes(HiddenRole.RENDEZVOUS2_BYTES, 99);
    points.tell(new RendezvousActor.Request(new HiddenRole.Rendezvous(bytes(20, 7), rest), seeder.ref()));
    RelayActor.Join toDownloader = downloader.expectMessageClass(RelayActor.Join.class, WAIT);
    assertEquals(seeder.ref(), toDownloader.partner());
    RelayCell rendezvous2 = toDownloader.first().orElseThrow();
    assertEquals(RelayCommand.RENDEZVOUS2, rendezvous2.command());
    assertEquals(ByteBuffer.wrap(rest), ByteBuffer.wrap(rendezvous2.data()));
    RelayActor.Join toSeeder = seeder.expectMessageClass(RelayActor.Join.class, WAIT);
    assertEquals(downloader.ref(), toSeeder.partner());
    assertEquals(Optional.empty(), toSeeder.first());
    points.tell(new RendezvousActor.Request(new HiddenRole.Rendezvous(bytes(20, 7), rest), seeder.ref()));
    assertInstanceOf(RelayActor.Close.class, seeder.receiveMessage(WAIT), "a cookie is used once");
  }
}
