package io.shroud.identity;

import io.shroud.crypto.Ed25519;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Decides whether a {@link SignedDescriptor} published by a cluster member may be used: it
 * must decode strictly, carry the node id of its own identity key, be signed by that key,
 * name the member that published it, and be inside its validity window (with a tolerance
 * for clock skew). Pure: no actors, no I/O.
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

  public record Rejected(String reason) implements Result {}

  /**
   * Checks {@code signed} as published by the cluster member at {@code memberAddress}
   * ({@code host:port}).
   */
  public Result verify(SignedDescriptor signed, String memberAddress) {
    NodeDescriptor d;
    try {
      d = DescriptorCodec.decode(signed.encoded());
    } catch (DescriptorCodec.MalformedDescriptorException e) {
      return new Rejected("malformed: " + e.getMessage());
    }
    if (!NodeId.ofIdentityKey(d.identityKey()).equals(d.nodeId())) {
      return new Rejected("node id " + d.nodeId().shortHex() + " is not its identity key's");
    }
    if (!Ed25519.verify(d.identityKey(),
        SignedDescriptor.signedBytes(signed.encoded()), signed.signature())) {
      return new Rejected("signature does not verify with identity key of " + d.nodeId().shortHex());
    }
    if (!d.clusterAddress().equals(memberAddress)) {
      return new Rejected("descriptor names " + d.clusterAddress()
          + " but was published by member " + memberAddress);
    }
    if (Duration.between(d.validFrom(), d.validUntil()).compareTo(MAX_VALIDITY) > 0) {
      return new Rejected("validity window is longer than " + MAX_VALIDITY);
    }
    Instant now = clock.instant();
    if (now.isAfter(d.validUntil().plus(clockSkew))) {
      return new Rejected("expired at " + d.validUntil());
    }
    if (now.isBefore(d.validFrom().minus(clockSkew))) {
      return new Rejected("not valid before " + d.validFrom());
    }
    return new Verified(d);
  }
}
