package io.shroud.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shroud.identity.NodeId;
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
}
