package io.shroud.swarm.transfer;

import io.shroud.content.Merkle;
import io.shroud.identity.NodeId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The DHT record key under which providers of a share announce themselves:
 * {@code SHA-256("shroud-provider-v1" ‖ info-hash)}. A DHT node that stores or routes the key
 * cannot read the info-hash off it (it would need a SHA-256 preimage); only someone who already
 * knows the info-hash (from a link) can compute the key and look it up.
 */
public final class ProviderKey {
  /** Domain separator hashed in front of the info-hash. */
  public static final String DOMAIN = "shroud-provider-v1";

  private ProviderKey() {}

  /** The provider-record key for the share with v2 info-hash {@code infoHash} (32 bytes). */
  public static NodeId of(byte[] infoHash) {
    if (infoHash == null || infoHash.length != Merkle.HASH_LENGTH) {
      throw new IllegalArgumentException("info-hash must be 32 bytes");
    }
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(DOMAIN.getBytes(StandardCharsets.US_ASCII));
      return NodeId.of(md.digest(infoHash));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing", e);
    }
  }
}
