package io.shroud.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.admission.RelayCertificates;
import io.shroud.admission.RelayFixtures;
import io.shroud.admission.RelayProof;
import io.shroud.crypto.X25519;
import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.CellFormat;
import io.shroud.wire.DirectoryCells;
import io.shroud.wire.LinkCipher;
import io.shroud.wire.RekeyPolicy;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A real {@link LinksActor} on loopback taking client links (docs/protocol.md §4.10): a client
 * with only the network definition and the address bootstraps over XX and verifies the relay; its
 * DIR_REQUEST reaches the node's handler under a local label and the answer comes back on the
 * link; a client is never announced as a link; a DHT cell from it closes the link.
 */
class ClientLinkLoopbackTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final RelayFixtures.Net NET = RelayFixtures.network("loopnet", 61);

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @Test
  void aClientBootstrapsFetchesOverItsLinkAndIsCutForADhtCell() throws Exception {
    LinkNode relay = new LinkNode(KIT, "127.0.31.1", LinkSettings.defaults());
    relay.directory(relay.descriptor());
    relay.links.tell(new Links.AcceptClients(proofOf(relay).encode()));
    TestProbe<Links.Inbound> directory = KIT.createTestProbe();
    relay.links.tell(new Links.Route(CellCommand.DIR_REQUEST, directory.ref()));
    try (Socket socket = new Socket(relay.address.getAddress(), relay.address.getPort())) {
      socket.setSoTimeout(5000);
      ClientBootstrap client = new ClientBootstrap(NET.definition(), id -> false, new MutableClock(RelayFixtures.NOW),
          RelayFixtures.SKEW, new SecureRandom());
      LinkCipher cipher = bootstrap(socket, client);
      assertEquals(relay.id, client.relay().nodeId(), "the client knows which relay it reached");

      OutputStream out = socket.getOutputStream();
      out.write(cipher.seal(new Cell(0, CellCommand.DIR_REQUEST, DirectoryCells.encodeRequest(42))));
      out.flush();
      Links.Inbound request = directory.receiveMessage(WAIT);
      assertEquals(42, DirectoryCells.decodeRequest(request.cell().payload()));
      NodeId label = request.from();
      assertNotEquals(relay.id, label);

      relay.links.tell(new Links.Send(label, new Cell(0, CellCommand.DIR_DATA,
          DirectoryCells.encodeEmpty(42, DirectoryCells.Status.NONE))));
      Cell answer = nextCell(socket, cipher, CellCommand.DIR_DATA);
      assertEquals(DirectoryCells.Status.NONE, DirectoryCells.decodeData(answer.payload()).status());
      relay.links.tell(new Links.Send(label, new Cell(0, CellCommand.DHT, new byte[] {1})));
      relay.links.tell(new Links.Send(label, new Cell(0, CellCommand.DIR_DATA,
          DirectoryCells.encodeEmpty(43, DirectoryCells.Status.BUSY))));
      assertEquals(43, DirectoryCells.decodeData(nextCell(socket, cipher, CellCommand.DIR_DATA).payload()).requestId(),
          "the relay never sends a client a DHT cell");

      relay.events.expectNoMessage(Duration.ofMillis(200)); // a client link is no LinkUp
      assertEquals(0, relay.stats().openLinks(), "a client link is not among the relay's links");

      out.write(cipher.seal(new Cell(0, CellCommand.DHT, new byte[] {1, 2, 3})));
      out.flush();
      assertTrue(closedWithin(socket, WAIT), "a DHT cell from a client cuts the link");
      relay.events.awaitAssert(WAIT, () -> {
        assertEquals(1, relay.stats().violations());
        return null;
      });
    }
    relay.stop();
  }

  @Test
  void anXkInitiatorWithAnUnknownKeyIsAClientLinkWhenTheRelayTakesClients() throws Exception {
    LinkNode relay = new LinkNode(KIT, "127.0.31.2", LinkSettings.defaults());
    relay.directory(relay.descriptor());
    relay.links.tell(new Links.AcceptClients(proofOf(relay).encode()));
    TestProbe<Links.Inbound> directory = KIT.createTestProbe();
    relay.links.tell(new Links.Route(CellCommand.DIR_REQUEST, directory.ref()));
    try (Socket socket = new Socket(relay.address.getAddress(), relay.address.getPort())) {
      socket.setSoTimeout(5000);
      LinkCipher cipher = LinksActorTest.rawHandshake(socket, X25519.generate(new SecureRandom()),
          relay.linkKey.publicKey());
      socket.getOutputStream().write(cipher.seal(new Cell(0, CellCommand.DIR_REQUEST, DirectoryCells.encodeRequest(7))));
      socket.getOutputStream().flush();
      assertEquals(7, DirectoryCells.decodeRequest(directory.receiveMessage(WAIT).cell().payload()));
      relay.events.expectNoMessage(Duration.ofMillis(200));
    }
    relay.stop();
  }

  @Test
  void aRelayTakenForAClientBeforeItsDescriptorArrivedIsCutWhenItDoes() throws Exception {
    LinkNode relay = new LinkNode(KIT, "127.0.31.4", LinkSettings.defaults());
    LinkNode early = new LinkNode(KIT, "127.0.31.5", LinkSettings.defaults());
    relay.directory(relay.descriptor()); // early's descriptor has not arrived yet
    relay.links.tell(new Links.AcceptClients(proofOf(relay).encode()));
    TestProbe<Links.Inbound> directory = KIT.createTestProbe();
    relay.links.tell(new Links.Route(CellCommand.DIR_REQUEST, directory.ref()));
    try (Socket socket = new Socket(relay.address.getAddress(), relay.address.getPort())) {
      socket.setSoTimeout(5000);
      LinkCipher cipher = LinksActorTest.rawHandshake(socket, early.linkKey, relay.linkKey.publicKey());
      socket.getOutputStream().write(cipher.seal(new Cell(0, CellCommand.DIR_REQUEST, DirectoryCells.encodeRequest(3))));
      socket.getOutputStream().flush();
      directory.receiveMessage(WAIT); // taken as a client link
      relay.directory(relay.descriptor(), early.descriptor());
      assertTrue(closedWithin(socket, WAIT), "the relay's link, taken for a client's, is closed once it is known");
    }
    early.stop();
    relay.stop();
  }

  @Test
  void aRelayThatTakesNoClientsClosesABootstrapAtMessage1() throws Exception {
    LinkNode relay = new LinkNode(KIT, "127.0.31.3", LinkSettings.defaults());
    relay.directory(relay.descriptor());
    try (Socket socket = new Socket(relay.address.getAddress(), relay.address.getPort())) {
      socket.setSoTimeout(5000);
      ClientBootstrap client = new ClientBootstrap(NET.definition(), id -> false, new MutableClock(RelayFixtures.NOW),
          RelayFixtures.SKEW, new SecureRandom());
      socket.getOutputStream().write(client.start());
      socket.getOutputStream().flush();
      assertEquals(-1, socket.getInputStream().read(), "closed with nothing sent");
    }
    relay.events.awaitAssert(WAIT, () -> {
      assertEquals(1, relay.stats().violations());
      return null;
    });
    assertFalse(relay.stats().openLinks() > 0);
    relay.stop();
  }

  /** Reads (and ignores: padding keeps coming) until the peer closes; false if it has not within {@code wait}. */
  private static boolean closedWithin(Socket socket, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    byte[] buf = new byte[8192];
    try {
      while (System.nanoTime() < deadline) {
        if (socket.getInputStream().read(buf) < 0) {
          return true;
        }
      }
      return false;
    } catch (java.io.IOException e) {
      return e instanceof java.net.SocketException;
    }
  }

  /** The relay proof of a test node: a certificate of {@link #NET} for its identity, its descriptor. */
  private static RelayProof proofOf(LinkNode node) {
    var cert = RelayCertificates.issue(NET.root(), node.identity.publicKey(), RelayFixtures.NOW.minus(Duration.ofHours(1)),
        RelayFixtures.NOW.plus(Duration.ofDays(1)), new SecureRandom());
    return RelayProof.of(cert, RelayFixtures.descriptor(node.identity, node.linkKey.publicKey(), 1,
        RelayFixtures.NOW.minusSeconds(60), RelayFixtures.NOW.plus(Duration.ofHours(3))));
  }

  /** The client's side of the bootstrap over {@code socket}; the record cipher. */
  private static LinkCipher bootstrap(Socket socket, ClientBootstrap client) throws Exception {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    OutputStream out = socket.getOutputStream();
    out.write(client.start());
    out.flush();
    byte[] m2 = new byte[in.readUnsignedShort()];
    in.readFully(m2);
    out.write(client.onMessage2(m2));
    out.flush();
    return client.finish(RekeyPolicy.DEFAULT);
  }

  /** The next cell that is not link control (padding and pings pass by); it must be a {@code command}. */
  private static Cell nextCell(Socket socket, LinkCipher cipher, CellCommand command) throws Exception {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    byte[] record = new byte[CellFormat.RECORD_BYTES];
    while (true) {
      in.readFully(record);
      Cell cell = cipher.open(record);
      if (!cell.command().isLinkControl()) {
        assertEquals(command, cell.command());
        return cell;
      }
    }
  }
}
