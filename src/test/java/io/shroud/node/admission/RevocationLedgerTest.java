package io.shroud.node.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.admission.NetworkDefinition;
import io.shroud.admission.NetworkFiles;
import io.shroud.admission.RevocationList;
import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevocationLedgerTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final NodeId A = NodeId.ofIdentityKey(new byte[32]);
  private static final NodeId B = NodeId.ofIdentityKey(new byte[] {1});

  @TempDir
  Path dir;
  NetworkDefinition network;
  List<Ed25519.KeyPair> authorities;

  @BeforeEach
  void network() throws Exception {
    network = NetworkFiles.init(dir.resolve("net"), "testnet", 3, new MutableClock(NOW), SeededRandom.of(5));
    authorities = NetworkFiles.loadAuthorityKeys(dir.resolve("net"));
  }

  private String list(long serial, Set<NodeId> ids, int signers) {
    RevocationList l = RevocationList.unsigned(network.id(), serial, NOW, ids);
    for (int i = 0; i < signers; i++) {
      l = l.sign(authorities.get(i));
    }
    return l.armor();
  }

  @Test
  void aListSignedByEnoughAuthoritiesBecomesCurrentAndOnlyANewerOneReplacesIt() {
    RevocationLedger ledger = new RevocationLedger(network);
    assertEquals(Set.of(), ledger.revoked());

    assertInstanceOf(RevocationLedger.Accepted.class, ledger.offer(list(2, Set.of(A), 2)));
    assertEquals(Set.of(A), ledger.revoked());

    // replaying an older list (or the same serial with fewer ids) takes no revocation back
    assertInstanceOf(RevocationLedger.Stale.class, ledger.offer(list(1, Set.of(), 3)));
    assertInstanceOf(RevocationLedger.Stale.class, ledger.offer(list(2, Set.of(), 3)));
    assertEquals(Set.of(A), ledger.revoked());

    assertInstanceOf(RevocationLedger.Accepted.class, ledger.offer(list(3, Set.of(A, B), 3)));
    assertEquals(Set.of(A, B), ledger.revoked());
    assertEquals(3, ledger.current().orElseThrow().serial());
  }

  @Test
  void aListWithTooFewSignaturesOrForAnotherNetworkOrGarbageIsRefusedWithItsReason() throws Exception {
    RevocationLedger ledger = new RevocationLedger(network);
    RevocationLedger.Outcome oneOfThree = ledger.offer(list(5, Set.of(A), 1));
    assertTrue(((RevocationLedger.Invalid) oneOfThree).reason().contains("signed by 1 of 3"), oneOfThree.toString());

    NetworkDefinition other = NetworkFiles.init(dir.resolve("other"), "othernet", 3, new MutableClock(NOW),
        SeededRandom.of(6));
    RevocationList foreign = RevocationList.unsigned(other.id(), 9, NOW, Set.of(A));
    for (Ed25519.KeyPair k : NetworkFiles.loadAuthorityKeys(dir.resolve("other"))) {
      foreign = foreign.sign(k);
    }
    assertInstanceOf(RevocationLedger.Invalid.class, ledger.offer(foreign.armor()));
    assertInstanceOf(RevocationLedger.Invalid.class, ledger.offer("-----BEGIN SHROUD REVOCATIONS-----\nAAAA\n"));
    assertEquals(Set.of(), ledger.revoked());
    assertTrue(ledger.current().isEmpty());
  }

  @Test
  void aRelayPutsItsListBackOverAnOlderOrABadOneButNotOverTheSameSerial() {
    assertTrue(RevocationLedger.putOursBack(new RevocationLedger.Stale(1, 2)));
    assertTrue(RevocationLedger.putOursBack(new RevocationLedger.Invalid("signed by 1 of 3")));
    assertFalse(RevocationLedger.putOursBack(new RevocationLedger.Stale(2, 2)));
    RevocationLedger ledger = new RevocationLedger(network);
    assertFalse(RevocationLedger.putOursBack(ledger.offer(list(2, Set.of(A), 2))));
  }
}
