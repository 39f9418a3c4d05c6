package io.shroud.wire;

import io.shroud.crypto.HandshakePattern;
import io.shroud.crypto.NoiseException;
import io.shroud.crypto.NoiseHandshake;
import io.shroud.crypto.X25519;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The client bootstrap handshake (docs/protocol.md §4.10.1): {@code Noise_XX_25519_AESGCM_SHA256}
 * with prologue {@link #PROLOGUE}, framed like {@link LinkHandshake} (2-byte big-endian length).
 * The client knows nothing of the relay but its address; the relay proves who it is in message
 * 2's payload: {@code link version (u16) || relay proof} (its certificate and descriptor, opaque
 * here; {@code io.shroud.admission.RelayProof} decodes and verifies it against the handshake's
 * {@link #remoteStaticPublicKey()}).
 *
 * <pre>
 *   -> e                   payload empty (message is exactly 32 bytes)
 *   <- e, ee, s, es        payload: link version (u16) || relay proof (1..RELAY_PROOF_MAX_BYTES)
 *   -> s, se               payload: link version (u16); s is a key made for this link only
 * </pre>
 *
 * <p>The client must verify the proof between reading message 2 and writing message 3
 * ({@link #relayProof()}); a refused relay gets no message 3. Every peer-caused failure is a
 * {@link ProtocolViolationException}. Not thread-safe.
 */
public final class ClientLinkHandshake {
  /** The Noise prologue of client bootstrap handshakes. */
  public static final String PROLOGUE = "shroud/client/1";
  /** Message 1 on the wire (after the 2-byte length): the client's ephemeral key, nothing else. */
  public static final int MESSAGE_1_BYTES = X25519.KEY_BYTES;
  /** Largest relay proof a client reads in message 2 (§4.10.1). */
  public static final int RELAY_PROOF_MAX_BYTES = 3965;
  private static final int VERSION_BYTES = 2;

  private final NoiseHandshake noise;
  private final byte[] proofToSend;
  private byte[] proofReceived;

  private ClientLinkHandshake(NoiseHandshake noise, byte[] proofToSend) {
    this.noise = noise;
    this.proofToSend = proofToSend;
  }

  /**
   * The client side. Its static key is generated here, for this link only, and forgotten with
   * the handshake: it names nothing and no other link carries it.
   */
  public static ClientLinkHandshake client(SecureRandom random) {
    Objects.requireNonNull(random, "random");
    return client(X25519.generate(random), () -> X25519.generate(random));
  }

  /** As {@link #client(SecureRandom)} with given keys (tests and the worked example). */
  static ClientLinkHandshake client(X25519.KeyPair throwawayStatic, Supplier<X25519.KeyPair> ephemerals) {
    return new ClientLinkHandshake(NoiseHandshake.create(HandshakePattern.XX, CellFormat.LINK_CIPHER, true,
        throwawayStatic, null, prologue(), ephemerals), null);
  }

  /** The relay side: {@code linkKey} is the static key its descriptor names; {@code relayProof} goes in message 2. */
  public static ClientLinkHandshake relay(X25519.KeyPair linkKey, byte[] relayProof, SecureRandom random) {
    Objects.requireNonNull(random, "random");
    return relay(linkKey, relayProof, () -> X25519.generate(random));
  }

  /** As {@link #relay(X25519.KeyPair, byte[], SecureRandom)} with given ephemerals. */
  static ClientLinkHandshake relay(X25519.KeyPair linkKey, byte[] relayProof, Supplier<X25519.KeyPair> ephemerals) {
    if (relayProof == null || relayProof.length == 0 || relayProof.length > RELAY_PROOF_MAX_BYTES) {
      throw new IllegalArgumentException("relay proof must be 1.." + RELAY_PROOF_MAX_BYTES + " bytes");
    }
    return new ClientLinkHandshake(NoiseHandshake.create(HandshakePattern.XX, CellFormat.LINK_CIPHER, false,
        linkKey, null, prologue(), ephemerals), relayProof.clone());
  }

  /** The prologue as bytes (US-ASCII). */
  public static byte[] prologue() {
    return PROLOGUE.getBytes(StandardCharsets.US_ASCII);
  }

  public boolean isWriteTurn() {
    return noise.isWriteTurn();
  }

  public boolean isComplete() {
    return noise.isComplete();
  }

  /** The next handshake message with its 2-byte length prefix, ready for the socket. */
  public byte[] writeFrame() {
    int index = noise.messageIndex();
    byte[] payload;
    if (index == 0) {
      payload = new byte[0];
    } else if (index == 1) {
      payload = new byte[VERSION_BYTES + proofToSend.length];
      putVersion(payload);
      System.arraycopy(proofToSend, 0, payload, VERSION_BYTES, proofToSend.length);
    } else {
      if (proofReceived == null) {
        throw new IllegalStateException("message 3 before the relay's proof was read");
      }
      payload = new byte[VERSION_BYTES];
      putVersion(payload);
    }
    byte[] message;
    try {
      message = noise.writeMessage(payload);
    } catch (NoiseException e) {
      throw new IllegalStateException("writing a handshake message failed", e);
    }
    if (message.length > CellFormat.HANDSHAKE_MESSAGE_MAX_BYTES) {
      throw new IllegalStateException("handshake message is too large: " + message.length);
    }
    byte[] frame = new byte[CellFormat.HANDSHAKE_LENGTH_BYTES + message.length];
    frame[0] = (byte) (message.length >>> 8);
    frame[1] = (byte) message.length;
    System.arraycopy(message, 0, frame, CellFormat.HANDSHAKE_LENGTH_BYTES, message.length);
    return frame;
  }

  /** Reads one handshake message (a frame body from {@link LinkFrameDecoder}, no prefix). */
  public void readFrame(byte[] message) throws ProtocolViolationException {
    Objects.requireNonNull(message, "message");
    int number = noise.messageIndex() + 1;
    if (noise.isComplete() || noise.isWriteTurn()) {
      throw new ProtocolViolationException("unexpected handshake message " + number);
    }
    if (number == 1 && message.length != MESSAGE_1_BYTES) {
      throw new ProtocolViolationException("client handshake message 1 must be " + MESSAGE_1_BYTES
          + " bytes, got " + message.length);
    }
    if (message.length > CellFormat.HANDSHAKE_MESSAGE_MAX_BYTES) {
      throw new ProtocolViolationException("handshake message is too large: " + message.length
          + " > " + CellFormat.HANDSHAKE_MESSAGE_MAX_BYTES);
    }
    byte[] payload;
    try {
      payload = noise.readMessage(message);
    } catch (NoiseException e) {
      throw new ProtocolViolationException(e.getMessage());
    } catch (IllegalStateException e) {
      throw new ProtocolViolationException("handshake already failed");
    }
    if (number == 1) {
      return; // 32 bytes of e, so the payload is empty
    }
    if (payload.length < VERSION_BYTES) {
      throw new ProtocolViolationException("handshake message " + number + " payload is too short: "
          + payload.length + " bytes");
    }
    int version = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    if (version != CellFormat.LINK_VERSION) {
      throw new ProtocolViolationException("unsupported link version " + version);
    }
    int rest = payload.length - VERSION_BYTES;
    if (number == 3) {
      if (rest != 0) {
        throw new ProtocolViolationException("handshake message 3 payload has the wrong size: "
            + payload.length + " != " + VERSION_BYTES);
      }
      return;
    }
    if (rest == 0 || rest > RELAY_PROOF_MAX_BYTES) {
      throw new ProtocolViolationException("relay proof must be 1.." + RELAY_PROOF_MAX_BYTES
          + " bytes, got " + rest);
    }
    proofReceived = Arrays.copyOfRange(payload, VERSION_BYTES, payload.length);
  }

  /** The relay proof of message 2 (client side, after reading it), still to be verified. */
  public byte[] relayProof() {
    if (proofReceived == null) {
      throw new IllegalStateException("message 2 has not been read");
    }
    return proofReceived.clone();
  }

  /**
   * The peer's static key: on the client, the relay's link key (after message 2), which the
   * proof must name; on the relay, the client's throwaway key (after message 3).
   */
  public byte[] remoteStaticPublicKey() {
    return noise.remoteStaticPublicKey();
  }

  /** The handshake hash (equal on both ends once complete). */
  public byte[] handshakeHash() {
    return noise.handshakeHash();
  }

  /** Ends the handshake and returns the link's record cipher. Call once, when complete. */
  public LinkCipher finish(RekeyPolicy policy, Clock clock) {
    return new LinkCipher(noise.split(), policy, clock);
  }

  private static void putVersion(byte[] payload) {
    payload[0] = (byte) (CellFormat.LINK_VERSION >>> 8);
    payload[1] = (byte) CellFormat.LINK_VERSION;
  }

  @Override
  public String toString() {
    return "ClientLinkHandshake[" + noise + "]";
  }
}
