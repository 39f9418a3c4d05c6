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

  /** Two nodes that know each other (no link open yet); {@code atB} gets b's RELAY cells. */
  private record Pair(LinkNode a, LinkNode b, TestProbe<Links.InboundCells> atB) {
    static Pair on(String hostA, String hostB) {
      LinkNode a = new LinkNode(KIT, hostA, SETTINGS);
      LinkNode b = new LinkNode(KIT, hostB, SETTINGS);
      LinkNode.directoryOfAll(a, b);
      TestProbe<Links.InboundCells> atB = KIT.createTestProbe();
      b.links.tell(new Links.RouteCells(CellCommand.RELAY, atB.ref()));
      return new Pair(a, b, atB);
    }

    void stop() {
      a.stop();
      b.stop();
    }
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
    Pair p = Pair.on("127.0.11.1", "127.0.11.2");
    LinkNode a = p.a();
    LinkNode b = p.b();
    TestProbe<Links.InboundCells> atB = p.atB();
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
    p.stop();
  }

  @Test
  void cellsHeldWhileDialingLeaveBeforeAnythingSentDirectlyOnceTheLinkIsPublished() {
    Pair p = Pair.on("127.0.11.3", "127.0.11.4");
    LinkNode a = p.a();
    LinkNode b = p.b();
    TestProbe<Links.InboundCells> atB = p.atB();
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
    p.stop();
  }

  @Test
  void aClosedLinkIsWithdrawnAndCellsForThePeerGoThroughTheLinksActorAgain() {
    Pair p = Pair.on("127.0.11.5", "127.0.11.6");
    LinkNode a = p.a();
    LinkNode b = p.b();
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
