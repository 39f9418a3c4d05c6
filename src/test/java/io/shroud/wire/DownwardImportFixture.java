package io.shroud.wire;

import io.shroud.crypto.Ed25519;

/**
 * Not a test: a class in the wire package that names a crypto-layer class, the allowed
 * direction, so that {@code ArchitectureTest} can show the layer rule passes it.
 */
final class DownwardImportFixture {
  private DownwardImportFixture() {}

  static String downward() {
    return Ed25519.class.getName();
  }
}
