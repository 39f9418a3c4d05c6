package io.shroud.api;

import io.shroud.identity.NodeDescriptor;
import java.util.List;

/** JSON views of {@code GET /shroud/v1/node} and {@code GET /shroud/v1/directory}. */
public final class NodeJson {
  private NodeJson() {}

  /** One cluster member as this node sees it. */
  public record MemberView(String address, String status, boolean reachable) {}

  /** {@code GET /shroud/v1/node}: this node, to its owner ({@code managementAddress} is its own endpoint). */
  public record NodeView(
      String nodeId,
      String version,
      int protocolVersion,
      String clusterAddress,
      String dataAddress,
      String managementAddress,
      String journal,
      String startedAt,
      long uptimeSeconds,
      String selfStatus,
      int membersUp,
      List<MemberView> members,
      int directorySize,
      String role) {

    /**
     * A client's view: no cluster, no data address (it listens on none), {@code selfStatus}
     * "client"; {@code directorySize} counts the descriptors of its fetched directory.
     */
    public static NodeView client(io.shroud.node.NodeRuntime.Handles h, String version, int directorySize,
        java.time.Instant now) {
      return new NodeView(h.nodeId().toHex(), version, io.shroud.identity.NodeDescriptor.PROTOCOL_VERSION, null,
          null, h.settings().managementAddress().toString(),
          h.settings().journal().name().toLowerCase(java.util.Locale.ROOT), h.startedAt().toString(),
          java.time.Duration.between(h.startedAt(), now).toSeconds(), "client", 0, List.of(), directorySize,
          "client");
    }
  }

  /**
   * One verified descriptor. Descriptors do not carry a management address (format 2): how to
   * reach a node's management endpoint is its owner's to know, never the network's.
   */
  public record DescriptorView(
      String nodeId,
      String identityKey,
      String linkKey,
      String onionKey,
      String onionKeyId,
      String clusterAddress,
      String dataAddress,
      int protocolVersion,
      String validFrom,
      String validUntil,
      long bandwidth) {

    static DescriptorView of(NodeDescriptor d) {
      return new DescriptorView(d.nodeId().toHex(), d.identityKeyHex(), d.linkKeyHex(), d.onionKeyHex(),
          java.util.HexFormat.of().formatHex(d.onionPublicKey().id()),
          d.clusterAddress(), d.dataAddress(), d.protocolVersion(),
          d.validFrom().toString(), d.validUntil().toString(), d.bandwidth());
    }
  }

  /** {@code GET /shroud/v1/directory}. */
  public record DirectoryJson(int size, List<DescriptorView> descriptors) {}

  /** Body of every 4xx/5xx answer from Shroud's routes. */
  public record ErrorJson(int status, String error) {}
}
