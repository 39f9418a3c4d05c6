package io.shroud.link;

import io.shroud.identity.NodeId;

/**
 * Which of two links to the same node stays. The link dialed by the smaller node id wins; when
 * both were dialed by the same side, the newer wins (the older one is likely dead). Both ends
 * see the same pair of TCP connections with opposite directions, so they keep the same one.
 */
final class DuplicateRule {
  private DuplicateRule() {}

  /**
   * True when the newer link replaces the existing one, at node {@code self} talking to
   * {@code peer}; {@code existingOutbound}/{@code newerOutbound} say whether {@code self} dialed.
   */
  static boolean keepNewer(NodeId self, NodeId peer, boolean existingOutbound,
      boolean newerOutbound) {
    if (existingOutbound == newerOutbound) {
      return true;
    }
    NodeId newerDialer = newerOutbound ? self : peer;
    NodeId smaller = self.compareTo(peer) < 0 ? self : peer;
    return newerDialer.equals(smaller);
  }
}
