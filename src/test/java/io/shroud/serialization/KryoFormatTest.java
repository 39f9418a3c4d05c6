package io.shroud.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The journal format does not move: every sample of {@link KryoSamples} serializes to exactly the
 * bytes pinned in {@code kryo-format-golden.txt} (written once by the serializer as it was before
 * it was bounded), and those bytes read back to a value that serializes to them again. Existing
 * journals hold such bytes.
 */
class KryoFormatTest {
  private static final Path GOLDEN = Path.of("src/test/resources/io/shroud/serialization/kryo-format-golden.txt");
  private final KryoSerializer serializer = new KryoSerializer();

  @Test
  void everySampleSerializesToItsPinnedBytesAndReadsBack() throws IOException {
    List<String> lines = Files.readAllLines(GOLDEN, StandardCharsets.US_ASCII);
    List<ShroudSerializable> samples = KryoSamples.all();
    assertEquals(samples.size(), lines.size(), "one golden line per sample");
    for (int i = 0; i < samples.size(); i++) {
      String[] parts = lines.get(i).split(" ");
      assertEquals(samples.get(i).getClass().getName(), parts[1], "line " + i);
      byte[] pinned = HexFormat.of().parseHex(parts[2]);
      assertArrayEquals(pinned, serializer.toBinary(samples.get(i)), "format changed for sample " + i);
      Object back = serializer.fromBinary(pinned);
      assertEquals(samples.get(i).getClass(), back.getClass());
      assertArrayEquals(pinned, serializer.toBinary(back), "read back differently: sample " + i);
    }
  }

  /** Writes the golden file: {@code -Dshroud.kryo.writeGolden=true}. Only ever for new samples. */
  @Test
  @EnabledIfSystemProperty(named = "shroud.kryo.writeGolden", matches = "true")
  void writeGolden() throws IOException {
    List<String> lines = new ArrayList<>();
    List<ShroudSerializable> samples = KryoSamples.all();
    for (int i = 0; i < samples.size(); i++) {
      lines.add(i + " " + samples.get(i).getClass().getName() + " "
          + HexFormat.of().formatHex(serializer.toBinary(samples.get(i))));
    }
    Files.write(GOLDEN, lines, StandardCharsets.US_ASCII);
  }
}
