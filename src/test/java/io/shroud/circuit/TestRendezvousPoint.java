package io.shroud.circuit;

import io.shroud.crypto.CircuitHandshakeRelay;
import io.shroud.crypto.ReplayCache;
import io.shroud.hidden.HiddenCellException;
import io.shroud.hidden.HiddenCells;
import io.shroud.identity.NodeId;
import io.shroud.link.Links;
import io.shroud.testutil.SeededRandom;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Test double of a rendezvous point (protocol §11.7), standing in for a node's circuits: it
 * answers CREATEs as a last hop (no EXTEND), takes ESTABLISH_RENDEZVOUS and RENDEZVOUS1, and
 * joins the two circuits: a forward cell it does not recognize on one goes on the other with
 * that circuit's backward layer. DESTROY on one destroys the other. Any other recognized cell,
 * or an unrecognized one on a circuit not joined, destroys the circuit. One quirk for tests: an
 * ESTABLISH_RENDEZVOUS whose cookie starts with 0xFF is answered with INTRO_ESTABLISHED, a
 * command the origin never asked for.
 */
final class TestRendezvousPoint {
  private TestRendezvousPoint() {}

  /** One circuit ending here. */
  private static final class Hop {
    final NodeId previous;
    final int id;
    final RelayLayer layer;
    Hop partner;

    Hop(NodeId previous, int id, RelayLayer layer) {
      this.previous = previous;
      this.id = id;
      this.layer = layer;
    }
  }

  private record Key(NodeId node, int id) {}

  /** Routes CREATE, RELAY and DESTROY of {@code node} (whose onion key is given) to the double. */
  static void takeOver(CircuitNet net, CircuitNet.Node node,
      org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit testKit) {
    ActorRef<Links.Command> links = net.links.linksOf(node.id());
    CircuitHandshakeRelay handshake = new CircuitHandshakeRelay(node.id().toBytes(), node.onionKey(), null,
        Clock.systemUTC(), SeededRandom.of(99), new ReplayCache(Clock.systemUTC(), 1024));
    ActorRef<Links.InboundCells> rp = testKit.spawn(behavior(links, handshake));
    for (CellCommand command : new CellCommand[] {CellCommand.CREATE, CellCommand.RELAY, CellCommand.DESTROY}) {
      links.tell(new Links.RouteCells(command, rp));
    }
  }

  private static Behavior<Links.InboundCells> behavior(ActorRef<Links.Command> links, CircuitHandshakeRelay handshake) {
    Map<Key, Hop> hops = new HashMap<>();
    Map<ByteBuffer, Hop> cookies = new HashMap<>();
    return Behaviors.receiveMessage(in -> {
      for (Cell cell : in.cells()) {
        Key key = new Key(in.from(), cell.circuitId());
        Hop hop = hops.get(key);
        switch (cell.command()) {
          case CREATE -> {
            CircuitHandshakeRelay.Response response = handshake.respond(
                HandshakeFraming.parseCreateCellPayload(cell.payload()));
            hops.put(key, new Hop(in.from(), cell.circuitId(), new RelayLayer(response.keys())));
            send(links, in.from(), new Cell(cell.circuitId(), CellCommand.CREATED,
                HandshakeFraming.createdCellPayload(response.created())));
          }
          case RELAY -> {
            if (hop != null) {
              try {
                onRelay(links, hop, cell.sharedPayload(), cookies);
              } catch (CircuitProtocolException | HiddenCellException e) {
                destroy(links, hops, hop);
              }
            }
          }
          case DESTROY -> {
            if (hop != null) {
              hops.remove(key);
              destroy(links, hops, hop.partner);
            }
          }
          default -> { }
        }
      }
      return Behaviors.same();
    });
  }

  private static void onRelay(ActorRef<Links.Command> links, Hop hop, byte[] body, Map<ByteBuffer, Hop> cookies)
      throws CircuitProtocolException, HiddenCellException {
    RelayLayer.Outcome outcome = hop.layer.forward(body, hop.partner != null);
    if (outcome instanceof RelayLayer.Forward forward) {
      Hop to = hop.partner;
      send(links, to.previous, Cell.adopt(to.id, CellCommand.RELAY, to.layer.backward(forward.body())));
      return;
    }
    RelayCell cell = ((RelayLayer.Recognized) outcome).cell();
    if (hop.partner != null) {
      throw new CircuitProtocolException("a cell recognized on a joined circuit");
    }
    switch (cell.command()) {
      case ESTABLISH_RENDEZVOUS -> {
        byte[] cookie = HiddenCells.decodeEstablishRendezvous(cell.data());
        cookies.put(ByteBuffer.wrap(cookie), hop);
        RelayCommand answer = (cookie[0] & 0xFF) == 0xFF ? RelayCommand.INTRO_ESTABLISHED
            : RelayCommand.RENDEZVOUS_ESTABLISHED;
        originate(links, hop, new RelayCell(answer, 0, new byte[0]));
      }
      case RENDEZVOUS1 -> {
        HiddenCells.Rendezvous1 rendezvous1 = HiddenCells.decodeRendezvous1(cell.data());
        Hop downloader = cookies.remove(ByteBuffer.wrap(rendezvous1.cookie()));
        if (downloader == null) {
          throw new CircuitProtocolException("unknown cookie");
        }
        originate(links, downloader, new RelayCell(RelayCommand.RENDEZVOUS2, 0, rendezvous1.rendezvous2()));
        downloader.partner = hop;
        hop.partner = downloader;
      }
      default -> throw new CircuitProtocolException("unexpected " + cell.command() + " at the test RP");
    }
  }

  private static void originate(ActorRef<Links.Command> links, Hop hop, RelayCell cell) {
    send(links, hop.previous, Cell.adopt(hop.id, CellCommand.RELAY, hop.layer.originate(cell)));
  }

  /** DESTROY to {@code hop} and to its partner, both forgotten. */
  private static void destroy(ActorRef<Links.Command> links, Map<Key, Hop> hops, Hop hop) {
    for (Hop h : hop == null ? new Hop[0] : hop.partner == null ? new Hop[] {hop} : new Hop[] {hop, hop.partner}) {
      if (hops.remove(new Key(h.previous, h.id)) != null) {
        send(links, h.previous, new Cell(h.id, CellCommand.DESTROY, new byte[] {(byte) DestroyReason.PROTOCOL.code()}));
      }
    }
  }

  private static void send(ActorRef<Links.Command> links, NodeId to, Cell cell) {
    links.tell(new Links.Send(to, cell));
  }

  static byte[] cookie(byte first) {
    byte[] cookie = new byte[HiddenCells.COOKIE_BYTES];
    Arrays.fill(cookie, (byte) 7);
    cookie[0] = first;
    return cookie;
  }
}
