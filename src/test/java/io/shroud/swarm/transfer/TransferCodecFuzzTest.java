package io.shroud.swarm.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Feeds arbitrary bytes, split in two chunks at a point chosen by the first byte, to a
 * {@link TransferFrameDecoder}. The only exception allowed out is
 * {@link TransferProtocolException}; the messages that decode must re-encode to exactly the bytes
 * they were read from (canonical encoding), each within {@link TransferCodec#MAX_MESSAGE_BYTES}.
 * Without {@code JAZZER_FUZZ} it replays the seeds in {@code TransferCodecFuzzTestInputs/decode/}.
 */
class TransferCodecFuzzTest {

  @FuzzTest(maxDuration = "2s")
  void decode(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] stream = Arrays.copyOfRange(input, 1, input.length);
    int split = Math.min(stream.length, input[0] & 0xff);
    TransferFrameDecoder decoder = new TransferFrameDecoder();
    List<TransferMessage> messages = new ArrayList<>();
    try {
      messages.addAll(decoder.feed(stream, 0, split));
      messages.addAll(decoder.feed(stream, split, stream.length - split));
    } catch (TransferProtocolException expected) {
      // bytes before the bad frame must still have been canonical: checked below
    }
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    for (TransferMessage m : messages) {
      byte[] frame = TransferCodec.encode(m);
      assertTrue(frame.length - TransferCodec.LENGTH_PREFIX_BYTES <= TransferCodec.MAX_MESSAGE_BYTES);
      again.writeBytes(frame);
    }
    byte[] encoded = again.toByteArray();
    assertTrue(encoded.length <= stream.length);
    assertArrayEquals(Arrays.copyOf(stream, encoded.length), encoded, "decoding is not canonical");
  }
}
