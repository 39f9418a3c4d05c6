package io.shroud.dht;

import io.shroud.identity.NodeId;
import io.shroud.link.InMemoryLinks;
import io.shroud.link.Links;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A scripted DHT peer on {@link InMemoryLinks}: reports every DHT message it receives to a
 * probe as {@link Heard} and, when {@code answers}, answers PING with PONG and FIND_NODE /
 * FIND_VALUE with an empty NODES / VALUES. Can send raw cells, crafted or malformed.
 */
final class FakePeer {
  record Heard(NodeId peer, NodeId from, DhtMessage message) {}

  final NodeId id;
  final ActorRef<Links.Command> links;

  FakePeer(ActorTestKit kit, InMemoryLinks net, NodeId id, TestProbe<Heard> probe, boolean answers) {
    this.id = id;
    this.links = net.linksOf(id);
    ActorRef<Links.Inbound> handler = kit.spawn(behavior(probe.getRef(), answers),
        "peer-" + id.shortHex());
    links.tell(new Links.Route(CellCommand.DHT, handler));
    TestProbe<Links.PeersView> ready = kit.createTestProbe();
    links.tell(new Links.GetPeers(ready.getRef()));
    ready.receiveMessage();
  }

  void send(NodeId to, DhtMessage m) {
    links.tell(new Links.Send(to, DhtCellFraming.toCell(m)));
  }

  void sendRaw(NodeId to, byte[] payload) {
    links.tell(new Links.Send(to, new Cell(0, CellCommand.DHT, payload)));
  }

  private Behavior<Links.Inbound> behavior(ActorRef<Heard> probe, boolean answers) {
    return Behaviors.receive((ctx, in) -> {
      DhtMessage m = DhtCellFraming.fromCell(in.cell());
      probe.tell(new Heard(id, in.from(), m));
      if (answers) {
        DhtMessage reply = null;
        if (m instanceof DhtMessage.Ping p) {
          reply = new DhtMessage.Pong(p.txId());
        } else if (m instanceof DhtMessage.FindNode f) {
          reply = new DhtMessage.Nodes(f.txId(), List.of());
        } else if (m instanceof DhtMessage.FindValue f) {
          reply = new DhtMessage.Values(f.txId(), List.of(), List.of());
        }
        if (reply != null) {
          send(in.from(), reply);
        }
      }
      return Behaviors.same();
    });
  }
}
