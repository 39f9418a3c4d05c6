package io.shroud.wire;

import io.shroud.node.NodeGuardian;

/**
 * Not a test: a class in the wire package that names a node-layer class, so that
 * {@code ArchitectureTest} can show the layer rule fails on an upward import.
 */
final class UpwardImportFixture {
  private UpwardImportFixture() {}

  static String upward() {
    return NodeGuardian.class.getName();
  }
}
