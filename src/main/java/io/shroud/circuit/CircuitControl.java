package io.shroud.circuit;

import java.util.Objects;
import java.util.Optional;

/**
 * The contract of a circuit's control cells at the origin: the circuit-level hidden-seeding
 * commands (protocol §11.4, codes 12–21) an origin sends to the last hop of its circuit with
 * {@link CircuitActor.SendControl} and receives from it, as events, by
 * {@link CircuitActor.WatchControl}. The watcher decodes the data with the {@code hidden}
 * package's codecs; the circuit has already checked the command's direction, its order and the
 * size of its data ({@link ControlRules}), and destroyed the circuit on a violation.
 *
 * <p>What an origin may send: ESTABLISH_INTRO (seeder → introduction point), INTRO_KEY and
 * INTRODUCE1 (downloader → introduction point), ESTABLISH_RENDEZVOUS (downloader → rendezvous
 * point), RENDEZVOUS1 (seeder → rendezvous point), and DROP, the keepalive of an intro circuit
 * (§11.5; refused once the circuit is joined end to end, where the rendezvous point would take it
 * for a violation). What it may receive: the answers
 * INTRO_ESTABLISHED, INTRODUCE2 (after INTRO_ESTABLISHED), INTRO_KEY, INTRODUCE_ACK,
 * RENDEZVOUS_ESTABLISHED and RENDEZVOUS2 (once, after RENDEZVOUS_ESTABLISHED).
 */
public final class CircuitControl {
  private CircuitControl() {}

  /** What a control watcher receives. */
  public sealed interface ControlEvent {}

  /** A control cell from the circuit's last hop, in arrival order. {@code data} is handed over. */
  public record ControlCell(RelayCommand command, byte[] data) implements ControlEvent {
    public ControlCell {
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(data, "data");
    }

    @Override
    public String toString() {
      return "ControlCell[" + command + ", " + data.length + " bytes]";
    }
  }

  /** A {@link CircuitActor.SendControl} that was not sent, and why; the circuit is unchanged. */
  public record ControlRefused(RelayCommand command, String reason) implements ControlEvent {}

  /**
   * The answer to {@link CircuitActor.GetLastHopBinding}: the {@code KH} of the circuit's last hop
   * (32 bytes, §6.3.3; a seeder signs it in ESTABLISH_INTRO, §11.5), empty when the circuit is not
   * ready. A copy, the receiver's to erase.
   */
  public record LastHopBinding(Optional<byte[]> kh) {
    @Override
    public String toString() {
      return "LastHopBinding[" + (kh.isPresent() ? "redacted" : "none") + "]";
    }
  }

  /** The circuit closed (or was never built): no control cell follows. Always the last event. */
  public record ControlClosed(String reason) implements ControlEvent {}
}
