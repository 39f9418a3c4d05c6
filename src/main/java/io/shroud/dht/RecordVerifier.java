package io.shroud.dht;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a {@link SignedRecord} may be stored or used: value within
 * {@link SignedRecord#MAX_VALUE_BYTES}, expiry in the future but no more than
 * {@code maxLifetime} ahead (default {@link #DEFAULT_MAX_LIFETIME}), and a valid Ed25519
 * signature by the publisher over the domain-separated encoding. Cheap checks run first.
 */
public final class RecordVerifier {
  /** Furthest ahead a record's expiry may be. */
  public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(24);

  private final Clock clock;
  private final Duration maxLifetime;

  public RecordVerifier(Clock clock, Duration maxLifetime) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxLifetime = Objects.requireNonNull(maxLifetime, "maxLifetime");
    if (maxLifetime.isNegative() || maxLifetime.isZero()) {
      throw new IllegalArgumentException("maxLifetime must be positive");
    }
  }

  public RecordVerifier(Clock clock) {
    this(clock, DEFAULT_MAX_LIFETIME);
  }

  public Duration maxLifetime() {
    return maxLifetime;
  }

  /** Empty when the record is acceptable now, otherwise the first reason it is not. */
  public Optional<RecordRejection> check(SignedRecord record) {
    if (record.valueLength() > SignedRecord.MAX_VALUE_BYTES) {
      return Optional.of(RecordRejection.VALUE_TOO_LARGE);
    }
    Instant now = clock.instant();
    if (!record.expiry().isAfter(now)) {
      return Optional.of(RecordRejection.EXPIRED);
    }
    if (record.expiry().isAfter(now.plus(maxLifetime))) {
      return Optional.of(RecordRejection.EXPIRY_TOO_FAR);
    }
    if (!record.signatureValid()) {
      return Optional.of(RecordRejection.BAD_SIGNATURE);
    }
    return Optional.empty();
  }
}
