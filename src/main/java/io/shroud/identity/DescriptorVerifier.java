package io.shroud.identity;

import io.shroud.crypto.Ed25519;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Decides whether a {@link SignedDescriptor} may be used: it must decode strictly, carry the
 * node id of its own identity key, be signed by that key and be inside its validity window
 * (with a tolerance for clock skew); {@link #verify(SignedDescriptor, String)} also asks that it
 * name a given cluster member. Which descriptor a reader then lists for which member is
 * {@link DirectoryCache}'s business. Pure and immutable: no actors, no I/O, safe from any thread.
 */
public final class DescriptorVerifier {
  /** Longest validity window a reader accepts; longer ones are treated as forged. */
  public static final Duration MAX_VALIDITY = Duration.ofDays(2);

  private final Clock clock;
  private final Duration clockSkew;

  public DescriptorVerifier(Clock clock, Duration clockSkew) {
    this.clock = clock;
    this.clockSkew = clockSkew;
  }

  /** The outcome: a usable descriptor, or the reason it was refused. */
  public sealed interface Result permits Verified, Rejected {}

  public record Verified(NodeDescriptor descriptor) implements Result {}

  /** Why a descriptor was refused. */
  public enum Failure {
    /** Not the layout (or a retired format). */
    MALFORMED,
    /** Node id not its key's, or the signature does not verify with that key. */
    FORGED,
    /** A validity window longer than {@link #MAX_VALIDITY}. */
    OVERLONG,
    /** Its validity ended (beyond the clock skew). */
    EXPIRED,
    /** Its validity starts later (beyond the clock skew): it may verify later. */
    NOT_YET_VALID,
    /** It names another cluster member than the one asked about. */
    WRONG_MEMBER
  }

  /** @param failure what failed; {@code reason} says it in words, for a log line */
  public record Rejected(Failure failure, String reason) implements Result {
    /** Whether these bytes can never verify later, whoever reads them and whenever. */
    public boolean lasting() {
      return failure != Failure.NOT_YET_VALID && failure != Failure.WRONG_MEMBER;
    }
  }

  /** Checks {@code signed} on its own: layout, node id, signature, validity window. */
  public Result verify(SignedDescriptor signed) {
    NodeDescriptor d;
    try {
      d = DescriptorCodec.decode(signed.encoded());
    } catch (DescriptorCodec.MalformedDescriptorException e) {
      return new Rejected(Failure.MALFORMED, "malformed: " + e.getMessage());
    }
    if (!NodeId.ofIdentityKey(d.identityKey()).equals(d.nodeId())) {
      return new Rejected(Failure.FORGED, "node id " + d.nodeId().shortHex() + " is not its identity key's");
    }
    if (!Ed25519.verify(d.identityKey(),
        SignedDescriptor.signedBytes(signed.encoded()), signed.signature())) {
      return new Rejected(Failure.FORGED,
          "signature does not verify with identity key of " + d.nodeId().shortHex());
    }
    if (Duration.between(d.validFrom(), d.validUntil()).compareTo(MAX_VALIDITY) > 0) {
      return new Rejected(Failure.OVERLONG, "validity window is longer than " + MAX_VALIDITY);
    }
    Instant now = clock.instant();
    if (now.isAfter(d.validUntil().plus(clockSkew))) {
      return new Rejected(Failure.EXPIRED, "expired at " + d.validUntil());
    }
    if (now.isBefore(d.validFrom().minus(clockSkew))) {
      return new Rejected(Failure.NOT_YET_VALID, "not valid before " + d.validFrom());
    }
    return new Verified(d);
  }

  /**
   * Checks {@code signed} as {@link #verify(SignedDescriptor)} does, and that it names the
   * cluster member at {@code memberAddress} ({@code host:port}).
   */
  public Result verify(SignedDescriptor signed, String memberAddress) {
    Result result = verify(signed);
    if (result instanceof Verified v && !v.descriptor().clusterAddress().equals(memberAddress)) {
      return new Rejected(Failure.WRONG_MEMBER, "descriptor names " + v.descriptor().clusterAddress()
          + " but was published by member " + memberAddress);
    }
    return result;
  }

  /** Whether {@code d} is past its validity now (beyond the clock skew). */
  public boolean expired(NodeDescriptor d) {
    return clock.instant().isAfter(d.validUntil().plus(clockSkew));
  }
}
