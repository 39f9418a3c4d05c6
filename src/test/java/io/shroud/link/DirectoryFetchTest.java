package io.shroud.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.admission.AdmissionException;
import io.shroud.admission.Consensus;
import io.shroud.admission.DirectoryBundle;
import io.shroud.admission.RelayFixtures;
import io.shroud.admission.RelayFlag;
import io.shroud.crypto.Ed25519;
import io.shroud.identity.SignedDescriptor;
import io.shroud.testutil.MutableClock;
import io.shroud.wire.DirectoryCells;
import io.shroud.wire.ProtocolViolationException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A client's directory fetch: request, chunks, verification, newest consensus kept. */
class DirectoryFetchTest {
  private static final RelayFixtures.Net NET = RelayFixtures.network("fetchnet", 51);
  private static final List<Ed25519.KeyPair> AUTHORITIES = List.of(Ed25519.fromPrivateKey(RelayFixtures.filled(32, 1)),
      Ed25519.fromPrivateKey(RelayFixtures.filled(32, 2)));
  private static final Instant VALID_AFTER = Instant.parse("2026-12-07T12:00:00Z");
  private final MutableClock clock = new MutableClock(RelayFixtures.NOW);

  @Test
  void aRelaysAnswerInManyCellsGivesAVerifiedDirectory() throws Exception {
    List<RelayFixtures.Relay> relays = relays(5);
    DirectoryBundle bundle = bundle(relays, VALID_AFTER);
    DirectoryFetch fetch = new DirectoryFetch(NET.definition(), null, clock, RelayFixtures.SKEW, new Random(1), 1 << 20);
    long id = DirectoryCells.decodeRequest(fetch.request());
    assertThrows(IllegalStateException.class, fetch::request);
    List<byte[]> cells = DirectoryCells.encodeBundle(id, bundle.encode());
    assertTrue(cells.size() > 1, "the answer spans cells");
    DirectoryFetch.Outcome last = null;
    for (byte[] cell : cells) {
      last = fetch.onData(cell);
    }
    DirectoryFetch.Fetched fetched = assertInstanceOf(DirectoryFetch.Fetched.class, last);
    assertEquals(5, fetched.directory().descriptors().size());
    assertSame(fetched.directory().consensus(), fetch.held());
    assertFalse(fetch.outstanding());
    assertEquals("DIR_DATA with no directory request outstanding",
        assertThrows(ProtocolViolationException.class, () -> fetch.onData(cells.get(0))).getMessage());
  }

  @Test
  void onlyANewerConsensusReplacesTheOneHeld() throws Exception {
    List<RelayFixtures.Relay> relays = relays(2);
    Consensus held = bundle(relays, VALID_AFTER).consensus();
    DirectoryFetch fetch = new DirectoryFetch(NET.definition(), held, clock, RelayFixtures.SKEW, new Random(2), 1 << 20);
    assertInstanceOf(DirectoryFetch.Stale.class, answer(fetch, bundle(relays, VALID_AFTER)));
    assertSame(held, fetch.held());
    DirectoryBundle newer = bundle(relays, VALID_AFTER.plusSeconds(60));
    assertInstanceOf(DirectoryFetch.Fetched.class, answer(fetch, newer));
    assertEquals(newer.consensus(), fetch.held());
  }

  @Test
  void aForgedAnswerIsRefusedAndEndsTheRequest() throws Exception {
    List<RelayFixtures.Relay> relays = relays(2);
    DirectoryBundle good = bundle(relays, VALID_AFTER);
    SignedDescriptor d = good.descriptors().get(0);
    byte[] sig = d.signature();
    sig[5] ^= 1;
    DirectoryBundle forged = new DirectoryBundle(good.consensus(), List.of(new SignedDescriptor(d.encoded(), sig),
        good.descriptors().get(1)));
    DirectoryFetch fetch = new DirectoryFetch(NET.definition(), null, clock, RelayFixtures.SKEW, new Random(3), 1 << 20);
    AdmissionException e = assertThrows(AdmissionException.class, () -> answer(fetch, forged));
    assertTrue(e.getMessage().startsWith("descriptor 0 refused: signature does not verify"), e.getMessage());
    assertNull(fetch.held());
    assertFalse(fetch.outstanding());
  }

  @Test
  void aDeclinedAnswerAndAnOverdueOne() throws Exception {
    DirectoryFetch fetch = new DirectoryFetch(NET.definition(), null, clock, RelayFixtures.SKEW, new Random(4), 1 << 20);
    long id = DirectoryCells.decodeRequest(fetch.request());
    assertEquals(new DirectoryFetch.Declined(DirectoryCells.Status.BUSY),
        fetch.onData(DirectoryCells.encodeEmpty(id, DirectoryCells.Status.BUSY)));
    fetch.request();
    clock.advance(Duration.ofSeconds(119));
    assertFalse(fetch.overdue());
    clock.advance(Duration.ofSeconds(1));
    assertTrue(fetch.overdue());
  }

  private static DirectoryFetch.Outcome answer(DirectoryFetch fetch, DirectoryBundle bundle) throws Exception {
    long id = DirectoryCells.decodeRequest(fetch.request());
    DirectoryFetch.Outcome last = null;
    for (byte[] cell : DirectoryCells.encodeBundle(id, bundle.encode())) {
      last = fetch.onData(cell);
    }
    return last;
  }

  private static List<RelayFixtures.Relay> relays(int n) {
    List<RelayFixtures.Relay> relays = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      relays.add(RelayFixtures.relay(NET, i));
    }
    relays.sort(Comparator.comparing(RelayFixtures.Relay::nodeId));
    return relays;
  }

  private static DirectoryBundle bundle(List<RelayFixtures.Relay> relays, Instant validAfter) throws Exception {
    List<Consensus.Relay> listed = new ArrayList<>();
    for (int i = 0; i < relays.size(); i++) {
      RelayFixtures.Relay r = relays.get(i);
      listed.add(new Consensus.Relay(r.nodeId(), r.identity().publicKey(),
          (Inet4Address) InetAddress.getByName("10.0.0." + (i + 1)), 7400, Set.of(RelayFlag.GUARD), 1000));
    }
    Consensus c = Consensus.unsigned(NET.definition().id(), validAfter, validAfter.plus(Duration.ofHours(1)),
        validAfter.plus(Duration.ofHours(3)), listed).sign(AUTHORITIES.get(0)).sign(AUTHORITIES.get(1));
    return new DirectoryBundle(c, relays.stream().map(RelayFixtures.Relay::descriptor).toList());
  }
}
