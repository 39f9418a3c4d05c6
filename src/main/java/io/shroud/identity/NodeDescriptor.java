package io.shroud.identity;

import io.shroud.crypto.OnionPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a node tells the network about itself: who it is (identity key and the node id
 * derived from it), how to reach it (cluster and data-plane addresses), the onion key
 * circuits use, and the window in which this statement holds. It does not name the node's
 * management endpoint: that is its owner's business, never the network's. It travels signed
 * ({@link SignedDescriptor}); its byte layout is {@link DescriptorCodec}'s and is written
 * down in {@code docs/protocol.md}.
 *
 * @param protocolVersion data-plane protocol version the node speaks
 * @param nodeId SHA-256 of {@code identityKey}
 * @param identityKey Ed25519 public key (32 bytes) that signs the descriptor
 * @param linkKey X25519 static key of the node's peer-link (Noise XK) handshake (32 bytes)
 * @param onionKey current onion key bundle: X25519 key ‖ ML-KEM-768 key
 *     ({@link OnionPublicKey#ENCODED_BYTES} bytes)
 * @param clusterAddress Artery address as {@code host:port}; must match the cluster member
 * @param dataAddress data-plane address {@code host:port}
 * @param validFrom start of the validity window (whole seconds)
 * @param validUntil end of the validity window (whole seconds), after {@code validFrom}
 * @param bandwidth advertised relay bandwidth in bytes per second (whole KiB/s on the wire);
 *     path selection weights relays by it
 */
public record NodeDescriptor(
    int protocolVersion,
    NodeId nodeId,
    byte[] identityKey,
    byte[] linkKey,
    byte[] onionKey,
    String clusterAddress,
    String dataAddress,
    Instant validFrom,
    Instant validUntil,
    long bandwidth) {

  /**
   * Data-plane protocol version: 2 since relay cell tags are GMAC (1 had HMAC-SHA256 tags;
   * the two cannot share a circuit, so circuits use only relays of this version).
   */
  public static final int PROTOCOL_VERSION = 2;

  /** What a node advertises unless configured otherwise: 10 MiB/s. */
  public static final long DEFAULT_BANDWIDTH = 10L * 1024 * 1024;

  /** A descriptor advertising {@link #DEFAULT_BANDWIDTH}. */
  public NodeDescriptor(int protocolVersion, NodeId nodeId, byte[] identityKey, byte[] linkKey, byte[] onionKey,
      String clusterAddress, String dataAddress, Instant validFrom, Instant validUntil) {
    this(protocolVersion, nodeId, identityKey, linkKey, onionKey, clusterAddress, dataAddress,
        validFrom, validUntil, DEFAULT_BANDWIDTH);
  }

  public NodeDescriptor {
    identityKey = identityKey.clone();
    linkKey = linkKey.clone();
    onionKey = onionKey.clone();
  }

  @Override
  public byte[] linkKey() {
    return linkKey.clone();
  }

  /** The onion key bundle circuits use to reach this node. */
  public OnionPublicKey onionPublicKey() {
    return OnionPublicKey.decode(onionKey);
  }

  @Override
  public byte[] identityKey() {
    return identityKey.clone();
  }

  @Override
  public byte[] onionKey() {
    return onionKey.clone();
  }

  public String identityKeyHex() {
    return HexFormat.of().formatHex(identityKey);
  }

  /** The X25519 part of the onion key, hex. */
  public String onionKeyHex() {
    return HexFormat.of().formatHex(onionKey, 0, io.shroud.crypto.X25519.KEY_BYTES);
  }

  public String linkKeyHex() {
    return HexFormat.of().formatHex(linkKey);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeDescriptor d
        && protocolVersion == d.protocolVersion
        && nodeId.equals(d.nodeId)
        && Arrays.equals(identityKey, d.identityKey)
        && Arrays.equals(linkKey, d.linkKey)
        && Arrays.equals(onionKey, d.onionKey)
        && clusterAddress.equals(d.clusterAddress)
        && dataAddress.equals(d.dataAddress)
        && validFrom.equals(d.validFrom)
        && validUntil.equals(d.validUntil)
        && bandwidth == d.bandwidth;
  }

  @Override
  public int hashCode() {
    return nodeId.hashCode() * 31 + validFrom.hashCode();
  }

  @Override
  public String toString() {
    return "NodeDescriptor[" + nodeId.shortHex() + " cluster=" + clusterAddress
        + " data=" + dataAddress + " valid " + validFrom + ".." + validUntil + "]";
  }
}
