package io.shroud.dht;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A signed, expiring DHT record in the manner of BEP 44 mutable items: a publisher's Ed25519
 * key signs (key, seq, expiry, value) under a domain separator, so any node can check it and
 * nobody else can forge or alter it. One key may hold records from many publishers (provider
 * records); per publisher the highest {@code seq} wins.
 *
 * <p>Signed bytes ({@link #signedPayload()}):
 * {@code "shroud-dht-record-v1" || 0x00 || key[32] || seq u64 || expiry u64 (epoch seconds)
 * || value length u16 || value}, integers big-endian.
 *
 * <p>The constructor checks structure only (lengths, ranges); whether the signature, expiry
 * and value size are acceptable is {@link RecordVerifier}'s job. Byte arrays are copied in and
 * out.
 *
 * @param key record key in the node-id space
 * @param publisher 32-byte Ed25519 public key of the publisher
 * @param seq sequence number, 0..2^63-1; a higher one replaces a lower one
 * @param expiry when the record stops being valid, whole seconds
 * @param value opaque payload ({@link #MAX_VALUE_BYTES} at most to be accepted)
 * @param signature 64-byte Ed25519 signature over {@link #signedPayload()}
 */
public record SignedRecord(
    NodeId key, byte[] publisher, long seq, Instant expiry, byte[] value, byte[] signature) {

  /** Largest value a node accepts. */
  public static final int MAX_VALUE_BYTES = 1024;
  /** Latest expiry that can be encoded: 9999-12-31T23:59:59Z. */
  public static final long MAX_EXPIRY_EPOCH_SECONDS = 253_402_300_799L;
  /** Domain separator at the start of the signed bytes. */
  public static final String SIGNING_DOMAIN = "shroud-dht-record-v1";

  private static final byte[] DOMAIN = SIGNING_DOMAIN.getBytes(StandardCharsets.US_ASCII);

  public SignedRecord {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(expiry, "expiry");
    Objects.requireNonNull(value, "value");
    if (publisher == null || publisher.length != Ed25519.PUBLIC_KEY_BYTES) {
      throw new IllegalArgumentException("publisher key must be 32 bytes");
    }
    if (signature == null || signature.length != Ed25519.SIGNATURE_BYTES) {
      throw new IllegalArgumentException("signature must be 64 bytes");
    }
    if (seq < 0) {
      throw new IllegalArgumentException("seq must not be negative, got " + seq);
    }
    if (expiry.getNano() != 0 || expiry.getEpochSecond() < 0
        || expiry.getEpochSecond() > MAX_EXPIRY_EPOCH_SECONDS) {
      throw new IllegalArgumentException(
          "expiry must be whole seconds between 1970 and 9999, got " + expiry);
    }
    if (value.length > 0xffff) {
      throw new IllegalArgumentException("value longer than 65535 bytes cannot be signed");
    }
    publisher = publisher.clone();
    value = value.clone();
    signature = signature.clone();
  }

  /** Signs a new record with the publisher's key pair; expiry is truncated to whole seconds. */
  public static SignedRecord sign(
      Ed25519.KeyPair publisher, NodeId key, long seq, Instant expiry, byte[] value) {
    Instant whole = Instant.ofEpochSecond(expiry.getEpochSecond());
    byte[] payload = signedPayload(key, seq, whole, value);
    return new SignedRecord(key, publisher.publicKey(), seq, whole, value, publisher.sign(payload));
  }

  /** The exact bytes the signature covers. */
  public byte[] signedPayload() {
    return signedPayload(key, seq, expiry, value);
  }

  /** True when the signature verifies under {@link #publisher()}. */
  public boolean signatureValid() {
    return Ed25519.verify(publisher, signedPayload(), signature);
  }

  private static byte[] signedPayload(NodeId key, long seq, Instant expiry, byte[] value) {
    ByteBuffer b = ByteBuffer.allocate(DOMAIN.length + 1 + NodeId.BYTES + 8 + 8 + 2 + value.length);
    b.put(DOMAIN).put((byte) 0).put(key.toBytes()).putLong(seq).putLong(expiry.getEpochSecond())
        .putShort((short) value.length).put(value);
    return b.array();
  }

  @Override
  public byte[] publisher() {
    return publisher.clone();
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** Value length without copying. */
  public int valueLength() {
    return value.length;
  }

  /** True when both records come from the same publisher key. */
  public boolean samePublisher(SignedRecord other) {
    return Arrays.equals(publisher, other.publisher);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedRecord r && key.equals(r.key) && seq == r.seq
        && expiry.equals(r.expiry) && Arrays.equals(publisher, r.publisher)
        && Arrays.equals(value, r.value) && Arrays.equals(signature, r.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, seq, expiry, Arrays.hashCode(publisher), Arrays.hashCode(value),
        Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    return "SignedRecord[key=" + key.shortHex() + ", publisher="
        + HexFormat.of().formatHex(publisher, 0, 4) + ", seq=" + seq + ", expiry=" + expiry
        + ", value=" + value.length + " bytes]";
  }
}
