package io.shroud.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.shroud.crypto.Ed25519;
import io.shroud.crypto.X25519;
import io.shroud.identity.NodeId;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.CellFormat;
import io.shroud.wire.LinkCipher;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Peers that stall, send junk or flood, over real loopback sockets (issue 25): they are cut
 * and logged once per address per interval, and a flood meets back-pressure instead of filling
 * mailboxes. Addresses under 127.42.0.0/16 of each test's own.
 */
class DataPortAbuseTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final LinkSettings DEFAULTS = LinkSettings.defaults();
  /** Most cells one socket read brings. */
  private static final int READ_CELLS = LinkReader.READ_BYTES / CellFormat.RECORD_BYTES;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  /** The WARN lines of {@code LinksActor} while open. */
  static final class Warnings extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(LinksActor.class);

    Warnings() {
      setContext(logger.getLoggerContext());
      start();
      logger.addAppender(this);
    }

    @Override
    protected void append(ILoggingEvent e) {
      if (e.getLevel() == Level.WARN) {
        lines.add(e.getFormattedMessage());
      }
    }

    /** The lines that mention {@code text}. */
    List<String> about(String text) {
      return lines.stream().filter(l -> l.contains(text)).toList();
    }

    @Override
    public void close() {
      logger.detachAppender(this);
      stop();
    }
  }

  @Test
  void aPeerThatSendsOneByteAndStallsIsCutAtTheDeadlineAndLoggedOnce() throws Exception {
    Duration deadline = Duration.ofMillis(500);
    LinkNode victim = new LinkNode(KIT, "127.42.61.1", DEFAULTS.withHandshakeTimeout(deadline));
    try (Warnings warnings = new Warnings()) {
      for (int i = 0; i < 3; i++) {
        long start = System.nanoTime();
        try (Socket s = DataPortAdmissionTest.connectFrom("127.42.62.7", victim.address)) {
          s.getOutputStream().write(0); // half a length prefix, then nothing
          s.getOutputStream().flush();
          assertTrue(DataPortAdmissionTest.closedByPeer(s), "cut");
        }
        long took = System.nanoTime() - start;
        assertTrue(took >= deadline.toNanos() - Duration.ofMillis(50).toNanos(), "not before the deadline: " + took);
        assertTrue(took < deadline.toNanos() + Duration.ofSeconds(3).toNanos(), "at the deadline: " + took);
      }
      // junk from the same address within the interval: cut too, still no second line
      try (Socket s = DataPortAdmissionTest.connectFrom("127.42.62.7", victim.address)) {
        s.getOutputStream().write(new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3});
        assertTrue(DataPortAdmissionTest.closedByPeer(s));
      }
      victim.events.awaitAssert(WAIT, () -> {
        LinkStats s = victim.stats();
        assertEquals(3, s.handshakeTimeouts());
        assertEquals(1, s.violations());
        assertEquals(0, s.connections());
        return null;
      });
      assertEquals(List.of("peer 127.42.62.7: link cut: handshake timeout"), warnings.about("127.42.62.7"),
          "one line for the address in the interval");

      // another address has a line of its own; an oversized frame says what was wrong, no bytes
      try (Socket s = DataPortAdmissionTest.connectFrom("127.42.62.8", victim.address)) {
        s.getOutputStream().write(new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3});
        assertTrue(DataPortAdmissionTest.closedByPeer(s));
      }
      victim.events.awaitAssert(WAIT, () -> {
        assertEquals(List.of("peer 127.42.62.8: link cut: protocol violation: handshake message is too large: "
            + "65535 > 4096"), warnings.about("127.42.62.8"));
        return null;
      });
    }
    victim.stop();
  }

  @Test
  void theNextIntervalLogsTheAddressAgainWithWhatWasNotLogged() throws Exception {
    LinkNode victim = new LinkNode(KIT, "127.42.63.1", DEFAULTS.withHandshakeTimeout(Duration.ofMillis(200))
        .withAbuseLogInterval(Duration.ofMillis(1500)));
    try (Warnings warnings = new Warnings()) {
      for (int i = 0; i < 3; i++) {
        try (Socket s = DataPortAdmissionTest.connectFrom("127.42.64.7", victim.address)) {
          assertTrue(DataPortAdmissionTest.closedByPeer(s));
        }
      }
      victim.events.awaitAssert(WAIT, () -> {
        assertEquals(3, victim.stats().handshakeTimeouts());
        return null;
      });
      assertEquals(1, warnings.about("127.42.64.7").size());
      // after the interval (each stall takes 200 ms), the next cut is logged with the count
      victim.events.awaitAssert(WAIT, () -> {
        try (Socket s = DataPortAdmissionTest.connectFrom("127.42.64.7", victim.address)) {
          assertTrue(DataPortAdmissionTest.closedByPeer(s));
        }
        assertEquals(2, warnings.about("127.42.64.7").size());
        return null;
      });
      String second = warnings.about("127.42.64.7").get(1);
      assertTrue(second.matches("peer 127\\.42\\.64\\.7: link cut: handshake timeout \\(\\d+ more from this address"
          + " not logged\\)"), second);
    }
    victim.stop();
  }

  /** A batch handler that keeps what it gets without taking the cells until told; then takes all. */
  private sealed interface Hoard permits Arrived, TakeAll {}

  private record Arrived(Links.InboundCells batch) implements Hoard {}

  private record TakeAll(ActorRef<Integer> taken) implements Hoard {}

  private static Behavior<Hoard> hoarding(List<Links.InboundCells> kept) {
    return Behaviors.receive(Hoard.class)
        .onMessage(Arrived.class, a -> {
          kept.add(a.batch());
          return Behaviors.same();
        })
        .onMessage(TakeAll.class, t -> {
          int n = 0;
          for (Links.InboundCells b : kept) {
            n += b.cells().size();
          }
          kept.clear();
          t.taken().tell(n);
          return taking(n);
        })
        .build();
  }

  /** After {@link TakeAll}: takes every batch at once; answers the running total. */
  private static Behavior<Hoard> taking(int sofar) {
    return Behaviors.receive(Hoard.class)
        .onMessage(Arrived.class, a -> taking(sofar + a.batch().cells().size()))
        .onMessage(TakeAll.class, t -> {
          t.taken().tell(sofar);
          return Behaviors.same();
        })
        .build();
  }

  @Test
  void aFloodingPeerMeetsBackPressureInsteadOfAnUnboundedMailbox() throws Exception {
    int bound = 64;
    int flood = 4000; // 16 MiB of records, far beyond the bound and the socket buffers' share of it
    LinkNode victim = new LinkNode(KIT, "127.42.71.1", DEFAULTS.withMaxInboundCells(bound));
    X25519.KeyPair key = X25519.generate(new SecureRandom());
    Ed25519.KeyPair identity = Ed25519.generate(new SecureRandom());
    NodeId flooder = NodeId.ofIdentityKey(identity.publicKey());
    victim.directory(victim.descriptor(), LinkNode.descriptor(identity, key.publicKey(), "127.42.72.1:1"));
    ActorRef<Hoard> handler = KIT.spawn(hoarding(new ArrayList<>()));
    victim.links.tell(new Links.RouteCells(CellCommand.RELAY, adapt(handler)));

    try (Socket socket = DataPortAdmissionTest.connectFrom("127.42.72.1", victim.address)) {
      socket.setSoTimeout(0);
      LinkCipher cipher = LinksActorTest.rawHandshake(socket, key, victim.linkKey.publicKey());
      ByteArrayOutputStream records = new ByteArrayOutputStream(flood * CellFormat.RECORD_BYTES);
      for (int i = 0; i < flood; i++) {
        records.write(cipher.seal(new Cell(7, CellCommand.RELAY, new byte[] {(byte) i})));
      }
      OutputStream out = socket.getOutputStream();
      CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
        try {
          out.write(records.toByteArray());
          out.flush();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });

      // the reader stops at the bound: the rest of the flood waits in the kernel, not in the node
      victim.events.awaitAssert(WAIT, () -> {
        Links.PeerInfo link = victim.peers().peers().get(0);
        assertTrue(link.readPauses() >= 1, "the reader waits");
        // it waits when the next read's cells would not fit: within one read of the bound
        assertTrue(link.inboundQueued() <= bound && link.inboundQueued() > bound - READ_CELLS,
            "queued: " + link.inboundQueued());
        return null;
      });
      Links.PeerInfo paused = victim.peers().peers().get(0);
      // a window in which a reader that ignored the bound would read on
      KIT.createTestProbe().expectNoMessage(Duration.ofMillis(300));
      Links.PeerInfo still = victim.peers().peers().get(0);
      assertEquals(paused.bytesIn(), still.bytesIn(), "nothing more is read while paused");
      assertTrue(still.cellsIn() <= bound + 2L * READ_CELLS,
          "opened: the bound plus the read the reader holds, at most: " + still.cellsIn());
      assertTrue(still.inboundQueuedPeak() <= bound, "never beyond the bound: " + still.inboundQueuedPeak());

      // the handler takes what it has: the reader goes on, every cell arrives, the link stays up
      TestProbe<Integer> taken = KIT.createTestProbe();
      handler.tell(new TakeAll(taken.ref()));
      assertEquals(still.inboundQueued(), taken.receiveMessage(WAIT), "what the link counted as queued");
      taken.awaitAssert(Duration.ofSeconds(20), () -> {
        handler.tell(new TakeAll(taken.ref()));
        assertEquals(flood, taken.receiveMessage(WAIT));
        return null;
      });
      sent.get();
      Links.PeerInfo after = victim.peers().peers().get(0);
      assertTrue(after.inboundQueuedPeak() <= bound, "never beyond the bound: " + after.inboundQueuedPeak());
      assertEquals(0, victim.stats().violations());
      assertEquals(1, victim.stats().openLinks());
      assertEquals(flooder.toHex(), after.nodeId());
    }
    victim.stop();
  }

  private static ActorRef<Links.InboundCells> adapt(ActorRef<Hoard> handler) {
    return KIT.spawn(Behaviors.receive(Links.InboundCells.class)
        .onAnyMessage(b -> {
          handler.tell(new Arrived(b));
          return Behaviors.same();
        }).build());
  }
}
