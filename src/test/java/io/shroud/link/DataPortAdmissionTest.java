package io.shroud.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.wire.Cell;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The data port over real loopback sockets (issue 25): the address dials leave from. Each test
 * uses addresses of its own under 127.42.0.0/16, so that they cannot meet other tests'.
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
