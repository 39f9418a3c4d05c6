package io.shroud.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.admission.Consensus;
import io.shroud.admission.DirectoryBundle;
import io.shroud.admission.RelayFixtures;
import io.shroud.admission.RelayFlag;
import io.shroud.circuit.CircuitsActor;
import io.shroud.crypto.Ed25519;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeId;
import io.shroud.link.ClientLinksActor;
import io.shroud.link.Links;
import io.shroud.testutil.MutableClock;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.DirectoryCells;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client's directory against a links probe (design.md §8.4): the first fetch goes to a
 * bootstrap relay; a bundle signed by a majority of the authorities is taken, published to the
 * links and circuits, saved, and read back at the next start; one signed by a minority is not.
 */
class ClientDirectoryActorTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final RelayFixtures.Net NET = RelayFixtures.network("clientdir", 71);
  /** The keys of {@link RelayFixtures#network}'s authorities (ConsensusFixtures.AUTHORITIES). */
  private static final List<Ed25519.KeyPair> AUTHORITIES = List.of(
      Ed25519.fromPrivateKey(RelayFixtures.filled(32, 1)), Ed25519.fromPrivateKey(RelayFixtures.filled(32, 2)));
  private static final InetSocketAddress BOOTSTRAP = new InetSocketAddress("127.0.0.1", 7400);

  @TempDir
  Path dataDir;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private record Started(ActorRef<ClientDirectoryActor.Command> directory, TestProbe<Links.Command> links,
      ActorRef<Links.Inbound> dirData, TestProbe<DirectoryView> views, TestProbe<CircuitsActor.UseConsensus> consensus,
      AtomicInteger ready) {}

  private Started start() {
    TestProbe<Links.Command> links = KIT.createTestProbe();
    AtomicInteger ready = new AtomicInteger();
    ActorRef<ClientDirectoryActor.Command> directory = KIT.spawn(ClientDirectoryActor.create(
        new ClientDirectoryActor.Setup(NET.definition(), List.of(BOOTSTRAP), dataDir), links.ref(),
        new MutableClock(RelayFixtures.NOW), new SecureRandom(), ready::incrementAndGet));
    Links.Route route = links.expectMessageClass(Links.Route.class, WAIT);
    assertEquals(CellCommand.DIR_DATA, route.command());
    TestProbe<DirectoryView> views = KIT.createTestProbe();
    TestProbe<CircuitsActor.UseConsensus> consensus = KIT.createTestProbe();
    directory.tell(new ClientDirectoryActor.Subscribe(views.ref()));
    directory.tell(new ClientDirectoryActor.SubscribeConsensus(consensus.ref()));
    return new Started(directory, links, route.handler(), views, consensus, ready);
  }

  /** Answers the bootstrap with {@code relay} and its DIR_REQUEST with {@code bundle}. */
  private static void answer(Started s, NodeId relay, DirectoryBundle bundle) throws Exception {
    ClientLinksActor.Bootstrap b = s.links().expectMessageClass(ClientLinksActor.Bootstrap.class, WAIT);
    assertEquals(BOOTSTRAP, b.address());
    b.replyTo().tell(new ClientLinksActor.BootstrapOpened(relay, BOOTSTRAP));
    Links.Send request = s.links().expectMessageClass(Links.Send.class, WAIT);
    assertEquals(relay, request.to());
    assertEquals(CellCommand.DIR_REQUEST, request.cell().command());
    long id = DirectoryCells.decodeRequest(request.cell().payload());
    for (byte[] chunk : DirectoryCells.encodeBundle(id, bundle.encode())) {
      s.dirData().tell(new Links.Inbound(relay, new Cell(0, CellCommand.DIR_DATA, chunk)));
    }
  }

  @Test
  void aMajoritySignedDirectoryIsTakenPublishedSavedAndReadBackAtTheNextStart() throws Exception {
    List<RelayFixtures.Relay> relays = relays(4);
    Started s = start();
    answer(s, relays.get(0).nodeId(), bundle(relays, 2));
    assertEquals(4, s.views().receiveMessage(WAIT).descriptors().size());
    assertEquals(4, s.consensus().receiveMessage(WAIT).consensus().relays().size());
    assertEquals(1, s.ready().get());
    assertTrue(Files.isRegularFile(dataDir.resolve(ClientDirectoryActor.FILE)));
    KIT.stop(s.directory());

    Started again = start(); // the saved bundle, verified again: ready before any relay answers
    assertEquals(4, again.views().receiveMessage(WAIT).descriptors().size());
    assertEquals(1, again.ready().get());
    Links.Send refresh = again.links().expectMessageClass(Links.Send.class, WAIT);
    assertTrue(relays.stream().anyMatch(r -> r.nodeId().equals(refresh.to())),
        "with a directory, it asks a relay the directory lists, by node id");
    KIT.stop(again.directory());
  }

  @Test
  void aDirectorySignedByOneAuthorityOfThreeIsRefused() throws Exception {
    List<RelayFixtures.Relay> relays = relays(3);
    Started s = start();
    answer(s, relays.get(0).nodeId(), bundle(relays, 1));
    s.views().expectNoMessage(Duration.ofMillis(300));
    assertEquals(0, s.ready().get());
    assertFalse(Files.exists(dataDir.resolve(ClientDirectoryActor.FILE)));
    TestProbe<java.util.Optional<Consensus>> current = KIT.createTestProbe();
    s.directory().tell(new ClientDirectoryActor.GetCurrent(current.ref()));
    assertTrue(current.receiveMessage(WAIT).isEmpty());
    // it goes back to a bootstrap relay after its back-off
    assertInstanceOf(ClientLinksActor.Bootstrap.class,
        s.links().expectMessageClass(ClientLinksActor.Bootstrap.class, Duration.ofSeconds(8)));
    KIT.stop(s.directory());
  }

  private static List<RelayFixtures.Relay> relays(int n) {
    List<RelayFixtures.Relay> relays = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      relays.add(RelayFixtures.relay(NET, i));
    }
    relays.sort(Comparator.comparing(RelayFixtures.Relay::nodeId));
    return relays;
  }

  /** A bundle of {@code relays} whose consensus is signed by the first {@code signers} authorities. */
  private static DirectoryBundle bundle(List<RelayFixtures.Relay> relays, int signers) throws Exception {
    List<Consensus.Relay> listed = new ArrayList<>();
    for (int i = 0; i < relays.size(); i++) {
      RelayFixtures.Relay r = relays.get(i);
      listed.add(new Consensus.Relay(r.nodeId(), r.identity().publicKey(),
          (Inet4Address) InetAddress.getByName("10.0.0." + (i + 1)), 7400, Set.of(RelayFlag.GUARD), 1000));
    }
    Instant validAfter = RelayFixtures.NOW.minus(Duration.ofMinutes(30));
    Consensus c = Consensus.unsigned(NET.definition().id(), validAfter, validAfter.plus(Duration.ofHours(1)),
        validAfter.plus(Duration.ofHours(3)), listed);
    for (int i = 0; i < signers; i++) {
      c = c.sign(AUTHORITIES.get(i));
    }
    return new DirectoryBundle(c, relays.stream().map(RelayFixtures.Relay::descriptor).toList());
  }
}
