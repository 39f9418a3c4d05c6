package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link ShareLink#parse}: whatever the text, the only exception allowed out is
 * {@link ShareLinkException}, and an accepted link formats back to a link that parses to the same
 * value. Seeds: {@code src/test/resources/io/shroud/content/ShareLinkFuzzTestInputs/parse/}.
 */
class ShareLinkFuzzTest {

  @FuzzTest(maxDuration = "4s")
  void parse(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    ShareLink link;
    try {
      link = ShareLink.parse(text);
    } catch (ShareLinkException expected) {
      return;
    }
    assertEquals(link, ShareLink.parse(link.format()));
  }
}
