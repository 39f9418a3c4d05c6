package io.shroud.circuit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shroud.crypto.HopKeys;
import java.util.Arrays;

/**
 * Fuzzes every decoder of untrusted circuit bytes: only {@link CircuitProtocolException} may
 * escape. Without fuzzing enabled, Jazzer replays the seeds under
 * {@code src/test/resources/io/shroud/circuit/RelayCellFuzzTestInputs/<method>/}.
 */
class RelayCellFuzzTest {
  @FuzzTest(maxDuration = "2s")
  void decode(byte[] input) {
    try {
      RelayCell cell = RelayCellFormat.decode(input);
      byte[] again = RelayCellFormat.encode(cell);
      if (!Arrays.equals(again, 0, RelayCellFormat.TAG_OFFSET, input, 0, RelayCellFormat.TAG_OFFSET)
          || !Arrays.equals(again, RelayCellFormat.LENGTH_OFFSET, again.length, input, RelayCellFormat.LENGTH_OFFSET, input.length)) {
        throw new AssertionError("decode then encode changed the cell");
      }
    } catch (CircuitProtocolException expected) {
      // the documented outcome for bad input
    }
  }

  @FuzzTest(maxDuration = "2s")
  void handshakeFrames(FuzzedDataProvider data) {
    int which = data.consumeInt(0, 3);
    byte[] input = data.consumeRemainingAsBytes();
    try {
      switch (which) {
        case 0 -> ExtendRequest.decode(input);
        case 1 -> HandshakeFraming.parseCreateCellPayload(input);
        case 2 -> HandshakeFraming.parseCreatedCellPayload(input);
        default -> HandshakeFraming.parseExtendedData(input);
      }
    } catch (CircuitProtocolException expected) {
      // the documented outcome for bad input
    }
  }

  @FuzzTest(maxDuration = "2s")
  void relayLayer(FuzzedDataProvider data) {
    byte[] material = data.consumeBytes(HopKeys.BYTES);
    if (material.length != HopKeys.BYTES) {
      return;
    }
    boolean hasNext = data.consumeBoolean();
    byte[] body = data.consumeRemainingAsBytes();
    RelayLayer layer = new RelayLayer(HopKeys.fromBytes(material));
    OnionLayers origin = new OnionLayers();
    origin.addHop(HopKeys.fromBytes(material));
    try {
      layer.forward(body.clone(), hasNext);
    } catch (CircuitProtocolException expected) {
      // expected for noise
    }
    try {
      origin.decrypt(body);
    } catch (CircuitProtocolException expected) {
      // expected for noise
    }
  }
}
