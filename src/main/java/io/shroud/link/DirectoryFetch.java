package io.shroud.link;

import io.shroud.admission.AdmissionException;
import io.shroud.admission.Consensus;
import io.shroud.admission.DirectoryBundle;
import io.shroud.admission.NetworkDefinition;
import io.shroud.wire.DirectoryCells;
import io.shroud.wire.DirectoryReassembly;
import io.shroud.wire.ProtocolViolationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The requester's side of the directory fetch over one link (docs/protocol.md §4.10.4-4.10.5):
 * one request outstanding at a time, its DIR_DATA reassembled, the bundle decoded and verified,
 * and only a consensus newer than the one already held is taken. Plain; not thread-safe.
 */
public final class DirectoryFetch {
  /** How long a requester waits for a whole answer before it closes the link. */
  public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(120);

  private final NetworkDefinition network;
  private final Clock clock;
  private final Duration skew;
  private final RandomGenerator random;
  private final int maxBytes;
  private DirectoryReassembly outstanding;
  private Instant requestedAt;
  private Consensus held;

  /** What one DIR_DATA cell led to. */
  public sealed interface Outcome permits Pending, Declined, Fetched, Stale {}

  /** More cells are due. */
  public record Pending(int received, int total) implements Outcome {}

  /** The relay answered NONE or BUSY: ask later, or another relay. */
  public record Declined(DirectoryCells.Status status) implements Outcome {}

  /**
   * A verified directory whose consensus is newer than the one held; it is now the one held.
   * {@code bundle} is its encoding as received (a client keeps it, to start from it again).
   */
  public record Fetched(DirectoryBundle.Verified directory, byte[] bundle) implements Outcome {}

  /** A verified directory, but its consensus is not newer than the one held: nothing changes. */
  public record Stale(Consensus offered) implements Outcome {}

  /**
   * {@code held} is the consensus already held (null: none); {@code maxBytes} bounds an answer
   * (at most {@link DirectoryCells#MAX_BUNDLE_BYTES}).
   */
  public DirectoryFetch(NetworkDefinition network, Consensus held, Clock clock, Duration skew,
      RandomGenerator random, int maxBytes) {
    this.network = Objects.requireNonNull(network, "network");
    this.held = held;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.skew = Objects.requireNonNull(skew, "skew");
    this.random = Objects.requireNonNull(random, "random");
    if (maxBytes < 1 || maxBytes > DirectoryCells.MAX_BUNDLE_BYTES) {
      throw new IllegalArgumentException("maxBytes must be 1.." + DirectoryCells.MAX_BUNDLE_BYTES);
    }
    this.maxBytes = maxBytes;
  }

  /** The payload of a new DIR_REQUEST; only when none is outstanding. */
  public byte[] request() {
    if (outstanding != null) {
      throw new IllegalStateException("a directory request is already outstanding");
    }
    long id = random.nextLong();
    outstanding = new DirectoryReassembly(id, maxBytes);
    requestedAt = clock.instant();
    return DirectoryCells.encodeRequest(id);
  }

  public boolean outstanding() {
    return outstanding != null;
  }

  /** True when the outstanding answer is overdue: close the link (§4.10.4). */
  public boolean overdue() {
    return outstanding != null && !clock.instant().isBefore(requestedAt.plus(ANSWER_TIMEOUT));
  }

  /** The consensus held: the newest taken so far, or the one given at construction. */
  public Consensus held() {
    return held;
  }

  /**
   * One DIR_DATA payload from the link.
   *
   * @throws ProtocolViolationException no request outstanding, or a chunk that does not continue
   *     the answer (close the link)
   * @throws AdmissionException the whole answer arrived and was refused (§4.10.5); the message
   *     says why. Either way the request is over.
   */
  public Outcome onData(byte[] payload) throws ProtocolViolationException, AdmissionException {
    if (outstanding == null) {
      throw new ProtocolViolationException("DIR_DATA with no directory request outstanding");
    }
    DirectoryReassembly.Progress progress;
    try {
      progress = outstanding.accept(payload);
    } catch (ProtocolViolationException e) {
      outstanding = null;
      throw e;
    }
    if (progress instanceof DirectoryReassembly.Partial p) {
      return new Pending(p.received(), p.total());
    }
    outstanding = null;
    if (progress instanceof DirectoryReassembly.Declined d) {
      return new Declined(d.status());
    }
    byte[] bytes = ((DirectoryReassembly.Complete) progress).bundle();
    DirectoryBundle.Verified verified = DirectoryBundle.decode(bytes).verify(network, clock, skew);
    Consensus offered = verified.consensus();
    if (held != null && !offered.validAfter().isAfter(held.validAfter())) {
      return new Stale(offered);
    }
    held = offered;
    return new Fetched(verified, bytes);
  }
}
