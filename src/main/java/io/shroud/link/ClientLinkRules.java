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
 * requests. Plain and single-threaded: the link's owner's alone (the circuit layer applies
 * {@link #createVerdict}, the directory service {@link #onDirRequest}).
 */
public final class ClientLinkRules {
  /** The top bit: a client allocates only ids with it set (§4.10.3). */
  public static final int CLIENT_ID_BIT = 0x8000_0000;

  /** Per-link limits; the defaults are the protocol document's. */
  public record Limits(int circuitsPerLink, Duration dirRequestInterval) {
    public static final Limits DEFAULT = new Limits(64, Duration.ofSeconds(60));

    public Limits {
      if (circuitsPerLink < 1) {
        throw new IllegalArgumentException("circuitsPerLink must be at least 1");
      }
      Objects.requireNonNull(dirRequestInterval, "dirRequestInterval");
    }
  }

  /** A CREATE's fate. */
  public enum CreateVerdict { ACCEPT, REFUSE_WRONG_HALF, REFUSE_CIRCUIT_CAP }

  /** A DIR_REQUEST's fate: answer it, or say BUSY. */
  public enum DirVerdict { ANSWER, BUSY }

  private final Limits limits;
  private final Clock clock;
  private int circuits;
  private boolean answering;
  private Instant lastAnswered;

  public ClientLinkRules(Limits limits, Clock clock) {
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
   * A CREATE from a client link on {@code circuitId} while {@code open} of its circuits are open
   * (the circuit layer's count): its id must have the top bit set, and at most
   * {@link Limits#circuitsPerLink()} may be open.
   */
  public static CreateVerdict createVerdict(int circuitId, int open, Limits limits) {
    if ((circuitId & CLIENT_ID_BIT) == 0) {
      return CreateVerdict.REFUSE_WRONG_HALF;
    }
    return open >= limits.circuitsPerLink() ? CreateVerdict.REFUSE_CIRCUIT_CAP : CreateVerdict.ACCEPT;
  }

  /** A CREATE from the client on {@code circuitId}; an accepted one counts until {@link #circuitClosed}. */
  CreateVerdict onCreate(int circuitId) {
    CreateVerdict verdict = createVerdict(circuitId, circuits, limits);
    if (verdict == CreateVerdict.ACCEPT) {
      circuits++;
    }
    return verdict;
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
  public DirVerdict onDirRequest() throws ProtocolViolationException {
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

  /** The last DIR_DATA of the current answer was sent (or its link closed). */
  public void answerSent() {
    answering = false;
  }

  /**
   * The answer {@link #onDirRequest} allowed was not given after all (the relay-wide budget said
   * BUSY): it neither counts as under way nor as answered.
   */
  public void answerWithdrawn(Instant previous) {
    answering = false;
    lastAnswered = previous;
  }

  /** When the last answered request came (null: none yet), for {@link #answerWithdrawn}. */
  public Instant lastAnswered() {
    return lastAnswered;
  }
}
