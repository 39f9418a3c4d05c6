package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the plaintext decoder of an encrypted folder's sealed tree ({@link FolderManifest}):
 * whoever made the link chose these bytes, so after authentication they are still a stranger's.
 * Only {@link IllegalArgumentException} (a {@link BencodeException} or {@link ShareLinkException}
 * among them) may escape; an accepted manifest survives encoding and decoding unchanged. Seeds:
 * {@code src/test/resources/io/shroud/content/FolderManifestFuzzTestInputs/plaintext/}.
 */
class FolderManifestFuzzTest {
  @FuzzTest(maxDuration = "2s")
  void plaintext(byte[] input) {
    FolderManifest m;
    try {
      m = FolderManifest.decode(input);
    } catch (IllegalArgumentException expected) {
      return; // refused with a message
    }
    byte[] again = m.plaintext();
    assertArrayEquals(again, FolderManifest.decode(again).plaintext(), "an accepted manifest does not survive a round trip");
  }
}
