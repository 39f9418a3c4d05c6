package io.shroud.link;

import io.shroud.identity.DataAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.X25519;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.CellFormat;
import io.shroud.wire.LinkCipher;
import io.shroud.wire.LinkHandshake;
import io.shroud.wire.RekeyPolicy;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Real LinksActors on loopback TCP: exchange, admission, violations, limits, link loss. */
class LinksActorTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final LinkSettings SETTINGS = LinkSettings.defaults();

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  static Cell dht(String text) {
    return new Cell(0, CellCommand.DHT, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void cellsSentTogetherArriveInOrderInBatchesAndLeaveAsOneWrite() {
    LinkNode a = new LinkNode(KIT, "127.0.1.11", SETTINGS);
    LinkNode b = new LinkNode(KIT, "127.0.1.12", SETTINGS);
    LinkNode.directoryOfAll(a, b);
    TestProbe<Links.InboundCells> relayCells = KIT.createTestProbe();
    b.links.tell(new Links.RouteCells(CellCommand.RELAY, relayCells.ref()));
    a.links.tell(new Links.Send(b.id, dht("open the link")));
    b.dht.receiveMessage(WAIT);

    long writesBefore = a.peers().peers().get(0).writesOut();
    List<Cell> sent = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      sent.add(new Cell(7, CellCommand.RELAY, ("cell " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    a.links.tell(new Links.SendAll(b.id, sent));
    List<Cell> received = new ArrayList<>();
    int messages = 0;
    while (received.size() < sent.size()) {
      Links.InboundCells batch = relayCells.receiveMessage(WAIT);
      assertEquals(a.id, batch.from());
      assertTrue(!batch.cells().isEmpty());
      received.addAll(batch.cells());
      messages++;
    }
    assertEquals(sent, received, "every cell, in order");
    assertTrue(messages < sent.size(), "one 128 KiB write arrives in a few reads, not one message per cell: "
        + messages);
    // the link counts a write after queueing it, and the writer may send it and b read it first
    long writes = KIT.createTestProbe().awaitAssert(WAIT, () -> {
      long w = a.peers().peers().get(0).writesOut() - writesBefore;
      assertTrue(w >= 1, "the write is counted");
      return w;
    });
    assertTrue(writes <= 3, "the 32 cells were sealed into one write (plus padding or ping): " + writes);
  }

  @Test
  void twoNodesExchangeDhtCellsBothWaysOverOneLink() {
    LinkNode a = new LinkNode(KIT, "127.0.1.1", SETTINGS);
    LinkNode b = new LinkNode(KIT, "127.0.1.2", SETTINGS);
    LinkNode.directoryOfAll(a, b);

    a.links.tell(new Links.Send(b.id, dht("hello b")));
    assertEquals(new Links.Inbound(a.id, dht("hello b")), b.dht.receiveMessage(WAIT));
    assertEquals(new Links.LinkUp(b.id, true), a.events.receiveMessage(WAIT));
    assertEquals(new Links.LinkUp(a.id, false), b.events.receiveMessage(WAIT));

    b.links.tell(new Links.Send(a.id, dht("hello a")));
    assertEquals(new Links.Inbound(b.id, dht("hello a")), a.dht.receiveMessage(WAIT));

    b.dht.awaitAssert(WAIT, () -> {
      Links.PeerInfo atA = a.peers().peers().get(0);
      Links.PeerInfo atB = b.peers().peers().get(0);
      assertEquals(b.id.toHex(), atA.nodeId());
      assertEquals("outbound", atA.direction());
      assertEquals(a.id.toHex(), atB.nodeId());
      assertEquals("inbound", atB.direction());
      for (Links.PeerInfo p : new Links.PeerInfo[] {atA, atB}) {
        assertTrue(p.cellsIn() > 0 && p.cellsOut() > 0, p.toString());
        assertTrue(p.bytesIn() >= p.cellsIn() * CellFormat.RECORD_BYTES, p.toString());
        assertEquals(LinksActor.SUITE, p.suite());
        assertNotNull(p.rttMillis(), "ping/pong measured the round trip");
      }
      return null;
    });
    assertEquals(1, a.peers().peers().size());
    assertEquals(1, b.peers().peers().size());
    a.stop();
    b.stop();
  }

  @Test
  void responderRefusesAPeerWhoseLinkKeyIsNotInItsDirectory() {
    LinkNode b = new LinkNode(KIT, "127.0.2.2", SETTINGS);
    LinkNode stranger = new LinkNode(KIT, "127.0.2.3", SETTINGS);
    b.directory(b.descriptor());
    stranger.directory(stranger.descriptor(), b.descriptor());

    stranger.links.tell(new Links.Send(b.id, dht("let me in")));
    b.events.awaitAssert(WAIT, () -> {
      assertEquals(1, b.stats().refusedUnknownKey());
      return null;
    });
    // The stranger's handshake completed (it knew b's key), but b closed the link at once.
    Links.LinkEvent last = stranger.events.fishForMessage(WAIT, e ->
        e instanceof Links.LinkDown ? FishingOutcomes.complete()
            : FishingOutcomes.continueAndIgnore()).get(0);
    assertEquals(b.id, ((Links.LinkDown) last).peer());
    b.events.expectNoMessage(Duration.ofMillis(200));
    b.dht.expectNoMessage(Duration.ofMillis(100));
    assertEquals(0, b.peers().peers().size());
    stranger.stop();
    b.stop();
  }

  @Test
  void dialingWithAWrongResponderKeyNeverBringsTheLinkUp() {
    LinkNode a = new LinkNode(KIT, "127.0.3.1", SETTINGS);
    LinkNode b = new LinkNode(KIT, "127.0.3.2", SETTINGS);
    byte[] wrongKey = X25519.generate(new SecureRandom()).publicKey();
    a.directory(a.descriptor(), b.descriptor(DataAddress.format(b.address), wrongKey));
    b.directory(a.descriptor(), b.descriptor());

    a.links.tell(new Links.Send(b.id, dht("to the wrong key")));
    b.events.awaitAssert(WAIT, () -> {
      assertEquals(1, b.stats().violations(), "b cannot decrypt message 1");
      LinkStats atA = a.stats();
      assertEquals(0, atA.connections());
      assertEquals(1, atA.droppedCells(), "the held cell is dropped with the failed dial");
      return null;
    });
    // the dialer never sees the link up, only that the dial failed (so circuits waiting on it stop)
    Links.LinkEvent failed = a.events.receiveMessage(WAIT);
    assertTrue(failed instanceof Links.LinkDown d && d.peer().equals(b.id) && d.reason().startsWith("dial failed"),
        failed.toString());
    a.events.expectNoMessage(Duration.ofMillis(200));
    b.events.expectNoMessage(Duration.ofMillis(10));
    b.dht.expectNoMessage(Duration.ofMillis(10));
    a.stop();
    b.stop();
  }

  @Test
  void aTamperedRecordClosesOnlyThatLinkAndTheVictimServesOthers() throws Exception {
    LinkNode victim = new LinkNode(KIT, "127.0.4.2", SETTINGS);
    LinkNode good = new LinkNode(KIT, "127.0.4.3", SETTINGS);
    // The rogue is a directory member (its link key is listed), so it passes admission.
    X25519.KeyPair rogueKey = X25519.generate(new SecureRandom());
    Ed25519.KeyPair rogueIdentity = Ed25519.generate(new SecureRandom());
    victim.directory(victim.descriptor(), good.descriptor(),
        LinkNode.descriptor(rogueIdentity, rogueKey.publicKey(), "127.0.4.4:1"));
    good.directory(victim.descriptor(), good.descriptor());

    try (Socket socket = new Socket(victim.address.getAddress(), victim.address.getPort())) {
      socket.setSoTimeout(5000);
      LinkCipher cipher = rawHandshake(socket, rogueKey, victim.linkKey.publicKey());
      byte[] record = cipher.seal(dht("tampered"));
      record[100] ^= 1;
      socket.getOutputStream().write(record);
      socket.getOutputStream().flush();
      assertTrue(readsUntilClosed(socket.getInputStream()), "victim closed the link");
    }
    victim.events.awaitAssert(WAIT, () -> {
      assertEquals(1, victim.stats().violations());
      return null;
    });
    victim.dht.expectNoMessage(Duration.ofMillis(100));

    good.links.tell(new Links.Send(victim.id, dht("still there?")));
    assertEquals(new Links.Inbound(good.id, dht("still there?")), victim.dht.receiveMessage(WAIT));
    good.stop();
    victim.stop();
  }

  @Test
  void cellsBeforeATamperedRecordInTheSameReadAreStillDelivered() throws Exception {
    LinkNode victim = new LinkNode(KIT, "127.0.12.2", SETTINGS);
    TestProbe<Links.InboundCells> relayCells = KIT.createTestProbe();
    victim.links.tell(new Links.RouteCells(CellCommand.RELAY, relayCells.ref()));
    X25519.KeyPair rogueKey = X25519.generate(new SecureRandom());
    Ed25519.KeyPair rogueIdentity = Ed25519.generate(new SecureRandom());
    victim.directory(victim.descriptor(), LinkNode.descriptor(rogueIdentity, rogueKey.publicKey(), "127.0.12.3:1"));
    Cell before = new Cell(7, CellCommand.RELAY, "authentic".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (Socket socket = new Socket(victim.address.getAddress(), victim.address.getPort())) {
      socket.setSoTimeout(5000);
      LinkCipher cipher = rawHandshake(socket, rogueKey, victim.linkKey.publicKey());
      // one write: the victim reads both records together, batching the first for its handler
      byte[] good = cipher.seal(before);
      byte[] bad = cipher.seal(new Cell(7, CellCommand.RELAY, new byte[] {1}));
      bad[100] ^= 1;
      java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
      burst.write(good);
      burst.write(bad);
      socket.getOutputStream().write(burst.toByteArray());
      socket.getOutputStream().flush();
      assertTrue(readsUntilClosed(socket.getInputStream()), "victim closed the link");
    }
    Links.InboundCells delivered = relayCells.receiveMessage(WAIT);
    assertEquals(List.of(before), delivered.cells(), "what was authentic before the bad record arrives");
    relayCells.expectNoMessage(Duration.ofMillis(100));
    victim.events.awaitAssert(WAIT, () -> {
      assertEquals(1, victim.stats().violations());
      return null;
    });
    victim.stop();
  }

  @Test
  void aCellNoHandlerTakesIsCountedAndTheLinkStaysUp() throws Exception {
    LinkNode node = new LinkNode(KIT, "127.0.12.4", SETTINGS);
    X25519.KeyPair peerKey = X25519.generate(new SecureRandom());
    Ed25519.KeyPair peerIdentity = Ed25519.generate(new SecureRandom());
    node.directory(node.descriptor(), LinkNode.descriptor(peerIdentity, peerKey.publicKey(), "127.0.12.5:1"));
    try (Socket socket = new Socket(node.address.getAddress(), node.address.getPort())) {
      socket.setSoTimeout(5000);
      LinkCipher cipher = rawHandshake(socket, peerKey, node.linkKey.publicKey());
      // nothing on this node takes CREATE cells (no circuits): counted, not a violation
      socket.getOutputStream().write(cipher.seal(new Cell(9, CellCommand.CREATE, new byte[] {1, 2, 3})));
      socket.getOutputStream().write(cipher.seal(dht("after")));
      socket.getOutputStream().flush();
      io.shroud.identity.NodeId from = io.shroud.identity.NodeId.ofIdentityKey(peerIdentity.publicKey());
      assertEquals(new Links.Inbound(from, dht("after")), node.dht.receiveMessage(WAIT), "the link stays up");
      node.events.awaitAssert(WAIT, () -> {
        LinkStats stats = node.stats();
        assertEquals(1, stats.unroutedCells());
        assertEquals(0, stats.violations());
        assertEquals(1, stats.openLinks());
        return null;
      });
    }
    node.stop();
  }

  @Test
  void recordsSentWithTheLastHandshakeMessageAreDeliveredOnceThePeerIsAdmitted() throws Exception {
    LinkNode responder = new LinkNode(KIT, "127.0.4.6", SETTINGS);
    X25519.KeyPair key = X25519.generate(new SecureRandom());
    Ed25519.KeyPair identity = Ed25519.generate(new SecureRandom());
    responder.directory(responder.descriptor(), LinkNode.descriptor(identity, key.publicKey(), "127.0.4.7:1"));
    try (Socket socket = new Socket(responder.address.getAddress(), responder.address.getPort())) {
      socket.setSoTimeout(5000);
      LinkHandshake hs = rawHandshakeToMessage3(socket, key, responder.linkKey.publicKey());
      byte[] msg3 = hs.writeFrame();
      LinkCipher cipher = hs.finish(RekeyPolicy.DEFAULT, Clock.systemUTC());
      // message 3 and two records in one write: the responder reads them together, before it
      // has admitted the peer, and must keep the records for after admission
      java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
      burst.write(msg3);
      burst.write(cipher.seal(dht("first")));
      burst.write(cipher.seal(dht("second")));
      socket.getOutputStream().write(burst.toByteArray());
      socket.getOutputStream().flush();
      io.shroud.identity.NodeId from = io.shroud.identity.NodeId.ofIdentityKey(identity.publicKey());
      assertEquals(new Links.Inbound(from, dht("first")), responder.dht.receiveMessage(WAIT));
      assertEquals(new Links.Inbound(from, dht("second")), responder.dht.receiveMessage(WAIT));
    }
    responder.stop();
  }

  @Test
  void aLinksThreadsEndWhenTheLinkClosesAndTheListenerWhenTheNodeStops() {
    LinkNode a = new LinkNode(KIT, "127.0.4.8", SETTINGS);
    LinkNode b = new LinkNode(KIT, "127.0.4.9", SETTINGS);
    LinkNode.directoryOfAll(a, b);
    a.links.tell(new Links.Send(b.id, dht("open")));
    b.dht.receiveMessage(WAIT);
    // a reader and a writer for a's outbound link (named after b's address) and for b's inbound
    // link (after the address it came in on, b's), and each node's acceptor
    assertEquals(List.of("shroud-link-accept-127.0.4.8", "shroud-link-accept-127.0.4.9",
        "shroud-link-in-127.0.4.9", "shroud-link-in-127.0.4.9",
        "shroud-link-out-127.0.4.9", "shroud-link-out-127.0.4.9"), linkThreads("127.0.4.8", "127.0.4.9"));

    b.stop(); // closes b's link: a sees the connection end and closes its side too
    a.events.awaitAssert(WAIT, () -> {
      assertEquals(List.of("shroud-link-accept-127.0.4.8"), linkThreads("127.0.4.8", "127.0.4.9"));
      return null;
    });
    a.stop();
    a.events.awaitAssert(WAIT, () -> {
      assertEquals(List.of(), linkThreads("127.0.4.8", "127.0.4.9"));
      return null;
    });
  }

  /** Live link threads whose names mention one of {@code hosts}, sorted, cut after the first host. */
  private static List<String> linkThreads(String... hosts) {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String name = t.getName();
      if (t.isAlive() && name.startsWith("shroud-link-")
          && java.util.Arrays.stream(hosts).anyMatch(h -> name.contains(h + ":"))) {
        names.add(name.replaceAll(":\\d+.*$", ""));
      }
    }
    names.sort(null);
    return names;
  }

  @Test
  void anOversizedHandshakeFrameIsAViolation() throws Exception {
    LinkNode victim = new LinkNode(KIT, "127.0.4.5", SETTINGS);
    victim.directory(victim.descriptor());
    try (Socket socket = new Socket(victim.address.getAddress(), victim.address.getPort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3});
      assertTrue(readsUntilClosed(socket.getInputStream()));
    }
    victim.events.awaitAssert(WAIT, () -> {
      assertEquals(1, victim.stats().violations());
      return null;
    });
    victim.stop();
  }

  @Test
  void idleLinksSendPaddingThatTheOtherSideDrops() {
    LinkSettings fastPadding = SETTINGS.withPaddingInterval(Duration.ofMillis(100));
    LinkNode a = new LinkNode(KIT, "127.0.6.1", fastPadding);
    LinkNode b = new LinkNode(KIT, "127.0.6.2", fastPadding);
    LinkNode.directoryOfAll(a, b);
    a.links.tell(new Links.Send(b.id, dht("one")));
    b.dht.receiveMessage(WAIT);
    // 1 DHT cell + 1 ping + 1 pong at most; the rest of what arrives is padding.
    b.events.awaitAssert(WAIT, () -> {
      assertTrue(b.peers().peers().get(0).cellsIn() >= 8, "padding keeps arriving");
      assertTrue(a.peers().peers().get(0).cellsIn() >= 6, "both directions pad");
      return null;
    });
    b.dht.expectNoMessage(Duration.ofMillis(100));
    a.dht.expectNoMessage(Duration.ofMillis(10));
    a.stop();
    b.stop();
  }

  @Test
  void cellsHeldForADialBeyondTheLimitAreDroppedAndCounted() throws Exception {
    LinkNode a = new LinkNode(KIT, "127.0.7.1", SETTINGS.withMaxQueuedCells(4));
    LinkNode b = new LinkNode(KIT, "127.0.7.2", SETTINGS);
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getByName("127.0.7.3"))) {
      // b's descriptor points at a socket that accepts and never answers the handshake.
      a.directory(a.descriptor(), b.descriptor("127.0.7.3:" + silent.getLocalPort()));
      for (int i = 0; i < 7; i++) {
        a.links.tell(new Links.Send(b.id, dht("cell " + i)));
      }
      LinkStats stats = a.stats();
      assertEquals(3, stats.droppedCells());
      assertEquals(1, stats.connections());
      assertEquals(0, stats.openLinks());
    }
    a.stop();
    b.stop();
  }

  @Test
  void aStalledLinkDropsAndCountsCellsBeyondItsQueueAndStaysUsable() throws Exception {
    LinkNode a = new LinkNode(KIT, "127.0.7.8", SETTINGS.withMaxQueuedCells(8));
    LinkNode b = new LinkNode(KIT, "127.0.7.9", SETTINGS);
    try (TcpProxy proxy = new TcpProxy("127.0.7.10", b.address)) {
      a.directory(a.descriptor(), b.descriptor(proxy.address()));
      b.directory(a.descriptor(), b.descriptor());
      a.links.tell(new Links.Send(b.id, dht("warm up")));
      b.dht.receiveMessage(WAIT);
      proxy.pauseUp();
      // Far more than the socket buffers hold: the bounded queue must overflow.
      for (int i = 0; i < 6000; i++) {
        a.links.tell(new Links.Send(b.id, dht("bulk " + i)));
      }
      a.events.awaitAssert(WAIT, () -> {
        assertTrue(a.stats().droppedCells() > 0, "overflow is dropped and counted");
        return null;
      });
      proxy.resumeUp();
      // Dropping happens before sealing, so the record sequence has no gap: the link survives.
      b.dht.awaitAssert(WAIT, () -> {
        a.links.tell(new Links.Send(b.id, dht("after")));
        b.dht.fishForMessage(Duration.ofSeconds(1), m -> m.equals(new Links.Inbound(a.id,
            dht("after"))) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
        return null;
      });
      assertEquals(0, b.stats().violations());
      assertEquals(1, a.peers().peers().size());
    }
    a.stop();
    b.stop();
  }

  @Test
  void aSilentConnectionIsClosedAtTheHandshakeTimeout() throws Exception {
    LinkNode victim = new LinkNode(KIT, "127.0.7.11",
        SETTINGS.withHandshakeTimeout(Duration.ofMillis(300)));
    try (Socket socket = new Socket(victim.address.getAddress(), victim.address.getPort())) {
      socket.setSoTimeout(5000);
      assertTrue(readsUntilClosed(socket.getInputStream()), "closed without a word from us");
    }
    victim.events.awaitAssert(WAIT, () -> {
      assertEquals(0, victim.stats().connections());
      return null;
    });
    victim.stop();
  }

  @Test
  void aLinkThatReceivesNothingIsClosedAtTheIdleTimeout() throws Exception {
    LinkNode victim = new LinkNode(KIT, "127.0.7.12", SETTINGS.withIdleTimeout(Duration.ofMillis(500)));
    X25519.KeyPair key = X25519.generate(new SecureRandom());
    Ed25519.KeyPair identity = Ed25519.generate(new SecureRandom());
    victim.directory(victim.descriptor(), LinkNode.descriptor(identity, key.publicKey(), "127.0.7.13:1"));
    try (Socket socket = new Socket(victim.address.getAddress(), victim.address.getPort())) {
      socket.setSoTimeout(5000);
      rawHandshake(socket, key, victim.linkKey.publicKey());
      assertTrue(readsUntilClosed(socket.getInputStream()), "closed after 500 ms of silence");
    }
    Links.LinkEvent up = victim.events.receiveMessage(WAIT);
    assertTrue(up instanceof Links.LinkUp, up.toString());
    Links.LinkEvent down = victim.events.receiveMessage(WAIT);
    assertEquals(new Links.LinkDown(io.shroud.identity.NodeId.ofIdentityKey(identity.publicKey()),
        "idle timeout"), down);
    victim.stop();
  }

  @Test
  void inboundLinksBeyondMaxLinksAreRefused() {
    LinkNode b = new LinkNode(KIT, "127.0.7.5", SETTINGS.withMaxLinks(1, 0));
    LinkNode a = new LinkNode(KIT, "127.0.7.6", SETTINGS);
    LinkNode c = new LinkNode(KIT, "127.0.7.7", SETTINGS);
    LinkNode.directoryOfAll(a, b, c);
    a.links.tell(new Links.Send(b.id, dht("first")));
    b.dht.receiveMessage(WAIT);
    c.links.tell(new Links.Send(b.id, dht("second")));
    b.events.awaitAssert(WAIT, () -> {
      assertEquals(1, b.stats().refusedOverLimit());
      assertEquals(0, c.stats().connections());
      return null;
    });
    b.dht.expectNoMessage(Duration.ofMillis(100));
    Links.LinkEvent refused = c.events.receiveMessage(WAIT);
    assertTrue(refused instanceof Links.LinkDown d && d.reason().startsWith("dial failed"), refused.toString());
    c.events.expectNoMessage(Duration.ofMillis(10));
    assertEquals(1, b.peers().peers().size());
    a.stop();
    b.stop();
    c.stop();
  }

  @Test
  void aLinkClosedByTheRemoteYieldsLinkDown() {
    LinkNode a = new LinkNode(KIT, "127.0.8.1", SETTINGS);
    LinkNode b = new LinkNode(KIT, "127.0.8.2", SETTINGS);
    LinkNode.directoryOfAll(a, b);
    a.links.tell(new Links.Send(b.id, dht("hi")));
    b.dht.receiveMessage(WAIT);
    assertEquals(new Links.LinkUp(b.id, true), a.events.receiveMessage(WAIT));
    b.stop();
    Links.LinkEvent down = a.events.receiveMessage(WAIT);
    assertTrue(down instanceof Links.LinkDown d && d.peer().equals(b.id), down.toString());
    assertEquals(0, a.peers().peers().size());
    a.stop();
  }

  @Test
  void bothNodesDialingEachOtherEndWithOneLink() {
    LinkNode a = new LinkNode(KIT, "127.0.9.1", SETTINGS);
    LinkNode b = new LinkNode(KIT, "127.0.9.2", SETTINGS);
    LinkNode.directoryOfAll(a, b);
    a.links.tell(new Links.Send(b.id, dht("a to b")));
    b.links.tell(new Links.Send(a.id, dht("b to a")));
    a.dht.awaitAssert(WAIT, () -> {
      assertEquals(1, a.peers().peers().size());
      assertEquals(1, b.peers().peers().size());
      assertEquals(0, a.stats().connections() - a.stats().openLinks());
      assertEquals(0, b.stats().connections() - b.stats().openLinks());
      return null;
    });
    String dirA = a.peers().peers().get(0).direction();
    String dirB = b.peers().peers().get(0).direction();
    assertFalse(dirA.equals(dirB), "the same TCP connection survives at both ends");
    boolean aSmaller = a.id.compareTo(b.id) < 0;
    assertEquals(aSmaller ? "outbound" : "inbound", dirA, "the smaller id's dial survives");
    a.stop();
    b.stop();
  }

  /** Initiator side of the link handshake over a plain socket; returns the record cipher. */
  static LinkCipher rawHandshake(Socket socket, X25519.KeyPair local, byte[] responderKey)
      throws Exception {
    LinkHandshake hs = rawHandshakeToMessage3(socket, local, responderKey);
    OutputStream out = socket.getOutputStream();
    out.write(hs.writeFrame());
    out.flush();
    return hs.finish(RekeyPolicy.DEFAULT, Clock.systemUTC());
  }

  /** Sends message 1 and reads message 2: the handshake's next frame is message 3. */
  static LinkHandshake rawHandshakeToMessage3(Socket socket, X25519.KeyPair local, byte[] responderKey)
      throws Exception {
    LinkHandshake hs = LinkHandshake.initiator(local, responderKey, new SecureRandom());
    DataInputStream in = new DataInputStream(socket.getInputStream());
    socket.getOutputStream().write(hs.writeFrame());
    byte[] msg2 = new byte[in.readUnsignedShort()];
    in.readFully(msg2);
    hs.readFrame(msg2);
    return hs;
  }

  /** Reads (and ignores) until the peer closes; false on timeout. */
  static boolean readsUntilClosed(InputStream in) {
    byte[] buf = new byte[8192];
    try {
      while (in.read(buf) >= 0) {
        // drain
      }
      return true;
    } catch (IOException e) {
      return e instanceof java.net.SocketException;
    }
  }
}
