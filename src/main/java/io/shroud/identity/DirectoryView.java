package io.shroud.identity;

import java.util.List;

/**
 * The verified directory: one descriptor per cluster member that published a valid one, ordered
 * by node id. What the directory hands its subscribers (links, the DHT, circuits).
 */
public record DirectoryView(List<NodeDescriptor> descriptors) {
  public DirectoryView {
    descriptors = List.copyOf(descriptors);
  }
}
