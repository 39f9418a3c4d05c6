package io.shroud.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.CellFormat;
import java.util.Arrays;

/**
 * Feeds arbitrary cell payloads to {@link DhtCellFraming#fromCell}. The only exception allowed
 * out is {@link DhtProtocolException}; whatever decodes must frame back into exactly the same
 * cell (length prefix, message, zero padding: one encoding per message). Without
 * {@code JAZZER_FUZZ} the test replays {@code DhtCellFramingFuzzTestInputs/fromCell/}.
 */
class DhtCellFramingFuzzTest {

  @FuzzTest(maxDuration = "2s")
  void fromCell(byte[] input) {
    Cell cell = new Cell(0, CellCommand.DHT,
        Arrays.copyOf(input, Math.min(input.length, CellFormat.PAYLOAD_BYTES)));
    DhtMessage message;
    try {
      message = DhtCellFraming.fromCell(cell);
    } catch (DhtProtocolException expected) {
      return;
    }
    assertEquals(cell, DhtCellFraming.toCell(message), "framing is not canonical for " + message.type());
  }
}
