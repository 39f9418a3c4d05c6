package io.shroud.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.testutil.MutableClock;
import io.shroud.wire.CellCommand;
import io.shroud.wire.ProtocolViolationException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientLinkRulesTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));

  @Test
  void aClientMaySendCircuitsDirectoryRequestsAndLinkControlOnly() throws Exception {
    Set<CellCommand> allowed = EnumSet.of(CellCommand.PADDING, CellCommand.REKEY, CellCommand.LINK_PING,
        CellCommand.LINK_PONG, CellCommand.CREATE, CellCommand.RELAY, CellCommand.DESTROY, CellCommand.DIR_REQUEST);
    for (CellCommand c : CellCommand.values()) {
      if (allowed.contains(c)) {
        ClientLinkRules.checkInbound(c);
      } else {
        ProtocolViolationException e =
            assertThrows(ProtocolViolationException.class, () -> ClientLinkRules.checkInbound(c));
        assertEquals(c + " from a client link", e.getMessage());
      }
    }
    assertThrows(ProtocolViolationException.class, () -> ClientLinkRules.checkInbound(CellCommand.DHT));
  }

  @Test
  void aRelaySendsAClientNoCreateNoDhtNoDirectoryRequest() {
    for (CellCommand c : CellCommand.values()) {
      boolean never = c == CellCommand.CREATE || c == CellCommand.DHT || c == CellCommand.DIR_REQUEST;
      assertEquals(!never, ClientLinkRules.mayOutbound(c), c.toString());
    }
  }

  @Test
  void aClientCreatesInTheTopHalfUpToItsCap() {
    ClientLinkRules rules = new ClientLinkRules(new ClientLinkRules.Limits(2, Duration.ofSeconds(60)), clock);
    assertEquals(ClientLinkRules.CreateVerdict.REFUSE_WRONG_HALF, rules.onCreate(0x7fff_ffff));
    assertEquals(ClientLinkRules.CreateVerdict.REFUSE_WRONG_HALF, rules.onCreate(1));
    assertEquals(ClientLinkRules.CreateVerdict.ACCEPT, rules.onCreate(0x8000_0000));
    assertEquals(ClientLinkRules.CreateVerdict.ACCEPT, rules.onCreate(0xffff_ffff));
    assertEquals(ClientLinkRules.CreateVerdict.REFUSE_CIRCUIT_CAP, rules.onCreate(0x8000_0001));
    rules.circuitClosed();
    assertEquals(ClientLinkRules.CreateVerdict.ACCEPT, rules.onCreate(0x8000_0001));
    assertEquals(2, rules.circuits());
    assertEquals(64, ClientLinkRules.Limits.DEFAULT.circuitsPerLink());
  }

  @Test
  void directoryRequestsAreOneAtATimeAndAtMostOnePerInterval() throws Exception {
    ClientLinkRules rules = new ClientLinkRules(ClientLinkRules.Limits.DEFAULT, clock);
    assertEquals(ClientLinkRules.DirVerdict.ANSWER, rules.onDirRequest());
    ProtocolViolationException e = assertThrows(ProtocolViolationException.class, rules::onDirRequest);
    assertEquals("DIR_REQUEST while the previous answer is still being sent", e.getMessage());
    rules.answerSent();
    clock.advance(Duration.ofSeconds(59));
    assertEquals(ClientLinkRules.DirVerdict.BUSY, rules.onDirRequest());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(ClientLinkRules.DirVerdict.ANSWER, rules.onDirRequest());
  }

  @Test
  void theRelayWideBudgetBoundsClientLinksBootstrapsAndAnswers() {
    ClientLinkBudget budget = new ClientLinkBudget(new ClientLinkBudget.Limits(2, 1, 1));
    assertTrue(budget.tryOpen());
    assertTrue(budget.tryOpen());
    assertFalse(budget.tryOpen());
    budget.closed();
    assertTrue(budget.tryOpen());
    assertTrue(budget.tryStartBootstrap());
    assertFalse(budget.tryStartBootstrap());
    budget.bootstrapEnded();
    assertTrue(budget.tryStartBootstrap());
    assertTrue(budget.tryStartAnswer());
    assertFalse(budget.tryStartAnswer());
    budget.answerEnded();
    assertTrue(budget.tryStartAnswer());
    assertEquals(new ClientLinkBudget.Limits(512, 32, 8), ClientLinkBudget.Limits.DEFAULT);
  }
}
