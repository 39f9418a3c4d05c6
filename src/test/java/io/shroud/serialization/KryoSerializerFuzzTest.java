package io.shroud.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzes what a cluster member (or the journal) hands {@link KryoSerializer#fromBinary}: the only
 * exception allowed out is {@link IllegalArgumentException}, with no {@code Error} in its cause
 * chain (Kryo's record serializer would wrap an {@code OutOfMemoryError} or a
 * {@code StackOverflowError}), a decode allocates at most 1 MiB plus 64 bytes per input byte (an
 * unchecked length allocates what it announces), and an accepted message serializes to bytes that
 * read back to the same bytes. Seeds:
 * {@code src/test/resources/io/shroud/serialization/KryoSerializerFuzzTestInputs/fromBinary/},
 * written by {@link #writeSeeds} from {@link KryoSamples} and the length bombs of
 * {@link KryoBoundsTest}.
 */
class KryoSerializerFuzzTest {
  private static final KryoSerializer SERIALIZER = new KryoSerializer();
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final Path SEEDS =
      Path.of("src/test/resources/io/shroud/serialization/KryoSerializerFuzzTestInputs/fromBinary");

  static {
    // load and initialize (and under Jazzer instrument) every class a decode may touch, so that
    // the allocation measured below is the decode's own
    for (ShroudSerializable sample : KryoSamples.all()) {
      SERIALIZER.fromBinary(SERIALIZER.toBinary(sample));
    }
    for (String refused : new String[] {"66ffffffff07", "70ffffffff07", "7467ffffffff0f", "00", "01"}) {
      try {
        SERIALIZER.fromBinary(hex(refused));
      } catch (IllegalArgumentException expected) {
        // warm
      }
    }
  }

  @FuzzTest(maxDuration = "2s")
  void fromBinary(byte[] input) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    Object value;
    try {
      value = SERIALIZER.fromBinary(input);
    } catch (IllegalArgumentException refused) {
      for (Throwable t = refused; t != null; t = t.getCause()) {
        if (t instanceof Error) {
          throw new AssertionError(t + " in the cause chain", refused);
        }
      }
      assertAllocatedWithin(before, input.length);
      return;
    }
    assertAllocatedWithin(before, input.length);
    assertInstanceOf(ShroudSerializable.class, value);
    // the same value again, but not necessarily the same bytes: a map or list field may hold any
    // registered type (Kryo does not check generic element types), and a map keyed by records
    // with byte[] fields iterates in identity-hash order
    byte[] again;
    try {
      again = SERIALIZER.toBinary(value);
    } catch (IllegalArgumentException refused) {
      // only a list of nulls at the deepest level: read in Kryo's form (no object per null),
      // written with a null per element one level deeper, which reading would refuse too
      assertTrue(refused.getMessage().contains("Max depth exceeded"), refused.getMessage());
      return;
    }
    assertEquals(again.length, SERIALIZER.toBinary(SERIALIZER.fromBinary(again)).length, "round trip changed the size");
  }

  private static void assertAllocatedWithin(long before, int inputLength) {
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    long bound = (1 << 20) + 64L * inputLength;
    assertTrue(allocated <= bound, "allocated " + allocated + " bytes for " + inputLength + " input bytes");
  }

  /** The sample seeds are what they claim: they read back to their Shroud message. */
  @Test
  void theSampleSeedsRead() throws IOException {
    List<Path> samples;
    try (Stream<Path> files = Files.list(SEEDS)) {
      samples = files.filter(p -> p.getFileName().toString().startsWith("sample-")).toList();
    }
    assertTrue(samples.size() >= KryoRegistry.shroudClasses().size(), samples.toString());
    for (Path p : samples) {
      assertInstanceOf(ShroudSerializable.class, SERIALIZER.fromBinary(Files.readAllBytes(p)), p.toString());
    }
  }

  /** Writes the seed corpus: {@code -Dshroud.fuzz.writeSeeds=true}. */
  @Test
  @EnabledIfSystemProperty(named = "shroud.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Files.createDirectories(SEEDS);
    List<ShroudSerializable> all = KryoSamples.all();
    for (int i = 0; i < all.size(); i++) {
      byte[] bytes = SERIALIZER.toBinary(all.get(i));
      if (bytes.length <= 4096) { // libFuzzer's default input limit
        write(String.format("sample-%02d-%s", i, all.get(i).getClass().getSimpleName()), bytes);
      }
    }
    write("bomb-byte-array", hex("66ffffffff07"));
    write("bomb-descriptor", hex("70ffffffff07"));
    write("bomb-byte-array-in-list", hex("746702" + "66ffffffff07"));
    write("bomb-list", hex("7467ffffffff0f"));
    write("bomb-utf8-string", hex("8401" + "ffffffff0f"));
    write("deep-lists-17", KryoBoundsTest.nestedLists(KryoRegistry.MAX_DEPTH + 1));
    write("deep-lists-1000", KryoBoundsTest.nestedLists(1000));
    write("regression-nulls-only-list-at-max-depth", KryoBoundsTest.nullsOnlyListAtMaxDepth());
    write("class-by-name", hex("0101" + HexFormat.of().formatHex("java.lang.Objec".getBytes()) + "f4"));
  }

  private static void write(String name, byte[] bytes) throws IOException {
    Files.write(SEEDS.resolve(name), bytes);
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }
}
