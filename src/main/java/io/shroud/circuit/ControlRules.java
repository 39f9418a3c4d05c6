package io.shroud.circuit;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.MlKem768;
import io.shroud.hidden.E2eHandshake;
import io.shroud.hidden.HiddenCellException;
import io.shroud.hidden.HiddenCells;
import io.shroud.hidden.Introduce1;
import java.util.EnumMap;
import java.util.Map;

/**
 * Which hidden-seeding control cells (protocol §11.4) an origin may send on one circuit and
 * which it accepts back from the circuit's last hop, in what order and of what size
 * ({@link CircuitControl}). An answer that nothing asked for, a command sent the wrong way, a
 * second INTRO_ESTABLISHED, RENDEZVOUS_ESTABLISHED or RENDEZVOUS2, or data of the wrong size is a
 * protocol violation: the circuit is destroyed. DROP (to the last hop, any number, empty or
 * padding) is the keepalive of a circuit that waits, a seeder's intro circuit above all (§11.5).
 * Pure; the circuit's actor owns it.
 */
final class ControlRules {
  /** ESTABLISH_INTRO (§11.5): auth key ‖ EK_s ‖ Ed25519 signature, 1280 bytes. */
  static final int ESTABLISH_INTRO_BYTES = Ed25519.PUBLIC_KEY_BYTES + MlKem768.PUBLIC_KEY_BYTES
      + Ed25519.SIGNATURE_BYTES;

  /** Commands sent on this circuit, counted; answers outstanding for INTRO_KEY and INTRODUCE1. */
  private final Map<RelayCommand, Integer> sent = new EnumMap<>(RelayCommand.class);
  private int introKeysPending;
  private int introducesPending;
  private boolean introEstablished;
  private boolean rendezvousEstablished;
  private boolean rendezvous2Received;

  /**
   * Null when {@code command} with {@code data} may be sent now (it is then counted as sent),
   * else why not: not a command an origin sends, ESTABLISH_INTRO or ESTABLISH_RENDEZVOUS a
   * second time, or data of the wrong size (the relay would destroy the circuit for it).
   */
  String send(RelayCommand command, byte[] data) {
    String refusal = switch (command) {
      case ESTABLISH_INTRO -> either(once(command), size(data, ESTABLISH_INTRO_BYTES));
      case ESTABLISH_RENDEZVOUS -> either(once(command), size(data, HiddenCells.COOKIE_BYTES));
      case INTRO_KEY -> size(data, HiddenCells.AUTH_KEY_BYTES);
      case INTRODUCE1 -> size(data, Introduce1.BYTES);
      case RENDEZVOUS1 -> either(once(command), size(data, E2eHandshake.RENDEZVOUS1_BYTES));
      case DROP -> data.length <= RelayCellFormat.MAX_DATA ? null : "DROP data is at most " + RelayCellFormat.MAX_DATA
          + " bytes";
      default -> command + " is not a control command an origin sends";
    };
    if (refusal != null) {
      return refusal;
    }
    sent.merge(command, 1, Integer::sum);
    if (command == RelayCommand.INTRO_KEY) {
      introKeysPending++;
    } else if (command == RelayCommand.INTRODUCE1) {
      introducesPending++;
    }
    return null;
  }

  /** Checks a control cell from the last hop; throws when it is a violation. */
  void receive(RelayCommand command, byte[] data) throws CircuitProtocolException {
    try {
      switch (command) {
        case INTRO_ESTABLISHED -> {
          expect(sent.containsKey(RelayCommand.ESTABLISH_INTRO) && !introEstablished, command);
          HiddenCells.decodeEmpty(data, command.name());
          introEstablished = true;
        }
        case INTRODUCE2 -> {
          expect(introEstablished, command);
          Introduce1.authKeyOf(data);
        }
        case INTRO_KEY -> {
          expect(introKeysPending > 0, command);
          HiddenCells.decodeIntroKeyAnswer(data);
          introKeysPending--;
        }
        case INTRODUCE_ACK -> {
          expect(introducesPending > 0, command);
          HiddenCells.decodeIntroduceAck(data);
          introducesPending--;
        }
        case RENDEZVOUS_ESTABLISHED -> {
          expect(sent.containsKey(RelayCommand.ESTABLISH_RENDEZVOUS) && !rendezvousEstablished, command);
          HiddenCells.decodeEmpty(data, command.name());
          rendezvousEstablished = true;
        }
        case RENDEZVOUS2 -> {
          expect(rendezvousEstablished && !rendezvous2Received, command);
          HiddenCells.decodeRendezvous2(data);
          rendezvous2Received = true;
        }
        default -> throw new CircuitProtocolException(command + " is not a control command an origin receives");
      }
    } catch (HiddenCellException e) {
      throw new CircuitProtocolException("malformed " + command + ": " + e.getMessage());
    }
  }

  private static String either(String first, String second) {
    return first != null ? first : second;
  }

  private String once(RelayCommand command) {
    return sent.containsKey(command) ? command + " was already sent on this circuit" : null;
  }

  private static String size(byte[] data, int expected) {
    return data.length == expected ? null : "data must be " + expected + " bytes, got " + data.length;
  }

  private static void expect(boolean condition, RelayCommand command) throws CircuitProtocolException {
    if (!condition) {
      throw new CircuitProtocolException(command + " that this circuit did not ask for");
    }
  }
}
