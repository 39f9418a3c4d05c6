package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.CircuitHandshakeClient;
import io.shroud.crypto.HopKeys;
import io.shroud.identity.NodeId;
import io.shroud.link.Links;
import io.shroud.testutil.SeededRandom;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Test fixture: an origin built by hand on a {@link CircuitNet}'s in-memory links, as a seeder or
 * downloader would drive one: CREATE to the first relay and EXTEND through it, every handshake
 * finished with its {@code KH} kept ({@link #kh}), and relay cells sealed and opened with one
 * {@link HopCrypto} per hop as {@link OnionLayers} does, plus what an end of a joined circuit
 * does (protocol §11.8): a virtual hop after the last ({@link #addVirtualHop}), or all real layers
 * added or removed without a tag ({@link #wrapAll}, {@link #peelAll}). Every cell the relays send
 * back lands in a probe.
 */
final class HandOrigin {
  static final Duration WAIT = Duration.ofSeconds(10);

  final NodeId id;
  private final List<HopCrypto> hops = new ArrayList<>();
  final List<byte[]> khs = new ArrayList<>();
  private final ActorRef<Links.Command> links;
  private final TestProbe<Links.Inbound> inbox;
  private final NodeId first;
  private final int circuitId;

  /** A circuit through {@code path} (1–4 relays of {@code net}), built now; {@code seed} fixes its keys. */
  HandOrigin(ActorTestKit testKit, CircuitNet net, long seed, CircuitNet.Node... path) throws Exception {
    SecureRandom random = SeededRandom.of(seed);
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    id = NodeId.of(raw);
    links = net.links.linksOf(id);
    inbox = testKit.createTestProbe();
    for (CellCommand command : List.of(CellCommand.CREATED, CellCommand.RELAY, CellCommand.DESTROY)) {
      links.tell(new Links.Route(command, inbox.ref()));
    }
    first = path[0].id();
    // every relay of the path, not only the first: a CREATE to a relay whose circuits actor has
    // not registered yet is dropped unrouted, and the EXTENDED never comes (seen under load)
    inbox.awaitAssert(WAIT, () -> {
      for (CircuitNet.Node node : path) {
        assertTrue(net.links.hasRoute(node.id(), CellCommand.CREATE), "relay " + node.id().shortHex() + " routes CREATEs");
      }
      return null;
    });
    circuitId = new CircuitIdAllocator(id, random).allocate(first, i -> false);
    CircuitHandshakeClient handshake = CircuitHandshakeClient.start(first.toBytes(), path[0].onionKey().publicKey(),
        random);
    links.tell(new Links.Send(first, new Cell(circuitId, CellCommand.CREATE,
        HandshakeFraming.createCellPayload(handshake.createMessage()))));
    Cell created = receiveCell();
    assertEquals(CellCommand.CREATED, created.command(), "CREATED from the first hop");
    addHop(handshake.finishWithBinding(HandshakeFraming.parseCreatedCellPayload(created.payload())));
    for (int i = 1; i < path.length; i++) {
      CircuitNet.Node next = path[i];
      RelayDirectory directory = RelayDirectory.of(List.of(next.descriptor()));
      handshake = CircuitHandshakeClient.start(next.id().toBytes(), next.onionKey().publicKey(), random);
      ExtendRequest extend = new ExtendRequest(next.id(), directory.relays().get(0).address(),
          directory.entry(next.id()).orElseThrow().port(), handshake.createMessage());
      send(i - 1, new RelayCell(RelayCommand.EXTEND, 0, extend.encode()));
      OnionLayers.Inbound extended = receive();
      assertEquals(RelayCommand.EXTENDED, extended.cell().command(), "EXTENDED from hop " + (i - 1));
      addHop(handshake.finishWithBinding(HandshakeFraming.parseExtendedData(extended.cell().data())));
    }
  }

  private void addHop(CircuitHandshakeClient.Finished finished) {
    hops.add(new HopCrypto(finished.keys()));
    khs.add(finished.kh());
  }

  /** The end-to-end hop of a downloader: one more hop after the rendezvous point, keyed with {@code keys}. */
  void addVirtualHop(HopKeys keys) {
    hops.add(new HopCrypto(keys));
  }

  /** The index of the last hop. */
  int last() {
    return hops.size() - 1;
  }

  /** {@code KH} of the last hop. */
  byte[] kh() {
    return khs.get(last()).clone();
  }

  /** Seals {@code cell} for hop {@code hop} and sends it (protocol §6.6.4). */
  void send(int hop, RelayCell cell) {
    byte[] body = RelayCellFormat.encode(cell);
    hops.get(hop).forward.seal(body);
    for (int i = hop; i >= 0; i--) {
      body = crypt(hops.get(i).forward, body);
    }
    sendBody(body);
  }

  /** A seeder's end-to-end cell (already sealed by its virtual hop) with every real forward layer added. */
  byte[] wrapAll(byte[] body) {
    for (int i = hops.size() - 1; i >= 0; i--) {
      body = crypt(hops.get(i).forward, body);
    }
    return body;
  }

  /** A backward body with every real layer removed, unchecked: what a seeder's virtual hop then opens. */
  byte[] peelAll(byte[] body) {
    for (HopCrypto hop : hops) {
      body = crypt(hop.backward, body);
    }
    return body;
  }

  private static byte[] crypt(HopCrypto.Direction direction, byte[] body) {
    byte[] out = new byte[RelayCellFormat.BODY_BYTES];
    direction.crypt(body, out);
    return out;
  }

  /** Sends a 4075-byte body, already layered, on the first link. */
  void sendBody(byte[] body) {
    links.tell(new Links.Send(first, new Cell(circuitId, CellCommand.RELAY, body)));
  }

  /** The next cell for this circuit. */
  Cell receiveCell() {
    Cell cell = inbox.receiveMessage(WAIT).cell();
    assertEquals(circuitId, cell.circuitId());
    return cell;
  }

  /** The next RELAY cell's body, layers still on. */
  byte[] receiveBody() {
    Cell cell = receiveCell();
    assertEquals(CellCommand.RELAY, cell.command(), "a RELAY cell");
    return cell.payload();
  }

  /** The next RELAY cell, opened (protocol §6.6.5): the hop that recognized it and the cell. */
  OnionLayers.Inbound receive() throws CircuitProtocolException {
    byte[] body = receiveBody();
    for (int i = 0; i < hops.size(); i++) {
      body = crypt(hops.get(i).backward, body);
      if (hops.get(i).backward.recognizes(body)) {
        return new OnionLayers.Inbound(i, RelayCellFormat.decode(body));
      }
    }
    throw new CircuitProtocolException("backward cell recognized by no hop");
  }

  /** The next relay cell must come from the last hop with {@code command}; its data. */
  byte[] expect(RelayCommand command) throws CircuitProtocolException {
    OnionLayers.Inbound in = receive();
    assertEquals(last(), in.hop(), "from the last hop");
    assertEquals(command, in.cell().command());
    return in.cell().data();
  }

  /** The next cell must be a DESTROY with {@code reason}. */
  void expectDestroy(DestroyReason reason) {
    Cell cell = receiveCell();
    assertEquals(CellCommand.DESTROY, cell.command(), "DESTROY expected");
    assertEquals(reason.code(), cell.payload(0, 1)[0] & 0xFF, "DESTROY reason");
  }

  /** Nothing arrives for {@code millis}. */
  void expectNothing(long millis) {
    inbox.expectNoMessage(Duration.ofMillis(millis));
  }

  /** Ends the circuit (DESTROY FINISHED towards the first hop). */
  void destroy() {
    links.tell(new Links.Send(first, new Cell(circuitId, CellCommand.DESTROY,
        new byte[] {(byte) DestroyReason.FINISHED.code()})));
  }
}
