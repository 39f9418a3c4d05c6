package io.shroud.link;

import static io.shroud.testutil.MetricValues.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.CellFormat;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The open-links gauge and the link byte counters, over real loopback links. Both nodes run in
 * one actor system, so they share one {@link NodeMetrics}: one link is two open ends.
 */
class LinkMetricsTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(5);

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @Test
  void aLinkIsOpenAtBothEndsCountsItsBytesAndIsGoneWhenItCloses() {
    NodeMetrics metrics = Metrics.get(KIT.system());
    assertEquals(0.0, value(metrics, "shroud_links_open"));
    double in = value(metrics, "shroud_link_bytes_total{direction=\"in\"}");
    double out = value(metrics, "shroud_link_bytes_total{direction=\"out\"}");

    LinkNode a = new LinkNode(KIT, "127.0.13.1", LinkSettings.defaults());
    LinkNode b = new LinkNode(KIT, "127.0.13.2", LinkSettings.defaults());
    LinkNode.directoryOfAll(a, b);
    a.links.tell(new Links.Send(b.id, new Cell(0, CellCommand.DHT, new byte[] {1})));
    b.dht.receiveMessage(WAIT);
    a.events.receiveMessage(WAIT);
    b.events.receiveMessage(WAIT);
    assertEquals(2.0, value(metrics, "shroud_links_open"), "a's outbound end and b's inbound end");
    b.dht.awaitAssert(WAIT, () -> {
      // the handshake and at least the one sealed record, both ways counted once per end
      assertTrue(value(metrics, "shroud_link_bytes_total{direction=\"in\"}") - in >= CellFormat.RECORD_BYTES);
      assertTrue(value(metrics, "shroud_link_bytes_total{direction=\"out\"}") - out >= CellFormat.RECORD_BYTES);
      return null;
    });

    b.stop(); // a sees the connection end and closes its side too
    a.events.receiveMessage(WAIT);
    a.events.awaitAssert(WAIT, () -> {
      assertEquals(0.0, value(metrics, "shroud_links_open"));
      return null;
    });
    a.stop();
  }
}
