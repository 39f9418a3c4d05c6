package io.shroud.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Peers that stall or send junk, over real loopback sockets (issue 25): they are cut and logged
 * once per address per interval. Addresses under 127.42.0.0/16 of each test's own.
 */
class DataPortAbuseTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final LinkSettings DEFAULTS = LinkSettings.defaults();

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
}
