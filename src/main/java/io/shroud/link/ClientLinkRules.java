package io.shroud.link;

import io.shroud.wire.CellCommand;
import io.shroud.wire.ProtocolViolationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a relay allows on one client link (docs/protocol.md §4.10.3): which commands a client may
 * send and the relay may send it, the circuit ids and count a client may open, and its directory
 * requests. Plain and single-threaded: the link's owner's alone.
 */
final class ClientLinkRules {
  /** The top bit: a client allocates only ids with it set (§4.10.3). */
  static final int CLIENT_ID_BIT = 0x8000_0000;

  /** Per-link limits; the defaults are the protocol document's. */
  record Limits(int circuitsPerLink, Duration dirRequestInterval) {
    static final Limits DEFAULT = new Limits(64, Duration.ofSeconds(60));

    Limits {
      if (circuitsPerLink < 1) {
        throw new IllegalArgumentException("circuitsPerLink must be at least 1");
      }
      Objects.requireNonNull(dirRequestInterval, "dirRequestInterval");
    }
  }

  /** A CREATE's fate. */
  enum CreateVerdict { ACCEPT, REFUSE_WRONG_HALF, REFUSE_CIRCUIT_CAP }

  /** A DIR_REQUEST's fate: answer it, or say BUSY. */
  enum DirVerdict { ANSWER, BUSY }

  private final Limits limits;
  private final Clock clock;
  private int circuits;
  private boolean answering;
  private Instant lastAnswered;

  ClientLinkRules(Limits limits, Clock clock) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A cell from the client: anything it may not send is a violation (the link closes). */
  static void checkInbound(CellCommand command) throws ProtocolViolationException {
    switch (command) {
      case PADDING, REKEY, LINK_PING, LINK_PONG, CREATE, RELAY, DESTROY, DIR_REQUEST -> { }
      default -> throw new ProtocolViolationException(command + " from a client link");
    }
  }

  /** Whether the relay may send {@code command} to a client: never CREATE, DHT or DIR_REQUEST. */
  static boolean mayOutbound(CellCommand command) {
    return switch (command) {
      case CREATE, DHT, DIR_REQUEST -> false;
      default -> true;
    };
  }

  /**
   * Whether a client's cell goes to the node's handlers yet: link control and DIR_REQUEST do;
   * CREATE, RELAY and DESTROY are dropped (counted unrouted) until the circuit layer takes
   * circuits from client links (ids and limits of §4.10.3, {@link #onCreate}).
   */
  static boolean routedFromClients(CellCommand command) {
    return switch (command) {
      case PADDING, REKEY, LINK_PING, LINK_PONG, DIR_REQUEST -> true;
      default -> false;
    };
  }

  /** A CREATE from the client on {@code circuitId}; an accepted one counts until {@link #circuitClosed}. */
  CreateVerdict onCreate(int circuitId) {
    if ((circuitId & CLIENT_ID_BIT) == 0) {
      return CreateVerdict.REFUSE_WRONG_HALF;
    }
    if (circuits >= limits.circuitsPerLink()) {
      return CreateVerdict.REFUSE_CIRCUIT_CAP;
    }
    circuits++;
    return CreateVerdict.ACCEPT;
  }

  /** One of the client's accepted circuits ended. */
  void circuitClosed() {
    if (circuits > 0) {
      circuits--;
    }
  }

  int circuits() {
    return circuits;
  }

  /**
   * A DIR_REQUEST: a second one while an answer is still being sent is a violation; one sooner
   * than the interval after the last answered one is BUSY. ANSWER marks the answer under way
   * until {@link #answerSent}. (The relay-wide cap on answers in flight is the caller's.)
   */
  DirVerdict onDirRequest() throws ProtocolViolationException {
    if (answering) {
      throw new ProtocolViolationException("DIR_REQUEST while the previous answer is still being sent");
    }
    Instant now = clock.instant();
    if (lastAnswered != null && now.isBefore(lastAnswered.plus(limits.dirRequestInterval()))) {
      return DirVerdict.BUSY;
    }
    answering = true;
    lastAnswered = now;
    return DirVerdict.ANSWER;
  }

  /** The last DIR_DATA of the current answer was sent. */
  void answerSent() {
    answering = false;
  }
}
