package io.shroud.crypto;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * The origin's side of one circuit handshake with one relay: {@link #start} makes the CREATE
 * message; {@link #finish} checks the relay's CREATED and yields the hop keys
 * ({@link #finishWithBinding}: and the hop's {@code KH}). Single use: the ephemeral keys are
 * dropped after the first finish, successful or not.
 */
public final class CircuitHandshakeClient {
  private final OnionPublicKey relayKey;
  private final byte[] create;
  private X25519.KeyPair ephemeral;
  private MlKem768.KeyPair ephemeralKem;
  private byte[] sXb;
  private byte[] sKemStatic;

  private CircuitHandshakeClient(OnionPublicKey relayKey, byte[] create, X25519.KeyPair ephemeral,
      MlKem768.KeyPair ephemeralKem, byte[] sXb, byte[] sKemStatic) {
    this.relayKey = relayKey;
    this.create = create;
    this.ephemeral = ephemeral;
    this.ephemeralKem = ephemeralKem;
    this.sXb = sXb;
    this.sKemStatic = sKemStatic;
  }

  /**
   * Starts a handshake with the relay whose 32-byte node id is {@code relayId} and whose descriptor publishes
   * {@code relayKey}. Throws {@link IllegalArgumentException} if the onion key is unusable
   * (a low-order X25519 key).
   */
  public static CircuitHandshakeClient start(byte[] relayId, OnionPublicKey relayKey, SecureRandom random) {
    if (relayId.length != 32) {
      throw new IllegalArgumentException("a node id has 32 bytes");
    }
    Objects.requireNonNull(relayKey, "relayKey");
    X25519.KeyPair x = X25519.generate(random);
    MlKem768.KeyPair eke = MlKem768.generate(random);
    byte[] sXb = x.agree(relayKey.x25519Raw());
    MlKem768.Encapsulation toStatic = MlKem768.encapsulate(relayKey.mlKemRaw(), random);
    byte[] create = CircuitHandshake.concat(relayId, relayKey.idRaw(), x.publicKey(),
        eke.publicKey(), toStatic.ciphertext());
    return new CircuitHandshakeClient(relayKey, create, x, eke, sXb, toStatic.sharedSecret());
  }

  /**
   * The hop keys and {@code KH}, the 32-byte value only this origin and this hop know
   * ({@code HKDF-Expand(PRK, "shroud-circuit-hybrid-v1:kh", 32)}, protocol §11.5), which a seeder
   * signs in ESTABLISH_INTRO to bind it to this hop.
   */
  public record Finished(HopKeys keys, byte[] kh) {
    @Override
    public String toString() {
      return "Finished[redacted]";
    }
  }

  /** The 2368-byte CREATE message (a copy). */
  public byte[] createMessage() {
    return create.clone();
  }

  /**
   * Checks the relay's CREATED and returns the hop keys. Throws {@link HandshakeException} when
   * CREATED is malformed or its AUTH does not verify (not the relay we meant, or tampering).
   */
  public HopKeys finish(byte[] created) throws HandshakeException {
    Finished finished = finishWithBinding(created);
    Arrays.fill(finished.kh(), (byte) 0);
    return finished.keys();
  }

  /** As {@link #finish}, also returning the hop's {@code KH}. */
  public Finished finishWithBinding(byte[] created) throws HandshakeException {
    if (ephemeral == null) {
      throw new IllegalStateException("handshake already finished");
    }
    try {
      if (created == null || created.length != CircuitHandshake.CREATED_BYTES) {
        throw new HandshakeException("CREATED must be " + CircuitHandshake.CREATED_BYTES + " bytes, got "
            + (created == null ? "null" : created.length));
      }
      byte[] y = Arrays.copyOfRange(created, CircuitHandshake.CREATED_Y_OFFSET, CircuitHandshake.CREATED_CTE_OFFSET);
      byte[] cte = Arrays.copyOfRange(created, CircuitHandshake.CREATED_CTE_OFFSET, CircuitHandshake.CREATED_AUTH_OFFSET);
      byte[] auth = Arrays.copyOfRange(created, CircuitHandshake.CREATED_AUTH_OFFSET, CircuitHandshake.CREATED_BYTES);
      byte[] sXy;
      try {
        sXy = ephemeral.agree(y);
      } catch (IllegalArgumentException e) {
        throw new HandshakeException("CREATED carries a low-order X25519 key");
      }
      byte[] sKemEphemeral = ephemeralKem.decapsulate(cte);
      byte[] th = CircuitHandshake.transcriptHash(create, relayKey, y, cte);
      CircuitHandshake.Derived derived = CircuitHandshake.deriveKeys(th, sXy, sXb, sKemStatic, sKemEphemeral);
      Arrays.fill(sXy, (byte) 0);
      Arrays.fill(sKemEphemeral, (byte) 0);
      if (!MessageDigest.isEqual(derived.auth(), auth)) {
        derived.keys().destroy();
        Arrays.fill(derived.kh(), (byte) 0);
        throw new HandshakeException("CREATED authentication failed: wrong relay keys or tampered handshake");
      }
      return new Finished(derived.keys(), derived.kh());
    } finally {
      Arrays.fill(sXb, (byte) 0);
      Arrays.fill(sKemStatic, (byte) 0);
      ephemeral = null;
      ephemeralKem = null;
      sXb = null;
      sKemStatic = null;
    }
  }

  @Override
  public String toString() {
    return "CircuitHandshakeClient[" + relayKey + "]";
  }
}
