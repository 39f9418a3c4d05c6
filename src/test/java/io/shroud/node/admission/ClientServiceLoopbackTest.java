package io.shroud.node.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.admission.RelayFixtures;
import io.shroud.circuit.CircuitsActor;
import io.shroud.link.DirectoryFetch;
import io.shroud.link.LinkSettings;
import io.shroud.link.Links;
import io.shroud.link.LinksActor;
import io.shroud.link.OpenLinks;
import io.shroud.node.ClientServiceActor;
import io.shroud.node.DirectoryActor;
import io.shroud.testutil.ClientSocket;
import io.shroud.testutil.MutableClock;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.DirectoryCells;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A real {@link LinksActor} on loopback with a {@link ClientServiceActor}: the service gives the
 * links the relay's proof once its own descriptor is published; a client bootstraps against it,
 * is told NONE while the relay holds no consensus, then (on a new link) fetches the directory
 * with {@link DirectoryFetch} and has it verified against the network; a second request within
 * 60 s is BUSY; a request during an answer closes the link.
 */
class ClientServiceLoopbackTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @Test
  void aClientFetchesTheRelaysDirectoryOverItsLink() throws Exception {
    // 60 relays: an answer of ~22 DIR_DATA cells, more than one window of 16, so it is still being
    // sent when the last step's second request arrives (3 relays fit one window, and an answer
    // sent whole before that request was read made it BUSY instead of a violation under load)
    List<RelayFixtures.Relay> relays = DirectoryAnswersTest.relays(60);
    RelayFixtures.Relay self = relays.get(0);
    TestProbe<Links.Command> seen = KIT.createTestProbe();
    ActorRef<Links.Command> links = KIT.spawn(Behaviors.monitor(Links.Command.class, seen.ref(),
        LinksActor.create(self.nodeId(), self.linkKey(), new InetSocketAddress("127.0.33.1", 0),
            LinkSettings.defaults(), subscriber -> { }, Clock.systemUTC(), new SecureRandom(), OpenLinks.create())));
    TestProbe<InetSocketAddress> bound = KIT.createTestProbe();
    links.tell(new LinksActor.GetLocalAddress(bound.ref()));
    InetSocketAddress address = bound.receiveMessage(WAIT);

    CompletableFuture<ActorRef<CircuitsActor.UseConsensus>> consensus = new CompletableFuture<>();
    CompletableFuture<ActorRef<DirectoryActor.SignedView>> directory = new CompletableFuture<>();
    KIT.spawn(ClientServiceActor.create(new ClientServiceActor.Setup(links, consensus::complete, directory::complete,
        self::certificate, new MutableClock(RelayFixtures.NOW))));
    directory.get().tell(new DirectoryActor.SignedView(Optional.of(self.descriptor()),
        relays.stream().map(DirectoryAnswersTest::kept).toList()));
    // the monitor sees it before the links actor handles it: the client's connection comes after
    seen.fishForMessage(WAIT, m -> m instanceof Links.AcceptClients ? FishingOutcomes.complete()
        : FishingOutcomes.continueAndIgnore());

    try (ClientSocket client = new ClientSocket(address, DirectoryAnswersTest.NET.definition())) {
      assertEquals(self.nodeId(), client.bootstrap().relay().nodeId(), "the proof is the relay's own");
      DirectoryFetch fetch = fetch();
      client.send(new Cell(0, CellCommand.DIR_REQUEST, fetch.request()));
      assertEquals(new DirectoryFetch.Declined(DirectoryCells.Status.NONE), fetch.onData(data(client)),
          "no consensus yet");
    }

    consensus.get().tell(new CircuitsActor.UseConsensus(DirectoryAnswersTest.consensus(relays,
        DirectoryAnswersTest.VALID_AFTER)));
    try (ClientSocket client = new ClientSocket(address, DirectoryAnswersTest.NET.definition())) {
      DirectoryFetch fetch = fetch();
      client.send(new Cell(0, CellCommand.DIR_REQUEST, fetch.request()));
      DirectoryFetch.Outcome outcome;
      do {
        outcome = fetch.onData(data(client));
      } while (outcome instanceof DirectoryFetch.Pending);
      DirectoryFetch.Fetched fetched = assertInstanceOf(DirectoryFetch.Fetched.class, outcome);
      assertEquals(relays.stream().map(RelayFixtures.Relay::nodeId).toList(),
          fetched.directory().descriptors().stream().map(d -> d.nodeId()).toList());

      client.send(new Cell(0, CellCommand.DIR_REQUEST, fetch.request()));
      assertEquals(new DirectoryFetch.Declined(DirectoryCells.Status.BUSY), fetch.onData(data(client)),
          "one answer per 60 s per link");
    }

    try (ClientSocket client = new ClientSocket(address, DirectoryAnswersTest.NET.definition())) {
      client.send(new Cell(0, CellCommand.DIR_REQUEST, DirectoryCells.encodeRequest(1)),
          new Cell(0, CellCommand.DIR_REQUEST, DirectoryCells.encodeRequest(2)));
      assertTrue(client.closedWithin(WAIT), "a second request during an answer is a violation");
    }
    KIT.stop(links, WAIT);
  }

  private static DirectoryFetch fetch() {
    return new DirectoryFetch(DirectoryAnswersTest.NET.definition(), null, new MutableClock(RelayFixtures.NOW),
        RelayFixtures.SKEW, new Random(), 1 << 20);
  }

  private static byte[] data(ClientSocket client) throws Exception {
    Cell cell = client.next();
    assertEquals(CellCommand.DIR_DATA, cell.command());
    return cell.payload();
  }
}
