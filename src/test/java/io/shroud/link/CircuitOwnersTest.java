package io.shroud.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shroud.dht.NodeId;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Link readers hand RELAY cells of circuits in {@link CircuitOwners} to their owner, and
 * everything else, DESTROY and what follows it included, to the handlers, in an order that
 * keeps a circuit's cells as they were sent (real links on loopback).
 */
class CircuitOwnersTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  /** What an owner or a handler got: the circuit id, the command and the text of each cell. */
  private record Got(String by, int circuitId, CellCommand command, String text) {}

  private static Cell cell(int circuitId, CellCommand command, String text) {
    return new Cell(circuitId, command, text.getBytes(StandardCharsets.UTF_8));
  }

  private static void record(TestProbe<Got> probe, String by, List<Cell> cells) {
    for (Cell c : cells) {
      probe.ref().tell(new Got(by, c.circuitId(), c.command(),
          new String(c.payload(), StandardCharsets.UTF_8).trim()));
    }
  }

  private record Pair(LinkNode a, LinkNode b) {
    void stop() {
      a.stop();
      b.stop();
    }
  }

  /**
   * Nodes a and b over one open link. At b, the handler of RELAY and DESTROY cells reports to
   * {@code got} as "handler", and the owner of a's circuit 7 as "owner".
   */
  private static Pair linked(String hostA, String hostB, TestProbe<Got> got) {
    LinkNode a = new LinkNode(KIT, hostA, LinkSettings.defaults());
    LinkNode b = new LinkNode(KIT, hostB, LinkSettings.defaults());
    LinkNode.directoryOfAll(a, b);
    ActorRef<Links.InboundCells> handler = KIT.spawn(Behaviors.receive(Links.InboundCells.class)
        .onAnyMessage(in -> {
          record(got, "handler", in.cells());
          return Behaviors.same();
        }).build());
    b.links.tell(new Links.RouteCells(CellCommand.RELAY, handler));
    b.links.tell(new Links.RouteCells(CellCommand.DESTROY, handler));
    b.circuitOwners.put(a.id, 7, (NodeId from, List<Cell> cells) -> record(got, "owner", cells));
    a.links.tell(new Links.Send(b.id, LinksActorTest.dht("open the link")));
    b.dht.receiveMessage(WAIT);
    return new Pair(a, b);
  }

  @Test
  void relayCellsOfAnOwnedCircuitGoToItsOwnerAndOthersToTheHandler() {
    TestProbe<Got> got = KIT.createTestProbe();
    Pair p = linked("127.0.12.1", "127.0.12.2", got);
    p.a().links.tell(new Links.SendAll(p.b().id, List.of(cell(7, CellCommand.RELAY, "owned 1"),
        cell(8, CellCommand.RELAY, "other"), cell(7, CellCommand.RELAY, "owned 2"))));
    List<Got> all = got.receiveSeveralMessages(3, WAIT);
    assertEquals(List.of(new Got("owner", 7, CellCommand.RELAY, "owned 1"),
        new Got("owner", 7, CellCommand.RELAY, "owned 2")),
        all.stream().filter(g -> g.by().equals("owner")).toList());
    assertEquals(List.of(new Got("handler", 8, CellCommand.RELAY, "other")),
        all.stream().filter(g -> g.by().equals("handler")).toList());
    p.stop();
  }

  @Test
  void aDestroyEndsDirectDeliveryAndWhatFollowsItGoesToTheHandlerAfterIt() {
    TestProbe<Got> got = KIT.createTestProbe();
    Pair p = linked("127.0.12.3", "127.0.12.4", got);
    List<Cell> sent = new ArrayList<>();
    sent.add(cell(7, CellCommand.RELAY, "before"));
    sent.add(cell(7, CellCommand.DESTROY, ""));
    sent.add(cell(7, CellCommand.RELAY, "after"));
    p.a().links.tell(new Links.SendAll(p.b().id, sent)); // one write: read in this order
    assertEquals(new Got("owner", 7, CellCommand.RELAY, "before"), got.receiveMessage(WAIT));
    assertEquals(new Got("handler", 7, CellCommand.DESTROY, ""), got.receiveMessage(WAIT));
    assertEquals(new Got("handler", 7, CellCommand.RELAY, "after"), got.receiveMessage(WAIT));
    assertNull(p.b().circuitOwners.get(p.a().id, 7), "the reader forgot the circuit at its DESTROY");
    p.stop();
  }
}
