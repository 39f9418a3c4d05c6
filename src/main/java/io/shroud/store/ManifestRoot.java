package io.shroud.store;

import io.shroud.crypto.Ed25519;
import io.shroud.hidden.ShareSecret;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The DHT record that finds a stored share's manifest (docs/protocol.md §12.10). A sealed manifest
 * is larger than a record's value may be, so it is cut into chunks of at most
 * {@link #CHUNK_BYTES}, each stored like a fragment (by the SHA-256 of its bytes, on the relays
 * closest to that address); the root lists the chunks and is itself sealed, and published at
 * {@link ManifestSeal#location} under a publisher key every holder of the link derives, so any of
 * them can republish it.
 *
 * <pre>
 * root        = version u8 (1) ‖ sealed manifest length u32 ‖ chunks u8 (1..30) ‖ chunk addresses [32] × chunks
 * root key    = HKDF-SHA256(ikm = S, info = "shroud/v1/store-root-key", 32)
 * publisher   = the Ed25519 key whose private key is HKDF-SHA256(ikm = S, info = "shroud/v1/store-publisher", 32)
 * value       = nonce [12, random] ‖ AES-256-GCM(root key, nonce, aad = location)(root) ‖ tag [16]   (≤ 1 024 bytes)
 * </pre>
 */
public record ManifestRoot(int sealedLength, List<byte[]> chunks) {
  public static final int VERSION = 1;
  /** Largest chunk of a sealed manifest. */
  public static final int CHUNK_BYTES = 64 * 1024;
  /** Most chunks a root lists: its sealed value stays within a DHT record's 1 024 bytes. */
  public static final int MAX_CHUNKS = 30;
  public static final String ROOT_KEY_LABEL = "shroud/v1/store-root-key";
  public static final String PUBLISHER_LABEL = "shroud/v1/store-publisher";
  private static final int HEAD_BYTES = 1 + 4 + 1;

  public ManifestRoot {
    if (chunks.isEmpty() || chunks.size() > MAX_CHUNKS) {
      throw new IllegalArgumentException("a root lists 1.." + MAX_CHUNKS + " chunks, got " + chunks.size());
    }
    if (sealedLength < 1 || sealedLength > (long) chunks.size() * CHUNK_BYTES
        || sealedLength <= (long) (chunks.size() - 1) * CHUNK_BYTES) {
      throw new IllegalArgumentException("a sealed manifest of " + sealedLength + " bytes is not " + chunks.size()
          + " chunks");
    }
    List<byte[]> copy = new ArrayList<>();
    for (byte[] c : chunks) {
      if (c.length != StripeCoder.ADDRESS_BYTES) {
        throw new IllegalArgumentException("a chunk address is 32 bytes");
      }
      copy.add(c.clone());
    }
    chunks = List.copyOf(copy);
  }

  /** {@code sealed} cut into chunks of at most {@link #CHUNK_BYTES}, in order. */
  public static List<byte[]> split(byte[] sealed) {
    List<byte[]> out = new ArrayList<>();
    for (int off = 0; off < sealed.length; off += CHUNK_BYTES) {
      out.add(Arrays.copyOfRange(sealed, off, Math.min(sealed.length, off + CHUNK_BYTES)));
    }
    if (out.size() > MAX_CHUNKS) {
      throw new IllegalArgumentException("a sealed manifest of " + sealed.length + " bytes needs more than "
          + MAX_CHUNKS + " chunks");
    }
    return out;
  }

  /** The root of {@code sealed}: its length and the addresses of its {@link #split} chunks. */
  public static ManifestRoot of(byte[] sealed) {
    return new ManifestRoot(sealed.length, split(sealed).stream().map(StripeCoder::address).toList());
  }

  /** The sealed manifest from its chunks, each checked against its address; a {@link ManifestException} if one is wrong. */
  public byte[] join(List<byte[]> fetched) throws ManifestException {
    if (fetched.size() != chunks.size()) {
      throw new ManifestException(chunks.size() + " chunks expected, got " + fetched.size());
    }
    ByteBuffer out = ByteBuffer.allocate(sealedLength);
    for (int i = 0; i < chunks.size(); i++) {
      byte[] c = fetched.get(i);
      if (!MessageDigest.isEqual(StripeCoder.address(c), chunks.get(i)) || c.length > out.remaining()) {
        throw new ManifestException("manifest chunk " + i + " does not match its address");
      }
      out.put(c);
    }
    if (out.hasRemaining()) {
      throw new ManifestException("the manifest's chunks are shorter than it");
    }
    return out.array();
  }

  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(HEAD_BYTES + chunks.size() * StripeCoder.ADDRESS_BYTES)
        .put((byte) VERSION).putInt(sealedLength).put((byte) chunks.size());
    chunks.forEach(out::put);
    return out.array();
  }

  public static ManifestRoot decode(byte[] bytes) throws ManifestException {
    if (bytes.length < HEAD_BYTES + StripeCoder.ADDRESS_BYTES || (bytes[0] & 0xff) != VERSION) {
      throw new ManifestException("not a version " + VERSION + " manifest root");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    in.get();
    int length = in.getInt();
    int count = in.get() & 0xff;
    if (in.remaining() != count * StripeCoder.ADDRESS_BYTES) {
      throw new ManifestException("a root of " + count + " chunks is " + (HEAD_BYTES + count * 32) + " bytes");
    }
    List<byte[]> chunks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] a = new byte[StripeCoder.ADDRESS_BYTES];
      in.get(a);
      chunks.add(a);
    }
    try {
      return new ManifestRoot(length, chunks);
    } catch (IllegalArgumentException e) {
      throw new ManifestException(e.getMessage());
    }
  }

  /** The record value: this root sealed for the holders of the link ({@code secret}). */
  public byte[] seal(ShareSecret secret, SecureRandom random) {
    byte[] nonce = new byte[ManifestSeal.NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] plain = encode();
    try {
      byte[] out = new byte[nonce.length + plain.length + ManifestSeal.TAG_BYTES];
      System.arraycopy(nonce, 0, out, 0, nonce.length);
      cipher(secret, Cipher.ENCRYPT_MODE, nonce).doFinal(plain, 0, plain.length, out, nonce.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed", e);
    }
  }

  public static ManifestRoot open(ShareSecret secret, byte[] value) throws ManifestException {
    if (value.length < ManifestSeal.NONCE_BYTES + ManifestSeal.TAG_BYTES) {
      throw new ManifestException("a sealed root is at least " + (ManifestSeal.NONCE_BYTES + ManifestSeal.TAG_BYTES)
          + " bytes");
    }
    try {
      return decode(cipher(secret, Cipher.DECRYPT_MODE, Arrays.copyOf(value, ManifestSeal.NONCE_BYTES))
          .doFinal(value, ManifestSeal.NONCE_BYTES, value.length - ManifestSeal.NONCE_BYTES));
    } catch (AEADBadTagException e) {
      throw new ManifestException("the manifest root does not open with this link: tampered, or another share's");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed", e);
    }
  }

  /** The key that signs the root's DHT record: the same for every holder of the link. */
  public static Ed25519.KeyPair publisher(ShareSecret secret) {
    byte[] seed = ManifestSeal.derive(secret, PUBLISHER_LABEL);
    try {
      return Ed25519.fromPrivateKey(seed);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  private static Cipher cipher(ShareSecret secret, int mode, byte[] nonce) throws GeneralSecurityException {
    byte[] key = ManifestSeal.derive(secret, ROOT_KEY_LABEL);
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(ManifestSeal.TAG_BYTES * 8, nonce));
      gcm.updateAAD(ManifestSeal.location(secret));
      return gcm;
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "ManifestRoot[" + sealedLength + " bytes in " + chunks.size() + " chunks]";
  }
}
