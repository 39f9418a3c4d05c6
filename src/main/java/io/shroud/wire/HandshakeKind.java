package io.shroud.wire;

import io.shroud.crypto.NoiseCipher;
import io.shroud.crypto.X25519;

/**
 * Which handshake an inbound connection speaks, told by the length of its first handshake
 * message (docs/protocol.md §4.10.2): a relay's {@code Noise_XK} message 1 is {@code e, es} with
 * an empty encrypted payload, 48 bytes; a client's {@code Noise_XX} message 1 is {@code e} alone,
 * 32 bytes. Any other length is a violation. The prologues differ as well, so a connection taken
 * for the wrong kind fails authentication at the next message.
 */
public enum HandshakeKind {
  /** {@code Noise_XK}, prologue {@code shroud/link/1}: {@link LinkHandshake}. */
  RELAY(X25519.KEY_BYTES + NoiseCipher.TAG_BYTES),
  /** {@code Noise_XX}, prologue {@code shroud/client/1}: {@link ClientLinkHandshake}. */
  CLIENT(ClientLinkHandshake.MESSAGE_1_BYTES);

  private final int firstMessageBytes;

  HandshakeKind(int firstMessageBytes) {
    this.firstMessageBytes = firstMessageBytes;
  }

  /** The exact length of this kind's message 1 (after the 2-byte length prefix). */
  public int firstMessageBytes() {
    return firstMessageBytes;
  }

  /** The kind whose message 1 is {@code length} bytes long; any other length is a violation. */
  public static HandshakeKind ofFirstMessage(int length) throws ProtocolViolationException {
    for (HandshakeKind kind : values()) {
      if (kind.firstMessageBytes == length) {
        return kind;
      }
    }
    throw new ProtocolViolationException("handshake message 1 of " + length
        + " bytes is neither a relay's (48) nor a client's (32)");
  }
}
