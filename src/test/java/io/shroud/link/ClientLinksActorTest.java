package io.shroud.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.admission.RelayCertificates;
import io.shroud.admission.RelayFixtures;
import io.shroud.admission.RelayProof;
import io.shroud.identity.DirectoryView;
import io.shroud.testutil.MutableClock;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.DirectoryCells;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A client's {@link ClientLinksActor} against real relay {@link LinksActor}s on loopback
 * (docs/protocol.md §4.10): it bootstraps by address and learns which relay it reached, refuses a
 * relay of another network before completing the handshake, dials a relay of its directory by
 * descriptor, and its cells reach the relay's handlers under a local label, never its node id.
 */
class ClientLinksActorTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final RelayFixtures.Net NET = RelayFixtures.network("clientnet", 62);
  private static final RelayFixtures.Net OTHER = RelayFixtures.network("othernet", 63);

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private record Client(ActorRef<Links.Command> links, TestProbe<Links.LinkEvent> events,
      TestProbe<Links.Inbound> dirData, TestProbe<ActorRef<DirectoryView>> directorySubscriber) {}

  private static Client client() {
    TestProbe<ActorRef<DirectoryView>> subscriber = KIT.createTestProbe();
    ActorRef<Links.Command> links = KIT.spawn(ClientLinksActor.create(NET.definition(), LinkSettings.defaults(),
        sub -> subscriber.ref().tell(sub), new MutableClock(RelayFixtures.NOW), new SecureRandom(), OpenLinks.create()));
    TestProbe<Links.LinkEvent> events = KIT.createTestProbe();
    TestProbe<Links.Inbound> dirData = KIT.createTestProbe();
    links.tell(new Links.WatchLinks(events.ref()));
    links.tell(new Links.Route(CellCommand.DIR_DATA, dirData.ref()));
    return new Client(links, events, dirData, subscriber);
  }

  private static LinkNode relay(String host, RelayFixtures.Net net) {
    LinkNode relay = new LinkNode(KIT, host, LinkSettings.defaults());
    relay.directory(relay.descriptor());
    var cert = RelayCertificates.issue(net.root(), relay.identity.publicKey(),
        RelayFixtures.NOW.minus(Duration.ofHours(1)), RelayFixtures.NOW.plus(Duration.ofDays(1)), new SecureRandom());
    relay.links.tell(new Links.AcceptClients(RelayProof.of(cert, RelayFixtures.descriptor(relay.identity,
        relay.linkKey.publicKey(), 1, RelayFixtures.NOW.minusSeconds(60), RelayFixtures.NOW.plus(Duration.ofHours(3))))
        .encode()));
    return relay;
  }

  @Test
  void aClientBootstrapsByAddressAndTalksToTheRelayUnderALabel() throws Exception {
    LinkNode relay = relay("127.0.32.1", NET);
    TestProbe<Links.Inbound> requests = KIT.createTestProbe();
    relay.links.tell(new Links.Route(CellCommand.DIR_REQUEST, requests.ref()));
    Client c = client();
    TestProbe<ClientLinksActor.BootstrapResult> result = KIT.createTestProbe();
    c.links().tell(new ClientLinksActor.Bootstrap(relay.address, result.ref()));
    ClientLinksActor.BootstrapOpened opened = assertInstanceOf(ClientLinksActor.BootstrapOpened.class,
        result.receiveMessage(WAIT));
    assertEquals(relay.id, opened.relay(), "the client learns the relay's node id from its proof");
    assertEquals(new Links.LinkUp(relay.id, true), c.events().receiveMessage(WAIT));

    c.links().tell(new Links.Send(relay.id, new Cell(0, CellCommand.DIR_REQUEST, DirectoryCells.encodeRequest(9))));
    Links.Inbound request = requests.receiveMessage(WAIT);
    assertEquals(9, DirectoryCells.decodeRequest(request.cell().payload()));
    assertNotEquals(relay.id, request.from());
    relay.links.tell(new Links.Send(request.from(), new Cell(0, CellCommand.DIR_DATA,
        DirectoryCells.encodeEmpty(9, DirectoryCells.Status.NONE))));
    Links.Inbound answer = c.dirData().receiveMessage(WAIT);
    assertEquals(relay.id, answer.from());
    assertEquals(DirectoryCells.Status.NONE, DirectoryCells.decodeData(answer.cell().payload()).status());
    relay.events.expectNoMessage(Duration.ofMillis(100)); // no LinkUp at the relay: a client link
    relay.stop();
  }

  @Test
  void aRelayOfAnotherNetworkIsRefusedBeforeMessage3() {
    LinkNode stranger = relay("127.0.32.2", OTHER);
    TestProbe<Links.Inbound> requests = KIT.createTestProbe();
    stranger.links.tell(new Links.Route(CellCommand.DIR_REQUEST, requests.ref()));
    Client c = client();
    TestProbe<ClientLinksActor.BootstrapResult> result = KIT.createTestProbe();
    c.links().tell(new ClientLinksActor.Bootstrap(stranger.address, result.ref()));
    ClientLinksActor.BootstrapFailed failed = assertInstanceOf(ClientLinksActor.BootstrapFailed.class,
        result.receiveMessage(WAIT));
    assertTrue(failed.reason().contains("trust root"), failed.reason());
    c.events().expectNoMessage(Duration.ofMillis(100));
    stranger.stop();
  }

  @Test
  void aRelayOfTheDirectoryIsDialledByDescriptor() throws Exception {
    LinkNode relay = relay("127.0.32.3", NET);
    TestProbe<Links.Inbound> requests = KIT.createTestProbe();
    relay.links.tell(new Links.Route(CellCommand.DIR_REQUEST, requests.ref()));
    Client c = client();
    c.directorySubscriber().receiveMessage(WAIT).tell(new DirectoryView(List.of(relay.descriptor())));
    c.links().tell(new Links.Send(relay.id, new Cell(0, CellCommand.DIR_REQUEST, DirectoryCells.encodeRequest(5))));
    assertEquals(new Links.LinkUp(relay.id, true), c.events().receiveMessage(WAIT));
    Links.Inbound request = requests.receiveMessage(WAIT);
    assertEquals(5, DirectoryCells.decodeRequest(request.cell().payload()), "the held cell went once the link was up");
    assertNotEquals(relay.id, request.from());

    TestProbe<Links.PeersView> peers = KIT.createTestProbe();
    c.links().tell(new Links.GetPeers(peers.ref()));
    assertEquals(relay.id.toHex(), peers.receiveMessage(WAIT).peers().get(0).nodeId());
    relay.stop();
  }
}
