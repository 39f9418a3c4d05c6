package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shroud.hidden.E2eHandshake;
import io.shroud.hidden.HiddenCells;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The end-to-end layer over two circuits joined at a rendezvous point (protocol §11.7, §11.8), without actors. */
class EndToEndLayerTest {
  private final Random random = new Random(11);

  private RelayCell data(int stream) {
    byte[] bytes = new byte[random.nextInt(RelayCellFormat.MAX_DATA + 1)];
    random.nextBytes(bytes);
    return new RelayCell(RelayCommand.DATA, stream, bytes);
  }

  @ParameterizedTest
  @CsvSource({"1,1", "3,3", "2,4", "4,1"})
  void streamCellsCrossTheJoinBothWaysInStep(int downloaderHops, int seederHops) throws CircuitProtocolException {
    JoinedSim sim = new JoinedSim(downloaderHops, seederHops, downloaderHops * 10L + seederHops).joined();
    RelayCell begin = new RelayCell(RelayCommand.BEGIN, 1, "transfer".getBytes());
    assertEquals(new OriginCells.In(OriginCells.Route.SERVED, begin), sim.toSeeder(begin, CircuitSim.Tap.NONE));
    RelayCell connected = new RelayCell(RelayCommand.CONNECTED, 1, new byte[0]);
    assertEquals(new OriginCells.In(OriginCells.Route.STREAMS, connected),
        sim.toDownloader(connected, CircuitSim.Tap.NONE));
    for (int i = 0; i < 300; i++) {
      RelayCell out = random.nextInt(5) == 0 ? new RelayCell(RelayCommand.SENDME, 0, new byte[0]) : data(1);
      assertEquals(new OriginCells.In(OriginCells.Route.SERVED, out), sim.toSeeder(out, CircuitSim.Tap.NONE));
      RelayCell back = data(1);
      assertEquals(new OriginCells.In(OriginCells.Route.STREAMS, back), sim.toDownloader(back, CircuitSim.Tap.NONE));
    }
  }

  @ParameterizedTest
  @CsvSource({"0", "1", "2", "3", "4", "5"})
  void aBitFlippedOnAnyLinkTowardsTheSeederIsRefusedByIt(int link) throws CircuitProtocolException {
    JoinedSim sim = new JoinedSim(3, 3, 5).joined();
    sim.toSeeder(data(1), CircuitSim.Tap.NONE);
    CircuitSim.Tap flip = (at, body) -> {
      if (at == link) {
        body[40] ^= 0x20;
      }
    };
    assertThrows(CircuitProtocolException.class, () -> sim.toSeeder(data(1), flip));
  }

  @ParameterizedTest
  @CsvSource({"100", "102", "103", "105", "106"})
  void aBitFlippedOnAnyLinkTowardsTheDownloaderIsRefusedByIt(int link) throws CircuitProtocolException {
    JoinedSim sim = new JoinedSim(3, 3, 6).joined();
    sim.toDownloader(data(1), CircuitSim.Tap.NONE);
    CircuitSim.Tap flip = (at, body) -> {
      if (at == link) {
        body[30] ^= 0x01; // in the data: only the tag catches it
      }
    };
    assertThrows(CircuitProtocolException.class, () -> sim.toDownloader(data(1), flip));
  }

  @Test
  void aReplayedCellIsRefusedAtTheFarEnd() throws CircuitProtocolException {
    JoinedSim sim = new JoinedSim(1, 1, 7).joined();
    byte[][] captured = new byte[1][];
    sim.toSeeder(data(1), (at, body) -> {
      if (at == 1) {
        captured[0] = body.clone();
      }
    });
    CircuitSim.Tap replay = (at, body) -> {
      if (at == 1) {
        System.arraycopy(captured[0], 0, body, 0, body.length);
      }
    };
    assertThrows(CircuitProtocolException.class, () -> sim.toSeeder(data(1), replay));
  }

  @Test
  void beforeTheJoinACellFromBeyondTheLastHopDestroysAndStreamsGoToTheLastHop() throws CircuitProtocolException {
    JoinedSim sim = new JoinedSim(2, 2, 8);
    RelayCell begin = new RelayCell(RelayCommand.BEGIN, 1, "echo".getBytes());
    RelayLayer.Outcome atRp = JoinedSim.atRp(sim.downloaderHops, sim.downloader.toStreams(begin));
    assertEquals(begin, assertInstanceOf(RelayLayer.Recognized.class, atRp).cell());
    assertEquals("the circuit has carried streams", sim.downloader.joinEndToEnd(EndToEndLayer.Role.DOWNLOADER,
        io.shroud.crypto.HopKeys.fromBytes(sim.endToEnd), true), "its SENDME window was the last hop's");
    JoinedSim fresh = new JoinedSim(2, 2, 8);
    assertEquals("the circuit is not ready", fresh.downloader.joinEndToEnd(EndToEndLayer.Role.DOWNLOADER,
        io.shroud.crypto.HopKeys.fromBytes(fresh.endToEnd), false));
    fresh.joined();
    assertEquals("the circuit already has one", fresh.downloader.joinEndToEnd(EndToEndLayer.Role.DOWNLOADER,
        io.shroud.crypto.HopKeys.fromBytes(fresh.endToEnd), true));
    assertInstanceOf(RelayLayer.Forward.class, JoinedSim.atRp(fresh.downloaderHops, fresh.downloader.toStreams(begin)),
        "joined, the RP does not recognize the downloader's stream cells");
    JoinedSim unjoined = new JoinedSim(2, 2, 8);
    unjoined.seeder.joinEndToEnd(EndToEndLayer.Role.SEEDER, io.shroud.crypto.HopKeys.fromBytes(unjoined.endToEnd), true);
    byte[] body = unjoined.seeder.fromServed(data(1));
    for (int k = 0; k < 2; k++) {
      body = ((RelayLayer.Forward) unjoined.seederHops.get(k).forward(body, true)).body();
    }
    byte[] arriving = unjoined.downloaderHops.get(0).backward(unjoined.downloaderHops.get(1).backward(body));
    assertThrows(CircuitProtocolException.class, () -> unjoined.downloader.in(arriving, true),
        "the downloader has no end-to-end layer yet");
  }

  @Test
  void onlyStreamCellsTravelEndToEnd() throws CircuitProtocolException {
    JoinedSim sim = new JoinedSim(1, 1, 9).joined();
    assertThrows(CircuitProtocolException.class,
        () -> sim.toSeeder(new RelayCell(RelayCommand.ECHO, 0, new byte[3]), CircuitSim.Tap.NONE));
    JoinedSim again = new JoinedSim(1, 1, 9).joined();
    assertThrows(CircuitProtocolException.class,
        () -> again.toSeeder(new RelayCell(RelayCommand.CONNECTED, 1, new byte[0]), CircuitSim.Tap.NONE),
        "a seeder opens no stream, so it takes no CONNECTED");
    JoinedSim third = new JoinedSim(1, 1, 9).joined();
    assertThrows(CircuitProtocolException.class,
        () -> third.toDownloader(new RelayCell(RelayCommand.RENDEZVOUS2, 0, new byte[E2eHandshake.RENDEZVOUS2_BYTES]),
            CircuitSim.Tap.NONE), "control cells come from the last hop, not the far end");
    JoinedSim fourth = new JoinedSim(1, 1, 9).joined();
    assertEquals(OriginCells.Route.DISCARD,
        fourth.toDownloader(new RelayCell(RelayCommand.DROP, 0, new byte[0]), CircuitSim.Tap.NONE).route());
  }

  @Test
  void joinedAStreamCellFromTheRendezvousPointItselfDestroys() throws CircuitProtocolException {
    JoinedSim sim = new JoinedSim(2, 2, 10).joined();
    byte[] body = JoinedSim.fromRp(sim.downloaderHops, new RelayCell(RelayCommand.DATA, 1, new byte[10]));
    assertThrows(CircuitProtocolException.class, () -> sim.downloader.in(body, true));
  }

  @Test
  void controlCellsRunBetweenTheOriginAndItsLastHop() throws CircuitProtocolException {
    JoinedSim sim = new JoinedSim(3, 3, 12);
    byte[] cookie = new byte[HiddenCells.COOKIE_BYTES];
    random.nextBytes(cookie);
    RelayCell establish = new RelayCell(RelayCommand.ESTABLISH_RENDEZVOUS, 0, cookie);
    assertEquals(null, sim.downloader.sendControl(establish.command(), establish.data()));
    RelayLayer.Outcome atRp = JoinedSim.atRp(sim.downloaderHops, sim.downloader.toHop(2, establish));
    assertEquals(establish, assertInstanceOf(RelayLayer.Recognized.class, atRp).cell());
    RelayCell established = new RelayCell(RelayCommand.RENDEZVOUS_ESTABLISHED, 0, new byte[0]);
    assertEquals(new OriginCells.In(OriginCells.Route.CONTROL, established),
        sim.downloader.in(JoinedSim.fromRp(sim.downloaderHops, established), true));
    assertThrows(CircuitProtocolException.class,
        () -> sim.downloader.in(JoinedSim.fromRp(sim.downloaderHops, established), true), "answered twice");
  }

  @Test
  void aControlCellFromAHopBeforeTheLastDestroys() throws CircuitProtocolException {
    JoinedSim sim = new JoinedSim(3, 1, 13);
    sim.downloader.sendControl(RelayCommand.ESTABLISH_RENDEZVOUS, new byte[HiddenCells.COOKIE_BYTES]);
    byte[] body = JoinedSim.fromRp(sim.downloaderHops.subList(0, 2),
        new RelayCell(RelayCommand.RENDEZVOUS_ESTABLISHED, 0, new byte[0]));
    assertThrows(CircuitProtocolException.class, () -> sim.downloader.in(body, true));
  }

  @Test
  void streamCellsBeforeTheCircuitIsReadyDestroy() throws CircuitProtocolException {
    JoinedSim sim = new JoinedSim(2, 1, 14);
    byte[] body = JoinedSim.fromRp(sim.downloaderHops, new RelayCell(RelayCommand.CONNECTED, 1, new byte[0]));
    assertThrows(CircuitProtocolException.class, () -> sim.downloader.in(body, false));
  }
}
