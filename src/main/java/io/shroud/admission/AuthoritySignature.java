package io.shroud.admission;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * One authority's signature over a document's body: its Ed25519 public key and the signature.
 * Used by the {@link Consensus}; {@link #countDistinct} is the counting rule of docs/protocol.md
 * §10.5, shared by every document the authorities sign.
 */
public record AuthoritySignature(byte[] authorityKey, byte[] signature) {
  /** Bytes of one encoded signature: key then signature. */
  public static final int BYTES = Ed25519.PUBLIC_KEY_BYTES + Ed25519.SIGNATURE_BYTES;

  public AuthoritySignature {
    if (authorityKey == null || authorityKey.length != Ed25519.PUBLIC_KEY_BYTES
        || signature == null || signature.length != Ed25519.SIGNATURE_BYTES) {
      throw new IllegalArgumentException("a signature is a 32-byte key and a 64-byte Ed25519 signature");
    }
    authorityKey = authorityKey.clone();
    signature = signature.clone();
  }

  /** {@code authority}'s signature over {@code body}. */
  public static AuthoritySignature sign(Ed25519.KeyPair authority, byte[] body) {
    return new AuthoritySignature(authority.publicKey(), authority.sign(body));
  }

  /**
   * How many distinct authorities of {@code network} have a signature in {@code signatures} that
   * verifies over exactly {@code body}. Keys that are not the network's authorities, signatures
   * that do not verify, and a second signature by one authority do not count.
   */
  public static int countDistinct(NetworkDefinition network, byte[] body, List<AuthoritySignature> signatures) {
    Set<NodeId> counted = new HashSet<>();
    for (AuthoritySignature s : signatures) {
      if (network.authority(s.authorityKey).isPresent() && !counted.contains(NodeId.of(s.authorityKey))
          && Ed25519.verify(s.authorityKey, body, s.signature)) {
        counted.add(NodeId.of(s.authorityKey));
      }
    }
    return counted.size();
  }

  @Override
  public byte[] authorityKey() {
    return authorityKey.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AuthoritySignature s && Arrays.equals(s.authorityKey, authorityKey)
        && Arrays.equals(s.signature, signature);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(authorityKey) * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "AuthoritySignature[by " + HexFormat.of().formatHex(authorityKey) + "]";
  }
}
