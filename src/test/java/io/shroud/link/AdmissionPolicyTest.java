package io.shroud.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shroud.metrics.NodeMetrics.LinkRefusal;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The data port's admission rules, without sockets. */
class AdmissionPolicyTest {

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** maxLinks 100 and no reserve unless a test says otherwise: only the named cap bites. */
  private static AdmissionPolicy policy(int pending, int perIp, int perSubnet) {
    return new AdmissionPolicy(100, new LinkSettings.Admission(pending, perIp, perSubnet, 0));
  }

  private static AdmissionPolicy.Ticket admitted(AdmissionPolicy p, String address) {
    AdmissionPolicy.Decision d = p.accept(ip(address));
    assertNull(d.refusal(), address + " should be admitted");
    return d.ticket();
  }

  private static void refused(AdmissionPolicy p, String address, LinkRefusal why) {
    AdmissionPolicy.Decision d = p.accept(ip(address));
    assertNull(d.ticket());
    assertEquals(why, d.refusal(), address);
  }

  @Test
  void oneAddressGetsAtMostItsCapPendingAndOpenTogetherAndOthersStillGetIn() {
    AdmissionPolicy p = policy(100, 3, 100);
    AdmissionPolicy.Ticket first = admitted(p, "127.42.1.5");
    assertNull(p.open(first, null), "an open link still counts against its address");
    admitted(p, "127.42.1.5");
    admitted(p, "127.42.1.5");
    refused(p, "127.42.1.5", LinkRefusal.PER_IP);
    refused(p, "127.42.1.5", LinkRefusal.PER_IP);
    assertEquals(2, p.refusals(LinkRefusal.PER_IP));
    admitted(p, "127.42.1.6");

    p.closed(first);
    admitted(p, "127.42.1.5");
    assertEquals(3, p.fromAddress(ip("127.42.1.5")));
  }

  @Test
  void aSubnetGetsAtMostItsCapAndADevnetNodesSlash24IsItsOwn() {
    AdmissionPolicy p = policy(100, 100, 3);
    admitted(p, "127.42.2.1");
    admitted(p, "127.42.2.2");
    admitted(p, "127.42.2.3");
    refused(p, "127.42.2.4", LinkRefusal.PER_SUBNET);
    admitted(p, "127.42.3.1");
    // devnet: node n is 127.n.0.1, so nodes never share a /24
    for (int n = 1; n <= 5; n++) {
      admitted(p, "127." + n + ".0.1");
    }
    assertEquals(3, p.fromSubnet(ip("127.42.2.200")));
  }

  @Test
  void pendingHandshakesHaveABudgetOfTheirOwnThatLinksDoNotTouch() {
    // two link slots, five handshakes: pending connections never take link slots
    AdmissionPolicy p = new AdmissionPolicy(2, new LinkSettings.Admission(5, 100, 100, 0));
    List<AdmissionPolicy.Ticket> pending = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      pending.add(admitted(p, "127.42.4." + i));
    }
    assertEquals(5, p.pending());
    refused(p, "127.42.5.1", LinkRefusal.HANDSHAKE_BUDGET);
    assertNotNull(p.dial(), "dialing out does not need the handshake budget");

    p.handshakeDone(pending.get(0));
    assertEquals(4, p.pending());
    admitted(p, "127.42.5.1");
    p.closed(pending.get(1)); // cut at its deadline
    admitted(p, "127.42.5.2");
    assertEquals(1, p.refusals(LinkRefusal.HANDSHAKE_BUDGET));
  }

  @Test
  void inboundLinksLeaveTheOutboundReserveFree() {
    // four slots, two kept for dialing out
    AdmissionPolicy p = new AdmissionPolicy(4, new LinkSettings.Admission(10, 10, 10, 2));
    AdmissionPolicy.Ticket a = admitted(p, "127.42.6.1");
    AdmissionPolicy.Ticket b = admitted(p, "127.42.6.2");
    AdmissionPolicy.Ticket c = admitted(p, "127.42.6.3");
    assertNull(p.open(a, null));
    assertNull(p.open(b, null));
    assertEquals(LinkRefusal.LINK_LIMIT, p.open(c, null), "a third inbound link would eat the reserve");
    refused(p, "127.42.6.4", LinkRefusal.LINK_LIMIT);
    assertEquals(2, p.refusals(LinkRefusal.LINK_LIMIT));

    AdmissionPolicy.Ticket out1 = p.dial();
    AdmissionPolicy.Ticket out2 = p.dial();
    assertNotNull(out1);
    assertNotNull(out2);
    assertNull(p.dial(), "every slot is taken now");
    assertNull(p.open(out1, null), "a dial was counted when it started: it always opens");
    assertEquals(2, p.inboundOpen());
    assertEquals(1, p.outboundOpen());
    assertEquals(1, p.dialing());

    p.closed(a);
    p.closed(out2);
    AdmissionPolicy.Ticket d = admitted(p, "127.42.6.5");
    assertNull(p.open(d, null));
  }

  @Test
  void dialsInProgressTakeLinkSlotsSoInboundIsRefusedWhenAllAreTaken() {
    AdmissionPolicy p = new AdmissionPolicy(2, new LinkSettings.Admission(10, 10, 10, 0));
    AdmissionPolicy.Ticket pendingBefore = admitted(p, "127.42.7.1");
    p.dial();
    p.dial();
    refused(p, "127.42.7.2", LinkRefusal.LINK_LIMIT);
    assertEquals(LinkRefusal.LINK_LIMIT, p.open(pendingBefore, null));
  }

  @Test
  void aLinkReplacingItsDuplicateNeedsNoFreeSlot() {
    // room for two inbound links
    AdmissionPolicy p = new AdmissionPolicy(3, new LinkSettings.Admission(10, 10, 10, 1));
    AdmissionPolicy.Ticket old = admitted(p, "127.42.8.1");
    AdmissionPolicy.Ticket other = admitted(p, "127.42.8.2");
    AdmissionPolicy.Ticket newer = admitted(p, "127.42.8.1");
    assertNull(p.open(old, null));
    assertNull(p.open(other, null));
    assertEquals(LinkRefusal.LINK_LIMIT, p.accept(ip("127.42.8.3")).refusal(), "inbound links are full");
    assertNull(p.open(newer, old), "the old link's slot is the new one's");
    assertEquals(2, p.inboundOpen());
    p.closed(old);
    assertEquals(2, p.inboundOpen(), "the replaced link was no longer counted");
    assertEquals(1, p.fromAddress(ip("127.42.8.1")));
  }

  @Test
  void closingIsIdempotentAndLeavesNothingCounted() {
    AdmissionPolicy p = policy(10, 10, 10);
    AdmissionPolicy.Ticket in = admitted(p, "127.42.9.1");
    AdmissionPolicy.Ticket refusedKey = admitted(p, "127.42.9.1");
    p.open(in, null);
    p.handshakeDone(refusedKey);
    p.refused(LinkRefusal.UNKNOWN_KEY);
    AdmissionPolicy.Ticket out = p.dial();
    for (AdmissionPolicy.Ticket t : List.of(in, refusedKey, out, in, out)) {
      p.closed(t);
    }
    assertEquals(0, p.pending() + p.inboundOpen() + p.outboundOpen() + p.dialing());
    assertEquals(0, p.fromAddress(ip("127.42.9.1")));
    assertEquals(0, p.fromSubnet(ip("127.42.9.1")));
    assertEquals(1, p.refusals(LinkRefusal.UNKNOWN_KEY));
  }

  @Test
  void addressesAndSubnetsByFamily() {
    assertEquals("127.42.10.7", AdmissionPolicy.ipKey(ip("127.42.10.7")));
    assertEquals("127.42.10.0/24", AdmissionPolicy.subnetKey(ip("127.42.10.7")));
    // IPv6: one host usually has a /64 to itself, one site a /48
    assertEquals("2001:db8:1:2:0:0:0:0/64", AdmissionPolicy.ipKey(ip("2001:db8:1:2:aaaa::1")));
    assertEquals(AdmissionPolicy.ipKey(ip("2001:db8:1:2::1")), AdmissionPolicy.ipKey(ip("2001:db8:1:2:ffff::9")));
    assertEquals("2001:db8:1:0:0:0:0:0/48", AdmissionPolicy.subnetKey(ip("2001:db8:1:2::1")));
    // an IPv4-mapped address counts as its IPv4 address
    assertEquals("127.42.10.7", AdmissionPolicy.ipKey(ip("::ffff:127.42.10.7")));
  }

  @Test
  void theReserveMustLeaveRoomForInboundLinks() {
    assertThrows(IllegalArgumentException.class,
        () -> new AdmissionPolicy(32, new LinkSettings.Admission(1, 1, 1, 32)));
    assertThrows(IllegalArgumentException.class, () -> LinkSettings.defaults().withMaxLinks(8, 8));
    assertThrows(IllegalArgumentException.class, () -> new LinkSettings.Admission(0, 1, 1, 0));
    assertThrows(IllegalArgumentException.class,
        () -> LinkSettings.defaults().withMaxInboundCells(LinkSettings.MIN_INBOUND_CELLS - 1));
  }

  @Test
  void refusalsAreDescribedWithTheirCapAndNoPeerData() {
    AdmissionPolicy p = policy(64, 8, 32);
    assertEquals("8 connections from this address already", p.describe(LinkRefusal.PER_IP));
    assertEquals("32 connections from its subnet already", p.describe(LinkRefusal.PER_SUBNET));
    assertEquals("64 handshakes already pending", p.describe(LinkRefusal.HANDSHAKE_BUDGET));
  }
}
