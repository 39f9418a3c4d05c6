package io.shroud.link;

import static io.shroud.testutil.MetricValues.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.wire.Cell;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The data port's admission over real loopback sockets (issue 25): caps per address and subnet,
 * the handshake budget, the slots kept for dialing out, and the address dials leave from. Each
 * test uses addresses of its own under 127.42.0.0/16, so that they cannot meet other tests'.
 */
class DataPortAdmissionTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final LinkSettings DEFAULTS = LinkSettings.defaults();

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private static Cell dht(String text) {
    return LinksActorTest.dht(text);
  }

  /** A TCP connection to {@code to} leaving from {@code local} (any port); it sends nothing. */
  static Socket connectFrom(String local, InetSocketAddress to) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(local, 0));
    s.connect(to, 5000);
    s.setSoTimeout(5000);
    return s;
  }

  /** Whether {@code s} is closed by the other side within its read timeout (reset or end of stream). */
  static boolean closedByPeer(Socket s) {
    return LinksActorTest.readsUntilClosed(readStream(s));
  }

  /**
   * Whether a connection from {@code local} to {@code to} is closed by the node at once: reset
   * before the connect returned (loopback is that fast), or closed when read.
   */
  static boolean refusedAtOnce(String local, InetSocketAddress to) throws IOException {
    long start = System.nanoTime();
    boolean closed;
    try (Socket s = connectFrom(local, to)) {
      closed = closedByPeer(s);
    } catch (java.net.SocketException e) {
      closed = true; // the reset came back during the connect
    }
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos(), "at once, not at a deadline");
    return closed;
  }

  private static java.io.InputStream readStream(Socket s) {
    try {
      return s.getInputStream();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void closeAll(List<Socket> sockets) throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }

  @Test
  void halfOpenSocketsFromOneAddressAreRefusedBeyondItsCapWhileAnotherAddressStillLinks() throws Exception {
    NodeMetrics metrics = Metrics.get(KIT.system());
    double perIpBefore = value(metrics, "shroud_link_refusals_total{reason=\"per_ip\"}");
    // a long deadline: the half-open sockets stay pending for the whole test
    LinkNode victim = new LinkNode(KIT, "127.42.11.1", DEFAULTS.withHandshakeTimeout(Duration.ofSeconds(30))
        .withAdmission(new LinkSettings.Admission(64, 4, 32, 32)));
    LinkNode honest = new LinkNode(KIT, "127.42.12.6", DEFAULTS);
    LinkNode.directoryOfAll(victim, honest);
    List<Socket> halfOpen = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        halfOpen.add(connectFrom("127.42.12.5", victim.address));
      }
      for (int i = 0; i < 3; i++) {
        assertTrue(refusedAtOnce("127.42.12.5", victim.address), "beyond the cap: closed");
      }
      victim.events.awaitAssert(WAIT, () -> {
        LinkStats s = victim.stats();
        assertEquals(3, s.refusedPerIp());
        assertEquals(4, s.pendingHandshakes(), "the first four wait in their handshake");
        return null;
      });
      assertEquals(3.0, value(metrics, "shroud_link_refusals_total{reason=\"per_ip\"}") - perIpBefore);

      // the same /24, another address: its own cap, and the handshake completes
      honest.links.tell(new Links.Send(victim.id, dht("still reachable")));
      assertEquals(new Links.Inbound(honest.id, dht("still reachable")), victim.dht.receiveMessage(WAIT));
      assertEquals(0, victim.stats().refusedPerSubnet());
    } finally {
      closeAll(halfOpen);
    }
    victim.stop();
    honest.stop();
  }

  @Test
  void aSubnetIsCappedAsAWholeAndTheNextSubnetIsNot() throws Exception {
    LinkNode victim = new LinkNode(KIT, "127.42.21.1", DEFAULTS.withHandshakeTimeout(Duration.ofSeconds(30))
        .withAdmission(new LinkSettings.Admission(64, 8, 3, 32)));
    LinkNode neighbour = new LinkNode(KIT, "127.42.23.1", DEFAULTS);
    LinkNode.directoryOfAll(victim, neighbour);
    List<Socket> halfOpen = new ArrayList<>();
    try {
      for (int i = 1; i <= 3; i++) {
        halfOpen.add(connectFrom("127.42.22." + i, victim.address));
      }
      assertTrue(refusedAtOnce("127.42.22.200", victim.address), "a fourth address of the same /24: closed");
      victim.events.awaitAssert(WAIT, () -> {
        assertEquals(1, victim.stats().refusedPerSubnet());
        return null;
      });
      neighbour.links.tell(new Links.Send(victim.id, dht("from the next /24")));
      assertEquals(new Links.Inbound(neighbour.id, dht("from the next /24")), victim.dht.receiveMessage(WAIT));
    } finally {
      closeAll(halfOpen);
    }
    victim.stop();
    neighbour.stop();
  }

  @Test
  void halfOpenSocketsFillOnlyTheHandshakeBudgetWhichEmptiesAtTheDeadline() throws Exception {
    LinkNode victim = new LinkNode(KIT, "127.42.31.1", DEFAULTS.withHandshakeTimeout(Duration.ofSeconds(2))
        .withMaxLinks(2, 1).withAdmission(new LinkSettings.Admission(3, 8, 32, 1)));
    LinkNode other = new LinkNode(KIT, "127.42.31.2", DEFAULTS);
    LinkNode late = new LinkNode(KIT, "127.42.31.3", DEFAULTS);
    LinkNode.directoryOfAll(victim, other, late);
    List<Socket> halfOpen = new ArrayList<>();
    try {
      // three silent connections from three /24s: no address or subnet cap bites, the budget does
      for (int i = 1; i <= 3; i++) {
        halfOpen.add(connectFrom("127.42." + (32 + i) + ".1", victim.address));
      }
      assertTrue(refusedAtOnce("127.42.36.1", victim.address), "beyond the handshake budget: closed");
      LinkStats full = victim.stats();
      assertEquals(1, full.refusedHandshakeBudget());
      assertEquals(3, full.pendingHandshakes());
      assertEquals(0, full.refusedOverLimit(), "pending handshakes take no link slot (max-links is 2)");

      // dialing out needs no handshake budget
      victim.links.tell(new Links.Send(other.id, dht("dialing out")));
      assertEquals(new Links.Inbound(victim.id, dht("dialing out")), other.dht.receiveMessage(WAIT));

      // at the deadline the budget empties and an honest peer gets in
      victim.events.awaitAssert(Duration.ofSeconds(10), () -> {
        LinkStats s = victim.stats();
        assertEquals(0, s.pendingHandshakes());
        assertEquals(3, s.handshakeTimeouts());
        return null;
      });
      for (Socket s : halfOpen) {
        assertTrue(closedByPeer(s), "cut at the deadline");
      }
      late.links.tell(new Links.Send(victim.id, dht("after the flood")));
      assertEquals(new Links.Inbound(late.id, dht("after the flood")), victim.dht.receiveMessage(WAIT));
    } finally {
      closeAll(halfOpen);
    }
    victim.stop();
    other.stop();
    late.stop();
  }

  @Test
  void inboundLinksLeaveTheOutboundReserveSoTheNodeCanAlwaysDialOut() {
    // three links, one kept for dialing out: two inbound at most
    LinkNode victim = new LinkNode(KIT, "127.42.41.1", DEFAULTS.withMaxLinks(3, 1));
    LinkNode a = new LinkNode(KIT, "127.42.42.1", DEFAULTS);
    LinkNode b = new LinkNode(KIT, "127.42.43.1", DEFAULTS);
    LinkNode c = new LinkNode(KIT, "127.42.44.1", DEFAULTS);
    LinkNode d = new LinkNode(KIT, "127.42.45.1", DEFAULTS);
    LinkNode.directoryOfAll(victim, a, b, c, d);
    a.links.tell(new Links.Send(victim.id, dht("a")));
    victim.dht.receiveMessage(WAIT);
    b.links.tell(new Links.Send(victim.id, dht("b")));
    victim.dht.receiveMessage(WAIT);

    c.links.tell(new Links.Send(victim.id, dht("c")));
    victim.events.awaitAssert(WAIT, () -> {
      assertEquals(1, victim.stats().refusedOverLimit());
      return null;
    });
    victim.dht.expectNoMessage(Duration.ofMillis(100));

    victim.links.tell(new Links.Send(d.id, dht("out through the reserve")));
    assertEquals(new Links.Inbound(victim.id, dht("out through the reserve")), d.dht.receiveMessage(WAIT));
    LinkStats s = victim.stats();
    assertEquals(3, s.openLinks());
    assertEquals(2, s.inboundLinks());
    for (LinkNode n : new LinkNode[] {victim, a, b, c, d}) {
      n.stop();
    }
  }

  @Test
  void aDialLeavesFromTheAddressTheNodeListensOn() {
    LinkNode dialer = new LinkNode(KIT, "127.42.51.9", DEFAULTS);
    LinkNode listener = new LinkNode(KIT, "127.42.52.1", DEFAULTS);
    LinkNode.directoryOfAll(dialer, listener);
    dialer.links.tell(new Links.Send(listener.id, dht("who is this?")));
    listener.dht.receiveMessage(WAIT);
    Links.PeerInfo seen = listener.peers().peers().get(0);
    assertEquals("inbound", seen.direction());
    assertTrue(seen.address().startsWith("127.42.51.9:"), "the accepting side sees the dialer's own address, "
        + "not 127.0.0.1: " + seen.address());
    dialer.stop();
    listener.stop();
  }
}
