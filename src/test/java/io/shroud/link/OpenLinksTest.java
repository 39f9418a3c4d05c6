package io.shroud.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Sending on a node's open links without its LinksActor ({@link OpenLinks}): what is
 * published when, order against cells the LinksActor held, several threads on one link across
 * rekeys, and the way back through the LinksActor once a link is gone.
 */
class OpenLinksTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final LinkSettings SETTINGS = LinkSettings.defaults();

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private static Cell relay(String text) {
    return new Cell(7, CellCommand.RELAY, text.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(Cell cell) {
    return new String(cell.payload(), StandardCharsets.UTF_8).trim();
  }

  /** Two nodes, each knowing the other; {@code b}'s RELAY cells go to the returned probe. */
  private static TestProbe<Links.InboundCells> relayCellsAt(LinkNode b, LinkNode a) {
    LinkNode.directoryOfAll(a, b);
    TestProbe<Links.InboundCells> cells = KIT.createTestProbe();
    b.links.tell(new Links.RouteCells(CellCommand.RELAY, cells.ref()));
    return cells;
  }

  /** RELAY cells "{@code prefix} 0" … "{@code prefix} n-1"; their texts are added to {@code texts}. */
  private static List<Cell> numbered(String prefix, int n, List<String> texts) {
    List<Cell> cells = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      texts.add(prefix + " " + i);
      cells.add(relay(prefix + " " + i));
    }
    return cells;
  }

  private static List<String> receive(TestProbe<Links.InboundCells> probe, int count) {
    List<String> texts = new ArrayList<>();
    while (texts.size() < count) {
      probe.receiveMessage(WAIT).cells().forEach(c -> texts.add(text(c)));
    }
    return texts;
  }

  private static void awaitOpen(LinkNode node, LinkNode peer, boolean open) {
    KIT.createTestProbe().awaitAssert(WAIT, () -> {
      assertEquals(open, node.openLinks.hasOpenLink(peer.id), "link to the peer published");
      return null;
    });
  }

  @Test
  void cellsForAPeerWithAnOpenLinkGoStraightToItNotThroughTheLinksActor() {
    LinkNode a = new LinkNode(KIT, "127.0.11.1", SETTINGS);
    LinkNode b = new LinkNode(KIT, "127.0.11.2", SETTINGS);
    TestProbe<Links.InboundCells> atB = relayCellsAt(b, a);
    TestProbe<Links.Command> fallback = KIT.createTestProbe();
    assertFalse(a.openLinks.hasOpenLink(b.id), "nothing published before the link opens");
    a.links.tell(new Links.Send(b.id, LinksActorTest.dht("open the link")));
    b.dht.receiveMessage(WAIT);
    awaitOpen(a, b, true);
    awaitOpen(b, a, true);

    List<String> sent = new ArrayList<>();
    a.openLinks.send(b.id, numbered("direct", 32, sent), fallback.ref());
    assertEquals(sent, receive(atB, sent.size()), "every cell, in order");
    fallback.expectNoMessage(Duration.ofMillis(200));
    a.stop();
    b.stop();
  }

  @Test
  void cellsHeldWhileDialingLeaveBeforeAnythingSentDirectlyOnceTheLinkIsPublished() {
    LinkNode a = new LinkNode(KIT, "127.0.11.3", SETTINGS);
    LinkNode b = new LinkNode(KIT, "127.0.11.4", SETTINGS);
    TestProbe<Links.InboundCells> atB = relayCellsAt(b, a);
    List<String> expected = new ArrayList<>();
    a.links.tell(new Links.SendAll(b.id, numbered("held", 400, expected))); // no link yet: held, and b dialed
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!a.openLinks.hasOpenLink(b.id)) {
      assertTrue(System.nanoTime() < deadline, "the link was published");
      Thread.onSpinWait(); // send the moment the link is published, racing the held cells
    }
    for (int i = 0; i < 50; i++) {
      a.openLinks.send(b.id, relay("direct " + i), a.links);
      expected.add("direct " + i);
    }
    assertEquals(expected, receive(atB, expected.size()), "held cells first, then the direct ones");
    a.stop();
    b.stop();
  }

  @Test
  void aClosedLinkIsWithdrawnAndCellsForThePeerGoThroughTheLinksActorAgain() {
    LinkNode a = new LinkNode(KIT, "127.0.11.5", SETTINGS);
    LinkNode b = new LinkNode(KIT, "127.0.11.6", SETTINGS);
    relayCellsAt(b, a);
    a.links.tell(new Links.Send(b.id, LinksActorTest.dht("open the link")));
    b.dht.receiveMessage(WAIT);
    awaitOpen(a, b, true);
    b.stop();
    a.events.fishForMessage(WAIT, e -> e instanceof Links.LinkDown
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    assertFalse(a.openLinks.hasOpenLink(b.id), "withdrawn when the link closed");
    TestProbe<Links.Command> fallback = KIT.createTestProbe();
    a.openLinks.send(b.id, relay("after"), fallback.ref());
    Links.SendAll viaActor = (Links.SendAll) fallback.receiveMessage(WAIT);
    assertEquals(b.id, viaActor.to());
    assertEquals("after", text(viaActor.cells().get(0)));
    a.stop();
  }
}
