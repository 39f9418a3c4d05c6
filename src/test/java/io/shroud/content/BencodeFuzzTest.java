package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the strict bencode decoder and the info-dictionary parser: whatever the bytes, the only
 * exception allowed out is {@link BencodeException}, and anything accepted re-encodes to exactly
 * the input (the decoder accepts canonical bencode only). Without {@code JAZZER_FUZZ} this replays
 * the seeds in {@code src/test/resources/io/shroud/content/BencodeFuzzTestInputs/}; the
 * {@code fuzz-bencode} surefire execution fuzzes it for a bounded time.
 */
class BencodeFuzzTest {

  @FuzzTest(maxDuration = "2s")
  void decode(byte[] input) {
    BValue v;
    try {
      v = Bencode.decode(input);
    } catch (BencodeException expected) {
      return;
    }
    assertArrayEquals(input, Bencode.encode(v));
    try {
      InfoDict info = InfoDict.parse(input);
      assertArrayEquals(input, info.encode());
    } catch (BencodeException expected) {
      // a well-formed value that is not an info dictionary
    }
  }
}
