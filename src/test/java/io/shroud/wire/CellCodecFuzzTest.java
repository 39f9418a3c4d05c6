package io.shroud.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzzes the plaintext cell decoder: any input either decodes to a cell that re-encodes to the
 * same bytes, or is refused with {@link ProtocolViolationException}; nothing else gets out.
 * Seeds: {@code src/test/resources/io/shroud/wire/CellCodecFuzzTestInputs/<method>/}.
 */
class CellCodecFuzzTest {

  @FuzzTest(maxDuration = "2s")
  void decode(byte[] data) {
    check(data);
  }

  /** The same, with every input cut or zero-padded to 4080 bytes so the header is reached. */
  @FuzzTest(maxDuration = "2s")
  void decodeFixedSize(byte[] data) {
    check(Arrays.copyOf(data, CellFormat.CELL_BYTES));
  }

  private static void check(byte[] data) {
    Cell cell;
    try {
      cell = CellCodec.decode(data);
    } catch (ProtocolViolationException expected) {
      return;
    }
    assertArrayEquals(data, CellCodec.encode(cell));
  }
}
