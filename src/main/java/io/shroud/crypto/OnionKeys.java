package io.shroud.crypto;

import java.time.Instant;
import java.util.Optional;

/**
 * The usable onion key bundles (X25519 + ML-KEM-768). A key expires two periods after it was
 * made: one period as current, one more as previous. Holds private keys: local only, never
 * serialized or logged.
 */
public record OnionKeys(
    long currentSerial, OnionKeyPair current, Instant currentCreatedAt,
    Optional<OnionKeyPair> previous) {
  @Override
  public String toString() {
    return "OnionKeys[serial=" + currentSerial + "]";
  }
}
