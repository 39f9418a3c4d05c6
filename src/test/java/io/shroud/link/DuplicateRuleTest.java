package io.shroud.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shroud.dht.NodeId;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The one-link-per-node rule and data address parsing. */
class DuplicateRuleTest {
  private static final NodeId SMALL = NodeId.fromHex("00".repeat(32));
  private static final NodeId LARGE = NodeId.fromHex("ff".repeat(32));

  @Test
  void bothEndsKeepTheLinkDialedByTheSmallerIdWhicheverCompletesFirst() {
    // Link X dialed by SMALL, link Y dialed by LARGE. At SMALL, X is outbound; at LARGE, inbound.
    // SMALL sees X then Y: keeps X (refuses Y). SMALL sees Y then X: X replaces Y.
    assertEquals(false, DuplicateRule.keepNewer(SMALL, LARGE, true, false));
    assertEquals(true, DuplicateRule.keepNewer(SMALL, LARGE, false, true));
    // LARGE sees X (inbound) then Y (outbound): keeps X. Y then X: X replaces Y.
    assertEquals(false, DuplicateRule.keepNewer(LARGE, SMALL, false, true));
    assertEquals(true, DuplicateRule.keepNewer(LARGE, SMALL, true, false));
  }

  @Test
  void twoLinksDialedByTheSameSideKeepTheNewer() {
    assertEquals(true, DuplicateRule.keepNewer(SMALL, LARGE, true, true));
    assertEquals(true, DuplicateRule.keepNewer(SMALL, LARGE, false, false));
    assertEquals(true, DuplicateRule.keepNewer(LARGE, SMALL, true, true));
  }

  @Test
  void dataAddressesParseHostPortAndBracketedV6() {
    assertEquals(new InetSocketAddress("127.0.0.1", 7000), DataAddress.parse("127.0.0.1:7000"));
    assertEquals(new InetSocketAddress("::1", 7000), DataAddress.parse("[::1]:7000"));
    assertEquals("[0:0:0:0:0:0:0:1]:7000",
        DataAddress.format(new InetSocketAddress("0:0:0:0:0:0:0:1", 7000)));
    assertNull(DataAddress.parse("127.0.0.1"));
    assertNull(DataAddress.parse("127.0.0.1:"));
    assertNull(DataAddress.parse("127.0.0.1:0"));
    assertNull(DataAddress.parse("127.0.0.1:70000"));
    assertNull(DataAddress.parse("host:port"));
    assertNull(DataAddress.parse(":7000"));
  }
}
