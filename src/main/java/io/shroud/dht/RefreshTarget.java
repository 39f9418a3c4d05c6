package io.shroud.dht;

import io.shroud.identity.NodeId;

/**
 * A bucket that has been idle past the refresh interval and the random id in its range that a
 * refresh lookup (FIND_NODE) should target.
 */
public record RefreshTarget(int bucketIndex, NodeId target) {}
