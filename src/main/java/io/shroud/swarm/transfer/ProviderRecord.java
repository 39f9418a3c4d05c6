package io.shroud.swarm.transfer;

import io.shroud.crypto.Ed25519;
import io.shroud.dht.SignedRecord;
import io.shroud.identity.NodeId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * What a provider announces under {@link ProviderKey}: the value of a {@link SignedRecord} signed
 * by the provider's identity key (the DHT layer checks that signature and the expiry).
 *
 * <p>Plaintext (42 bytes): {@code u8 version = 1 ‖ node id[32] ‖ u64 issued-at (epoch seconds)
 * ‖ u8 flags (bit 0: has every piece)}. Value (70 bytes, far under the DHT's 1 KiB):
 * {@code nonce[12] ‖ AES-256-GCM(k, nonce, plaintext, aad) ‖ tag[16]} with
 * {@code k = HKDF-SHA256(ikm = info-hash, salt = none, info = "shroud/v1/provider-record")} and
 * {@code aad = "shroud-provider-v1" ‖ record key[32]}. The info-hash never appears in clear; only
 * holders of the info-hash can read the value, and a value copied under another key fails to
 * open. The node id must be the publisher's ({@code SHA-256(identity key)}), so a provider can
 * only announce itself.
 *
 * @param nodeId the provider's node id
 * @param issuedAt when the provider issued the announcement (whole seconds)
 * @param hasAll true if the provider has every piece (HAVE all)
 */
public record ProviderRecord(NodeId nodeId, Instant issuedAt, boolean hasAll) {
  /** Value format version. */
  public static final int VERSION = 1;
  /** Exact length of a version-1 value. */
  public static final int VALUE_BYTES = 12 + 42 + 16;
  /** How far in the future an issued-at may lie (clock skew). */
  public static final Duration MAX_SKEW = Duration.ofMinutes(5);

  private static final int PLAIN_BYTES = 42;
  private static final byte[] KDF_INFO =
      "shroud/v1/provider-record".getBytes(StandardCharsets.US_ASCII);

  public ProviderRecord {
    Objects.requireNonNull(nodeId, "nodeId");
    issuedAt = Instant.ofEpochSecond(issuedAt.getEpochSecond());
  }

  /** The sealed value for the share {@code infoHash}; the nonce comes from {@code random}. */
  public byte[] seal(byte[] infoHash, SecureRandom random) {
    ByteBuffer plain = ByteBuffer.allocate(PLAIN_BYTES);
    plain.put((byte) VERSION).put(nodeId.toBytes()).putLong(issuedAt.getEpochSecond())
        .put((byte) (hasAll ? 1 : 0));
    byte[] nonce = new byte[12];
    random.nextBytes(nonce);
    byte[] sealed;
    try {
      sealed = gcm(Cipher.ENCRYPT_MODE, infoHash, nonce, plain.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("provider record cipher failed", e);
    }
    return ByteBuffer.allocate(VALUE_BYTES).put(nonce).put(sealed).array();
  }

  /** Seals and signs the announcement of this record as a DHT record valid for {@code validity}. */
  public SignedRecord sign(Ed25519.KeyPair identity, byte[] infoHash, long seq, Duration validity,
      SecureRandom random) {
    if (!NodeId.ofIdentityKey(identity.publicKey()).equals(nodeId)) {
      throw new IllegalArgumentException("a provider can only announce itself");
    }
    return SignedRecord.sign(identity, ProviderKey.of(infoHash), seq, issuedAt.plus(validity),
        seal(infoHash, random));
  }

  /**
   * Opens a provider record found under the key for {@code infoHash}. The caller has already had
   * the DHT layer check the signature and expiry.
   *
   * @throws TransferProtocolException if the value is malformed, was not sealed for this share
   *     and key, names another node than its publisher, or was issued in the future
   */
  public static ProviderRecord open(SignedRecord record, byte[] infoHash, Clock clock)
      throws TransferProtocolException {
    if (!record.key().equals(ProviderKey.of(infoHash))) {
      throw new TransferProtocolException("record is not under this share's provider key");
    }
    byte[] value = record.value();
    if (value.length != VALUE_BYTES) {
      throw new TransferProtocolException("provider record value must be " + VALUE_BYTES + " bytes");
    }
    byte[] plain;
    try {
      plain = gcm(Cipher.DECRYPT_MODE, infoHash, java.util.Arrays.copyOf(value, 12),
          java.util.Arrays.copyOfRange(value, 12, value.length));
    } catch (GeneralSecurityException e) {
      throw new TransferProtocolException("provider record value does not open for this share");
    }
    ByteBuffer b = ByteBuffer.wrap(plain);
    if ((b.get() & 0xff) != VERSION) {
      throw new TransferProtocolException("unknown provider record version");
    }
    byte[] id = new byte[NodeId.BYTES];
    b.get(id);
    long issued = b.getLong();
    int flags = b.get() & 0xff;
    if (flags > 1) {
      throw new TransferProtocolException("unknown provider record flags");
    }
    NodeId nodeId = NodeId.of(id);
    if (!nodeId.equals(NodeId.ofIdentityKey(record.publisher()))) {
      throw new TransferProtocolException("provider record names a node other than its publisher");
    }
    if (issued < 0 || issued > clock.instant().plus(MAX_SKEW).getEpochSecond()) {
      throw new TransferProtocolException("provider record issued in the future");
    }
    return new ProviderRecord(nodeId, Instant.ofEpochSecond(issued), flags == 1);
  }

  private static byte[] gcm(int mode, byte[] infoHash, byte[] nonce, byte[] input)
      throws GeneralSecurityException {
    if (infoHash == null || infoHash.length != 32) {
      throw new IllegalArgumentException("info-hash must be 32 bytes");
    }
    byte[] key = new byte[32];
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(infoHash, null, KDF_INFO));
    hkdf.generateBytes(key, 0, key.length);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      c.updateAAD(ProviderKey.DOMAIN.getBytes(StandardCharsets.US_ASCII));
      c.updateAAD(ProviderKey.of(infoHash).toBytes());
      return c.doFinal(input);
    } finally {
      java.util.Arrays.fill(key, (byte) 0);
    }
  }
}
