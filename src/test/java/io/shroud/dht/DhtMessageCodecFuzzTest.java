package io.shroud.dht;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Feeds arbitrary bytes to {@link DhtMessageCodec#decode}. The only exception allowed out is
 * {@link DhtProtocolException}; whatever decodes must re-encode to exactly the same bytes
 * (canonical encoding) within one cell payload. Without {@code JAZZER_FUZZ} the test replays
 * the seed corpus in {@code DhtMessageCodecFuzzTestInputs/decode/} (one valid message of every
 * type plus a few broken ones).
 */
class DhtMessageCodecFuzzTest {

  @FuzzTest(maxDuration = "2s")
  void decode(byte[] input) {
    DhtMessage message;
    try {
      message = DhtMessageCodec.decode(input);
    } catch (DhtProtocolException expected) {
      return;
    }
    byte[] again = DhtMessageCodec.encode(message);
    assertTrue(again.length <= DhtMessageCodec.MAX_MESSAGE_BYTES);
    assertArrayEquals(input, again, "decoding is not canonical for " + message.type());
  }
}
