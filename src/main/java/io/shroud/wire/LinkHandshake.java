package io.shroud.wire;

import io.shroud.crypto.NoiseCipher;
import io.shroud.crypto.NoiseException;
import io.shroud.crypto.NoiseHandshake;
import io.shroud.crypto.X25519;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;

/**
 * The peer-link handshake: {@code Noise_XK_25519_AESGCM_SHA256} with prologue
 * {@link CellFormat#PROLOGUE}, framed with a 2-byte big-endian length, and Shroud's payloads:
 * message 1 carries nothing (it is not forward secret), messages 2 and 3 carry the sender's
 * link version as a u16 (only {@link CellFormat#LINK_VERSION} is accepted).
 *
 * <p>Flow for a link: the initiator calls {@link #writeFrame()} and sends it; each side
 * passes every frame from {@link LinkFrameDecoder#next()} to {@link #readFrame} and, whenever
 * {@link #isWriteTurn()}, sends {@link #writeFrame()}. When {@link #isComplete()}, switch the
 * decoder to records and call {@link #finish} once. Every peer-caused failure is a
 * {@link ProtocolViolationException}; close the link. Not thread-safe.
 */
public final class LinkHandshake {
  private static final int VERSION_BYTES = 2;

  private final NoiseHandshake noise;

  private LinkHandshake(NoiseHandshake noise) {
    this.noise = noise;
  }

  /** The dialling side; {@code responderStatic} comes from the responder's verified descriptor. */
  public static LinkHandshake initiator(X25519.KeyPair localStatic, byte[] responderStatic,
      SecureRandom random) {
    return initiator(CellFormat.LINK_CIPHER, localStatic, responderStatic, random);
  }

  /** As {@link #initiator(X25519.KeyPair, byte[], SecureRandom)} with another cipher. */
  public static LinkHandshake initiator(NoiseCipher cipher, X25519.KeyPair localStatic,
      byte[] responderStatic, SecureRandom random) {
    return new LinkHandshake(NoiseHandshake.initiator(cipher, localStatic, responderStatic,
        CellFormat.prologue(), random));
  }

  /** The accepting side. */
  public static LinkHandshake responder(X25519.KeyPair localStatic, SecureRandom random) {
    return responder(CellFormat.LINK_CIPHER, localStatic, random);
  }

  /** As {@link #responder(X25519.KeyPair, SecureRandom)} with another cipher. */
  public static LinkHandshake responder(NoiseCipher cipher, X25519.KeyPair localStatic,
      SecureRandom random) {
    return new LinkHandshake(
        NoiseHandshake.responder(cipher, localStatic, CellFormat.prologue(), random));
  }

  public boolean isWriteTurn() {
    return noise.isWriteTurn();
  }

  public boolean isComplete() {
    return noise.isComplete();
  }

  /** The next handshake message with its 2-byte length prefix, ready for the socket. */
  public byte[] writeFrame() {
    byte[] payload = noise.messageIndex() == 0 ? new byte[0]
        : new byte[] {(byte) (CellFormat.LINK_VERSION >>> 8), (byte) CellFormat.LINK_VERSION};
    byte[] message;
    try {
      message = noise.writeMessage(payload);
    } catch (NoiseException e) {
      throw new IllegalStateException("writing a handshake message failed", e);
    }
    if (message.length > CellFormat.HANDSHAKE_MESSAGE_MAX_BYTES) {
      throw new IllegalStateException("handshake message is too large: " + message.length
          + " > " + CellFormat.HANDSHAKE_MESSAGE_MAX_BYTES);
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
      if (payload.length != 0) {
        throw new ProtocolViolationException("handshake message 1 payload must be empty, got "
            + payload.length + " bytes");
      }
      return;
    }
    if (payload.length != VERSION_BYTES) {
      throw new ProtocolViolationException("handshake message " + number
          + " payload has the wrong size: " + payload.length + " != " + VERSION_BYTES);
    }
    int version = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    if (version != CellFormat.LINK_VERSION) {
      throw new ProtocolViolationException("unsupported link version " + version);
    }
  }

  /** The peer's static key: known from the start for the initiator, after message 3 otherwise. */
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

  @Override
  public String toString() {
    return "LinkHandshake[" + noise + "]";
  }
}
