package io.shroud.crypto;

/**
 * The result of a completed Noise handshake: one {@link CipherState} per direction, the
 * peer's authenticated static public key and the handshake hash (usable as a channel binding).
 * Each direction can be re-keyed on its own; the two ends must agree on when (see
 * {@code io.shroud.wire.LinkCipher}).
 */
public final class NoiseTransport {
  private final CipherState send;
  private final CipherState receive;
  private final byte[] remoteStaticPublicKey;
  private final byte[] handshakeHash;
  private final boolean initiator;

  NoiseTransport(CipherState send, CipherState receive, byte[] remoteStaticPublicKey,
      byte[] handshakeHash, boolean initiator) {
    this.send = send;
    this.receive = receive;
    this.remoteStaticPublicKey = remoteStaticPublicKey.clone();
    this.handshakeHash = handshakeHash.clone();
    this.initiator = initiator;
  }

  /** Encrypts what this side sends. */
  public CipherState send() {
    return send;
  }

  /** Decrypts what this side receives. */
  public CipherState receive() {
    return receive;
  }

  /** The peer's X25519 static public key, authenticated by the handshake. */
  public byte[] remoteStaticPublicKey() {
    return remoteStaticPublicKey.clone();
  }

  public byte[] handshakeHash() {
    return handshakeHash.clone();
  }

  public boolean isInitiator() {
    return initiator;
  }

  public void rekeySend() {
    send.rekey();
  }

  public void rekeyReceive() {
    receive.rekey();
  }

  @Override
  public String toString() {
    return "NoiseTransport[" + (initiator ? "initiator" : "responder") + ", remote="
        + java.util.HexFormat.of().formatHex(remoteStaticPublicKey) + "]";
  }
}
