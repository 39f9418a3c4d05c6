package io.shroud.crypto;

import io.shroud.crypto.HandshakePattern.Token;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The Noise {@code HandshakeState} (spec revision 34, section 5.3) for
 * {@code Noise_<pattern>_25519_<cipher>_SHA256}. Peer links use {@link #initiator} and
 * {@link #responder} ({@code Noise_XK}: the initiator already knows the responder's static
 * key, from its verified descriptor).
 *
 * <p>Drive it by alternating {@link #writeMessage} and {@link #readMessage} as
 * {@link #isWriteTurn()} says until {@link #isComplete()}, then call {@link #split()} once.
 * Any {@link NoiseException} kills the handshake: later calls throw
 * {@link IllegalStateException}. Calling out of turn is a programming error
 * ({@link IllegalStateException}). Not thread-safe.
 */
public final class NoiseHandshake {
  /** Noise's maximum message length (section 3). */
  public static final int MAX_MESSAGE_BYTES = 65535;
  private static final int DH_BYTES = X25519.KEY_BYTES;

  private final HandshakePattern pattern;
  private final boolean initiator;
  private final String protocolName;
  private final SymmetricState ss;
  private final X25519.KeyPair s;
  private final Supplier<X25519.KeyPair> ephemerals;
  private X25519.KeyPair e;
  private byte[] rs;
  private byte[] re;
  private int messageIndex;
  private boolean failed;
  private boolean split;

  private NoiseHandshake(HandshakePattern pattern, NoiseCipher cipher, boolean initiator,
      X25519.KeyPair localStatic, byte[] remoteStatic, byte[] prologue,
      Supplier<X25519.KeyPair> ephemerals) {
    if (localStatic == null) {
      throw new IllegalArgumentException("a local static key pair is required");
    }
    if (remoteStatic != null && remoteStatic.length != DH_BYTES) {
      throw new IllegalArgumentException("remote static public key must be 32 bytes");
    }
    this.pattern = pattern;
    this.initiator = initiator;
    this.protocolName = "Noise_" + pattern.name() + "_25519_" + cipher.noiseName() + "_SHA256";
    this.ss = new SymmetricState(protocolName, cipher);
    this.s = localStatic;
    this.rs = remoteStatic == null ? null : remoteStatic.clone();
    this.ephemerals = ephemerals;
    ss.mixHash(prologue == null ? new byte[0] : prologue);
    if (pattern.responderStaticPreMessage()) {
      if (initiator && rs == null) {
        throw new IllegalArgumentException(pattern + " initiator needs the responder's static key");
      }
      ss.mixHash(initiator ? rs : s.publicKey());
    }
  }

  /** The initiator of {@code Noise_XK_25519_<cipher>_SHA256}. */
  public static NoiseHandshake initiator(NoiseCipher cipher, X25519.KeyPair localStatic,
      byte[] responderStaticPublicKey, byte[] prologue, SecureRandom random) {
    return create(HandshakePattern.XK, cipher, true, localStatic, responderStaticPublicKey,
        prologue, () -> X25519.generate(random));
  }

  /** The responder of {@code Noise_XK_25519_<cipher>_SHA256}. */
  public static NoiseHandshake responder(NoiseCipher cipher, X25519.KeyPair localStatic,
      byte[] prologue, SecureRandom random) {
    return create(HandshakePattern.XK, cipher, false, localStatic, null, prologue,
        () -> X25519.generate(random));
  }

  /**
   * Any supported pattern and role, with ephemeral key pairs taken from {@code ephemerals}
   * (tests use fixed ones to replay published vectors). {@code remoteStatic} is only for
   * patterns whose pre-message gives it, and only on the initiator.
   */
  public static NoiseHandshake create(HandshakePattern pattern, NoiseCipher cipher,
      boolean initiator, X25519.KeyPair localStatic, byte[] remoteStatic, byte[] prologue,
      Supplier<X25519.KeyPair> ephemerals) {
    return new NoiseHandshake(pattern, cipher, initiator, localStatic,
        initiator && pattern.responderStaticPreMessage() ? remoteStatic : null,
        prologue, ephemerals);
  }

  public String protocolName() {
    return protocolName;
  }

  public boolean isInitiator() {
    return initiator;
  }

  /** True when all handshake messages have been written or read. */
  public boolean isComplete() {
    return messageIndex == pattern.messages().size();
  }

  /** True when the next step is {@link #writeMessage} (false when reading or complete). */
  public boolean isWriteTurn() {
    return !isComplete() && (messageIndex % 2 == 0) == initiator;
  }

  /** Index (0-based) of the next handshake message. */
  public int messageIndex() {
    return messageIndex;
  }

  /** Writes the next handshake message carrying {@code payload} (encrypted once keyed). */
  public byte[] writeMessage(byte[] payload) throws NoiseException {
    checkUsable();
    if (!isWriteTurn()) {
      throw new IllegalStateException("not this side's turn to write a handshake message");
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (Token token : pattern.messages().get(messageIndex)) {
        switch (token) {
          case E -> {
            e = ephemerals.get();
            byte[] pub = e.publicKey();
            out.writeBytes(pub);
            ss.mixHash(pub);
          }
          case S -> out.writeBytes(ss.encryptAndHash(s.publicKey()));
          default -> mixDh(token);
        }
      }
      out.writeBytes(ss.encryptAndHash(payload == null ? new byte[0] : payload));
      if (out.size() > MAX_MESSAGE_BYTES) {
        throw new IllegalArgumentException("handshake message is too large: " + out.size()
            + " > " + MAX_MESSAGE_BYTES);
      }
      messageIndex++;
      return out.toByteArray();
    } catch (NoiseException | RuntimeException ex) {
      failed = true;
      throw ex;
    }
  }

  /** Reads the peer's next handshake message and returns its payload. */
  public byte[] readMessage(byte[] message) throws NoiseException {
    checkUsable();
    if (isComplete() || isWriteTurn()) {
      throw new IllegalStateException("not this side's turn to read a handshake message");
    }
    int number = messageIndex + 1;
    try {
      if (message.length > MAX_MESSAGE_BYTES) {
        throw new NoiseException("handshake message is too large: " + message.length + " > "
            + MAX_MESSAGE_BYTES);
      }
      need(message, 0, minimumLength(), number);
      int pos = 0;
      for (Token token : pattern.messages().get(messageIndex)) {
        switch (token) {
          case E -> {
            need(message, pos, DH_BYTES, number);
            re = Arrays.copyOfRange(message, pos, pos + DH_BYTES);
            pos += DH_BYTES;
            ss.mixHash(re);
          }
          case S -> {
            int len = DH_BYTES + (ss.hasKey() ? NoiseCipher.TAG_BYTES : 0);
            need(message, pos, len, number);
            rs = decrypt(Arrays.copyOfRange(message, pos, pos + len), number, "static key");
            pos += len;
          }
          default -> mixDh(token);
        }
      }
      if (ss.hasKey()) {
        need(message, pos, NoiseCipher.TAG_BYTES, number);
      }
      byte[] payload =
          decrypt(Arrays.copyOfRange(message, pos, message.length), number, "payload");
      messageIndex++;
      return payload;
    } catch (NoiseException | RuntimeException ex) {
      failed = true;
      throw ex;
    }
  }

  /** The handshake hash h; after completion it identifies this session on both sides. */
  public byte[] handshakeHash() {
    return ss.handshakeHash();
  }

  /** The peer's static public key, or null while it is not yet known. */
  public byte[] remoteStaticPublicKey() {
    return rs == null ? null : rs.clone();
  }

  /** Ends the handshake and returns the transport cipher states. Call once, when complete. */
  public NoiseTransport split() {
    checkUsable();
    if (!isComplete()) {
      throw new IllegalStateException("handshake is not complete");
    }
    split = true;
    byte[] h = ss.handshakeHash();
    CipherState[] cs = ss.split();
    return initiator
        ? new NoiseTransport(cs[0], cs[1], rs, h, true)
        : new NoiseTransport(cs[1], cs[0], rs, h, false);
  }

  private byte[] decrypt(byte[] ciphertext, int number, String what) throws NoiseException {
    try {
      return ss.decryptAndHash(ciphertext);
    } catch (NoiseException ex) {
      throw new NoiseException("handshake message " + number + " failed authentication ("
          + what + ")");
    }
  }

  private void mixDh(Token token) throws NoiseException {
    // es: initiator's e with responder's s; se: initiator's s with responder's e.
    X25519.KeyPair local;
    byte[] remote;
    switch (token) {
      case EE -> { local = e; remote = re; }
      case SS -> { local = s; remote = rs; }
      case ES -> { local = initiator ? e : s; remote = initiator ? rs : re; }
      case SE -> { local = initiator ? s : e; remote = initiator ? re : rs; }
      default -> throw new IllegalStateException("not a DH token: " + token);
    }
    if (local == null || remote == null) {
      throw new IllegalStateException("DH token " + token + " before both keys are known");
    }
    byte[] shared;
    try {
      shared = local.agree(remote);
    } catch (IllegalArgumentException ex) {
      throw new NoiseException("handshake message " + (messageIndex + 1)
          + " carries a low-order public key");
    }
    ss.mixKey(shared);
    Arrays.fill(shared, (byte) 0);
  }

  /** The shortest valid next message (empty payload), so truncation is caught before DH. */
  private int minimumLength() {
    boolean keyed = ss.hasKey();
    int len = 0;
    for (Token token : pattern.messages().get(messageIndex)) {
      switch (token) {
        case E -> len += DH_BYTES;
        case S -> len += DH_BYTES + (keyed ? NoiseCipher.TAG_BYTES : 0);
        default -> keyed = true;
      }
    }
    return len + (keyed ? NoiseCipher.TAG_BYTES : 0);
  }

  private static void need(byte[] message, int pos, int len, int number) throws NoiseException {
    if (message.length - pos < len) {
      throw new NoiseException("handshake message " + number + " is too short: "
          + message.length + " bytes");
    }
  }

  private void checkUsable() {
    if (failed) {
      throw new IllegalStateException("handshake already failed");
    }
    if (split) {
      throw new IllegalStateException("handshake already split");
    }
  }

  @Override
  public String toString() {
    return "NoiseHandshake[" + protocolName + ", " + (initiator ? "initiator" : "responder")
        + ", message " + messageIndex + "]";
  }
}
