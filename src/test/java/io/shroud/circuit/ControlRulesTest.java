package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.hidden.E2eHandshake;
import io.shroud.hidden.HiddenCells;
import io.shroud.hidden.Introduce1;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What an origin sends and accepts of the hidden-seeding control cells (protocol §11.4). */
class ControlRulesTest {
  private static final byte[] EMPTY = new byte[0];
  private static final byte[] COOKIE = new byte[HiddenCells.COOKIE_BYTES];
  private static final byte[] INTRODUCE = new byte[Introduce1.BYTES];
  private static final byte[] RENDEZVOUS1 = new byte[E2eHandshake.RENDEZVOUS1_BYTES];
  private static final byte[] RENDEZVOUS2 = new byte[E2eHandshake.RENDEZVOUS2_BYTES];
  private static final byte[] ESTABLISH_INTRO = new byte[ControlRules.ESTABLISH_INTRO_BYTES];

  @Test
  void anOriginSendsOnlyTheRequestsOfSection11Point4() {
    Set<RelayCommand> sendable = EnumSet.of(RelayCommand.ESTABLISH_INTRO, RelayCommand.INTRO_KEY,
        RelayCommand.INTRODUCE1, RelayCommand.ESTABLISH_RENDEZVOUS, RelayCommand.RENDEZVOUS1, RelayCommand.DROP);
    for (RelayCommand command : RelayCommand.values()) {
      if (!sendable.contains(command)) {
        String refusal = new ControlRules().send(command, EMPTY);
        assertNotNull(refusal, command::name);
        assertTrue(refusal.contains("not a control command"), refusal);
      }
    }
    ControlRules rules = new ControlRules();
    assertNull(rules.send(RelayCommand.ESTABLISH_INTRO, ESTABLISH_INTRO));
    assertNull(rules.send(RelayCommand.INTRO_KEY, new byte[32]));
    assertNull(rules.send(RelayCommand.INTRO_KEY, new byte[32]), "INTRO_KEY may be asked again");
    assertNull(rules.send(RelayCommand.INTRODUCE1, INTRODUCE));
    assertNull(rules.send(RelayCommand.ESTABLISH_RENDEZVOUS, COOKIE));
    assertNull(rules.send(RelayCommand.RENDEZVOUS1, RENDEZVOUS1));
  }

  @Test
  void dropKeepsAWaitingCircuitAliveAnyNumberOfTimes() {
    ControlRules rules = new ControlRules();
    assertNull(rules.send(RelayCommand.ESTABLISH_INTRO, ESTABLISH_INTRO));
    for (int i = 0; i < 3; i++) {
      assertNull(rules.send(RelayCommand.DROP, EMPTY));
    }
    assertNull(rules.send(RelayCommand.DROP, new byte[RelayCellFormat.MAX_DATA]));
    assertNotNull(rules.send(RelayCommand.DROP, new byte[RelayCellFormat.MAX_DATA + 1]), "would not fit a cell");
    assertNotNull(rules.send(RelayCommand.ESTABLISH_INTRO, ESTABLISH_INTRO), "DROP reset nothing");
  }

  @Test
  void establishingTwiceOrWithTheWrongSizeIsRefused() {
    ControlRules rules = new ControlRules();
    assertNotNull(rules.send(RelayCommand.ESTABLISH_RENDEZVOUS, new byte[19]));
    assertNull(rules.send(RelayCommand.ESTABLISH_RENDEZVOUS, COOKIE), "a refused send does not count");
    assertNotNull(rules.send(RelayCommand.ESTABLISH_RENDEZVOUS, COOKIE));
    assertNull(rules.send(RelayCommand.ESTABLISH_INTRO, ESTABLISH_INTRO));
    assertNotNull(rules.send(RelayCommand.ESTABLISH_INTRO, ESTABLISH_INTRO));
    assertNotNull(rules.send(RelayCommand.INTRODUCE1, new byte[Introduce1.BYTES - 1]));
    assertNotNull(rules.send(RelayCommand.INTRO_KEY, new byte[33]));
    assertNull(rules.send(RelayCommand.RENDEZVOUS1, RENDEZVOUS1));
    assertNotNull(rules.send(RelayCommand.RENDEZVOUS1, RENDEZVOUS1));
  }

  @Test
  void answersNobodyAskedForDestroy() {
    for (RelayCommand command : RelayCommand.values()) {
      byte[] data = switch (command) {
        case INTRODUCE2 -> INTRODUCE;
        case INTRO_KEY, INTRODUCE_ACK -> new byte[] {1};
        case RENDEZVOUS2 -> RENDEZVOUS2;
        default -> EMPTY;
      };
      assertThrows(CircuitProtocolException.class, () -> new ControlRules().receive(command, data), command::name);
    }
  }

  @Test
  void aSeedersIntroCircuitTakesOneIntroEstablishedThenIntroductions() throws CircuitProtocolException {
    ControlRules rules = new ControlRules();
    rules.send(RelayCommand.ESTABLISH_INTRO, ESTABLISH_INTRO);
    assertThrows(CircuitProtocolException.class, () -> rules.receive(RelayCommand.INTRODUCE2, INTRODUCE));
    assertThrows(CircuitProtocolException.class, () -> rules.receive(RelayCommand.INTRO_ESTABLISHED, new byte[1]));
    rules.receive(RelayCommand.INTRO_ESTABLISHED, EMPTY);
    assertThrows(CircuitProtocolException.class, () -> rules.receive(RelayCommand.INTRO_ESTABLISHED, EMPTY));
    for (int i = 0; i < 3; i++) {
      rules.receive(RelayCommand.INTRODUCE2, INTRODUCE);
    }
    assertThrows(CircuitProtocolException.class, () -> rules.receive(RelayCommand.INTRODUCE2, new byte[100]));
  }

  @Test
  void aDownloaderGetsOneAnswerPerQuestion() throws CircuitProtocolException {
    ControlRules rules = new ControlRules();
    rules.send(RelayCommand.INTRO_KEY, new byte[32]);
    rules.send(RelayCommand.INTRODUCE1, INTRODUCE);
    assertThrows(CircuitProtocolException.class, () -> rules.receive(RelayCommand.INTRODUCE_ACK, new byte[] {9}));
    rules.receive(RelayCommand.INTRODUCE_ACK, new byte[] {2});
    assertThrows(CircuitProtocolException.class, () -> rules.receive(RelayCommand.INTRODUCE_ACK, new byte[] {0}));
    rules.receive(RelayCommand.INTRO_KEY, new byte[] {1});
    assertThrows(CircuitProtocolException.class, () -> rules.receive(RelayCommand.INTRO_KEY, new byte[] {1}));
  }

  @Test
  void aRendezvousCircuitTakesOneEstablishedThenOneRendezvous2() throws CircuitProtocolException {
    ControlRules rules = new ControlRules();
    rules.send(RelayCommand.ESTABLISH_RENDEZVOUS, COOKIE);
    assertThrows(CircuitProtocolException.class, () -> rules.receive(RelayCommand.RENDEZVOUS2, RENDEZVOUS2));
    rules.receive(RelayCommand.RENDEZVOUS_ESTABLISHED, EMPTY);
    assertThrows(CircuitProtocolException.class,
        () -> rules.receive(RelayCommand.RENDEZVOUS2, new byte[E2eHandshake.RENDEZVOUS2_BYTES + 1]));
    assertDoesNotThrow(() -> rules.receive(RelayCommand.RENDEZVOUS2, RENDEZVOUS2));
    assertThrows(CircuitProtocolException.class, () -> rules.receive(RelayCommand.RENDEZVOUS2, RENDEZVOUS2));
  }
}
