package io.shroud.circuit;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.MlKem768;
import io.shroud.hidden.EstablishIntro;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The hidden-seeding role one relayed hop plays as the last hop of its circuit (protocol §11.4,
 * §11.5, §11.7), and the checks on the commands that give it one: a seeder's intro circuit
 * (ESTABLISH_INTRO), a downloader's introducing circuit (INTRO_KEY, INTRODUCE1), a downloader's
 * rendezvous circuit (ESTABLISH_RENDEZVOUS, then joined), a seeder's rendezvous circuit
 * (RENDEZVOUS1, then joined). A circuit plays one role; a command for another role, repeated, at
 * a hop that is not the last, of the wrong size, or an ESTABLISH_INTRO that does not verify under
 * this hop's {@code KH} is a {@link CircuitProtocolException}. While a seeder's circuit waits for
 * its join, the cells it forwards are held (at most {@link #MAX_HELD}). Pure; its
 * {@link RelayActor} is the only caller.
 */
final class HiddenRole {
  /** INTRODUCE1 data: auth key 32 ‖ X 32 ‖ EK_e 1184 ‖ CT_s 1088 ‖ sealed introduction 128 + 16 (§11.6). */
  static final int INTRODUCE1_BYTES = 32 + 32 + MlKem768.PUBLIC_KEY_BYTES + MlKem768.CIPHERTEXT_BYTES + 128 + 16;
  /** RENDEZVOUS2 data: Y 32 ‖ CT_e 1088 ‖ AUTH 32 (§11.4). */
  static final int RENDEZVOUS2_BYTES = 32 + MlKem768.CIPHERTEXT_BYTES + 32;
  /** RENDEZVOUS1 data: cookie 20 ‖ the RENDEZVOUS2 data. */
  static final int RENDEZVOUS1_BYTES = RendezvousPoints.COOKIE_BYTES + RENDEZVOUS2_BYTES;
  /** Cells a seeder's rendezvous circuit may forward before the RP has joined it. */
  static final int MAX_HELD = 64;

  enum State { NONE, INTRO, INTRODUCING, RENDEZVOUS, JOINING, JOINED }

  /** What a hidden-seeding command asks of the relay's introduction and rendezvous points. */
  sealed interface Request {}

  /** ESTABLISH_INTRO, verified. */
  record Intro(byte[] authKey, byte[] encapsulationKey) implements Request {}

  /** INTRO_KEY from a downloader. */
  record KeyQuery(byte[] authKey) implements Request {}

  /** INTRODUCE1: {@code data} is forwarded unchanged as INTRODUCE2. */
  record Introduce(byte[] authKey, byte[] data) implements Request {}

  /** ESTABLISH_RENDEZVOUS. */
  record Cookie(byte[] cookie) implements Request {}

  /** RENDEZVOUS1: {@code rendezvous2} is the rest of its data, for the downloader. */
  record Rendezvous(byte[] cookie, byte[] rendezvous2) implements Request {}

  private final byte[] kh;
  private State state = State.NONE;
  private final List<byte[]> held = new ArrayList<>();

  /** {@code kh}: this hop's {@code KH} from its handshake (32 bytes), adopted (zeroed after use). */
  HiddenRole(byte[] kh) {
    this.kh = kh;
  }

  State state() {
    return state;
  }

  /** True when the hop may still be extended: it plays no role. */
  boolean allowsExtend() {
    return state == State.NONE;
  }

  /** True once the circuit is (or is about to be) joined: every forward cell goes to the partner. */
  boolean spliced() {
    return state == State.JOINING || state == State.JOINED;
  }

  /** Checks a hidden-seeding command recognized here; {@code lastHop}: the circuit goes no further. */
  Request accept(RelayCell cell, boolean lastHop) throws CircuitProtocolException {
    if (!lastHop) {
      throw new CircuitProtocolException(cell.command() + " at a hop that is not the last");
    }
    byte[] data = cell.sharedData();
    return switch (cell.command()) {
      case ESTABLISH_INTRO -> {
        take(State.NONE, State.INTRO, cell);
        try {
          EstablishIntro request = EstablishIntro.verify(data, kh);
          Arrays.fill(kh, (byte) 0);
          yield new Intro(request.authKey(), request.encapsulationKey());
        } catch (EstablishIntro.Invalid e) {
          throw new CircuitProtocolException(e.getMessage());
        }
      }
      case INTRO_KEY -> {
        introducing(cell, Ed25519.PUBLIC_KEY_BYTES);
        yield new KeyQuery(data.clone());
      }
      case INTRODUCE1 -> {
        introducing(cell, INTRODUCE1_BYTES);
        yield new Introduce(Arrays.copyOf(data, Ed25519.PUBLIC_KEY_BYTES), data.clone());
      }
      case ESTABLISH_RENDEZVOUS -> {
        size(cell, RendezvousPoints.COOKIE_BYTES);
        take(State.NONE, State.RENDEZVOUS, cell);
        yield new Cookie(data.clone());
      }
      case RENDEZVOUS1 -> {
        size(cell, RENDEZVOUS1_BYTES);
        take(State.NONE, State.JOINING, cell);
        yield new Rendezvous(Arrays.copyOf(data, RendezvousPoints.COOKIE_BYTES),
            Arrays.copyOfRange(data, RendezvousPoints.COOKIE_BYTES, RENDEZVOUS1_BYTES));
      }
      default -> throw new CircuitProtocolException("unexpected " + cell.command() + " at a relay");
    };
  }

  /** A forward body (this hop's layer removed) of a seeder's circuit not joined yet: kept until the join. */
  void hold(byte[] body) throws CircuitProtocolException {
    if (state != State.JOINING) {
      throw new IllegalStateException("only a joining circuit holds cells");
    }
    if (held.size() >= MAX_HELD) {
      throw new CircuitProtocolException("more than " + MAX_HELD + " cells before the rendezvous was joined");
    }
    held.add(body);
  }

  /** The rendezvous point joined this circuit to its partner: the cells held so far, to send it. */
  List<byte[]> joined() {
    if (state != State.RENDEZVOUS && state != State.JOINING) {
      throw new IllegalStateException("a " + state + " circuit cannot be joined");
    }
    state = State.JOINED;
    List<byte[]> out = List.copyOf(held);
    held.clear();
    return out;
  }

  private void introducing(RelayCell cell, int size) throws CircuitProtocolException {
    size(cell, size);
    if (state != State.NONE && state != State.INTRODUCING) {
      throw new CircuitProtocolException(cell.command() + " on a " + state + " circuit");
    }
    state = State.INTRODUCING;
  }

  private void take(State from, State to, RelayCell cell) throws CircuitProtocolException {
    if (state != from) {
      throw new CircuitProtocolException(cell.command() + " on a " + state + " circuit");
    }
    state = to;
  }

  private static void size(RelayCell cell, int expected) throws CircuitProtocolException {
    if (cell.length() != expected) {
      throw new CircuitProtocolException(cell.command() + " data must be " + expected + " bytes, got " + cell.length());
    }
  }

  @Override
  public String toString() {
    return "HiddenRole[" + state + "]";
  }
}
