package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link Magnet#parse} and {@link ShareLink#parse} over it: whatever the text, the only
 * exception allowed out is {@link ShareLinkException}; a magnet with metadata gives the same link
 * both ways, and that link formats back to a link that parses to the same value; one without
 * metadata is exactly what {@link ShareLink#parse} refuses with {@link Magnet#NO_METADATA}. Seeds:
 * {@code src/test/resources/io/shroud/content/ShareLinkFuzzTestInputs/parse/} (Shroud's links and
 * libtorrent's magnets).
 */
class ShareLinkFuzzTest {

  @FuzzTest(maxDuration = "2s")
  void parse(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    Magnet magnet;
    try {
      magnet = Magnet.parse(text);
    } catch (ShareLinkException expected) {
      assertThrows(ShareLinkException.class, () -> ShareLink.parse(text));
      return;
    }
    assertEquals(64, magnet.infoHashHex().length());
    if (!magnet.metadataKnown()) {
      assertEquals(Magnet.NO_METADATA, assertThrows(ShareLinkException.class, () -> ShareLink.parse(text)).getMessage());
      return;
    }
    ShareLink link = ShareLink.parse(text);
    assertEquals(magnet.shareLink().orElseThrow(), link);
    assertEquals(link, ShareLink.parse(link.format()));
  }
}
