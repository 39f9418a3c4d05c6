package io.shroud.crypto;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The relay's side of the circuit handshake: answers a CREATE with a CREATED and the hop keys
 * (protocol §6.3.4). Holds the relay's current and previous onion key bundles and a
 * {@link ReplayCache}. Not thread-safe: one owner calls it.
 */
public final class CircuitHandshakeRelay {
  private final byte[] nodeId;
  private final Clock clock;
  private final SecureRandom random;
  private final ReplayCache replayCache;
  private List<OnionKeyPair> keys = List.of();

  /**
   * The CREATED message to send back, the keys of the new hop, and its {@code KH} (32 bytes,
   * protocol §11.5: what an ESTABLISH_INTRO on this hop must sign).
   */
  public record Response(byte[] created, HopKeys keys, byte[] kh) {
    @Override
    public String toString() {
      return "Response[CREATED " + created.length + " bytes, keys redacted]";
    }
  }

  public CircuitHandshakeRelay(byte[] self, OnionKeyPair current, OnionKeyPair previous, Clock clock,
      SecureRandom random, ReplayCache replayCache) {
    if (self.length != 32) {
      throw new IllegalArgumentException("a node id has 32 bytes");
    }
    this.nodeId = self.clone();
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.replayCache = Objects.requireNonNull(replayCache, "replayCache");
    useKeys(current, previous);
  }

  /** Installs the bundles after a rotation; {@code previous} may be null. */
  public void useKeys(OnionKeyPair current, OnionKeyPair previous) {
    List<OnionKeyPair> list = new ArrayList<>(2);
    list.add(Objects.requireNonNull(current, "current"));
    if (previous != null) {
      list.add(previous);
    }
    keys = List.copyOf(list);
  }

  /**
   * Answers {@code create}. Throws {@link HandshakeException} when it is malformed, addressed to
   * another relay or to an unknown or expired onion key, or replayed within the replay cache's
   * window ({@link HandshakeException#isReplay()}).
   */
  public Response respond(byte[] create) throws HandshakeException {
    if (create == null || create.length != CircuitHandshake.CREATE_BYTES) {
      throw new HandshakeException("CREATE must be " + CircuitHandshake.CREATE_BYTES + " bytes, got "
          + (create == null ? "null" : create.length));
    }
    if (!Arrays.equals(create, CircuitHandshake.CREATE_ID_OFFSET, CircuitHandshake.CREATE_KEYID_OFFSET,
        nodeId, 0, nodeId.length)) {
      throw new HandshakeException("CREATE is addressed to another relay");
    }
    Instant now = clock.instant();
    OnionKeyPair key = findKey(create, now);
    byte[] eke = Arrays.copyOfRange(create, CircuitHandshake.CREATE_EKE_OFFSET, CircuitHandshake.CREATE_CTS_OFFSET);
    try {
      MlKem768.checkPublicKey(eke);
    } catch (IllegalArgumentException e) {
      throw new HandshakeException("CREATE carries an invalid ML-KEM key");
    }
    byte[] x = Arrays.copyOfRange(create, CircuitHandshake.CREATE_X_OFFSET, CircuitHandshake.CREATE_EKE_OFFSET);
    if (replayCache.checkAndRemember(CircuitHandshake.replayFingerprint(create)) == ReplayCache.Verdict.REPLAY) {
      throw HandshakeException.replay("CREATE is a replay");
    }
    byte[] sXb;
    try {
      sXb = key.x25519().agree(x);
    } catch (IllegalArgumentException e) {
      throw new HandshakeException("CREATE carries a low-order X25519 key");
    }
    byte[] cts = Arrays.copyOfRange(create, CircuitHandshake.CREATE_CTS_OFFSET, CircuitHandshake.CREATE_BYTES);
    byte[] sKemStatic = key.mlKem().decapsulate(cts);
    X25519.KeyPair y = X25519.generate(random);
    byte[] sXy = y.agree(x); // cannot be all-zero: x passed the check above
    MlKem768.Encapsulation toEphemeral = MlKem768.encapsulate(eke, random);
    byte[] yPublic = y.publicKey();
    byte[] th = CircuitHandshake.transcriptHash(create, key.publicKey(), yPublic, toEphemeral.ciphertext());
    CircuitHandshake.Derived derived =
        CircuitHandshake.deriveKeys(th, sXy, sXb, sKemStatic, toEphemeral.sharedSecret());
    Arrays.fill(sXy, (byte) 0);
    Arrays.fill(sXb, (byte) 0);
    Arrays.fill(sKemStatic, (byte) 0);
    Arrays.fill(toEphemeral.sharedSecret(), (byte) 0);
    byte[] created = CircuitHandshake.concat(yPublic, toEphemeral.ciphertext(), derived.auth());
    return new Response(created, derived.keys(), derived.kh());
  }

  private OnionKeyPair findKey(byte[] create, Instant now) throws HandshakeException {
    for (OnionKeyPair candidate : keys) {
      byte[] id = candidate.publicKey().idRaw();
      if (MessageDigest.isEqual(id, Arrays.copyOfRange(create, CircuitHandshake.CREATE_KEYID_OFFSET,
          CircuitHandshake.CREATE_X_OFFSET))) {
        if (!now.isBefore(candidate.expires())) {
          throw new HandshakeException("CREATE targets an expired onion key");
        }
        return candidate;
      }
    }
    throw new HandshakeException("CREATE targets an unknown onion key");
  }

  @Override
  public String toString() {
    return "CircuitHandshakeRelay[" + keys.size() + " onion keys]";
  }
}
