package io.shroud.hidden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shroud.testutil.SeededRandom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzes what a downloader reads from any DHT node at a blinded location (docs/protocol.md
 * §11.3): {@link HsDescriptor#decodePlaintext} (what a value opens to, reachable by the fuzzer)
 * and {@link HsDescriptor#open} under the fixed key of {@link HsDescriptorExamples} may only
 * throw {@link HsDescriptorException}; what decodes re-encodes to exactly its bytes, and what
 * opens re-seals to a value that opens to the same descriptor. Seeds:
 * {@code src/test/resources/io/shroud/hidden/HsDescriptorFuzzTestInputs/<method>/}. Fuzzing mode
 * fuzzes a class's first fuzz test only: {@code decodePlaintext} is ordered first, since the
 * fuzzer cannot forge a GCM tag to get past {@code open}'s first step.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HsDescriptorFuzzTest {
  private static final HsLocation LOC = HsDescriptorExamples.location();
  private static final byte[] PUBLISHER = HsDescriptorExamples.publisher().publicKey();
  private static final Path SEEDS = Path.of("src/test/resources/io/shroud/hidden/HsDescriptorFuzzTestInputs");

  @Order(1)
  @FuzzTest(maxDuration = "2s")
  void decodePlaintext(byte[] input) {
    HsDescriptor d;
    try {
      d = HsDescriptor.decodePlaintext(input);
    } catch (HsDescriptorException expected) {
      return;
    }
    assertArrayEquals(input, d.encodePlaintext(), "decoding is not canonical");
  }

  @Order(2)
  @FuzzTest(maxDuration = "2s")
  void open(byte[] input) throws HsDescriptorException {
    HsDescriptor d;
    try {
      d = HsDescriptor.open(input, LOC, PUBLISHER);
    } catch (HsDescriptorException expected) {
      return;
    }
    assertEquals(d, HsDescriptor.open(d.seal(LOC, PUBLISHER, SeededRandom.of(input.length)), LOC, PUBLISHER));
  }

  @Test
  void theValidSeedsDecode() throws Exception {
    HsDescriptor.decodePlaintext(Files.readAllBytes(SEEDS.resolve("decodePlaintext/valid-3")));
    HsDescriptor.open(Files.readAllBytes(SEEDS.resolve("open/valid")), LOC, PUBLISHER);
  }

  /** Writes the seeds from the real encoder: {@code -Dshroud.fuzz.writeSeeds=true}. */
  @Test
  @EnabledIfSystemProperty(named = "shroud.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Path plain = SEEDS.resolve("decodePlaintext");
    Path open = SEEDS.resolve("open");
    Files.createDirectories(plain);
    Files.createDirectories(open);
    byte[] one = HsDescriptorExamples.descriptor(0, 1).encodePlaintext();
    byte[] three = HsDescriptorExamples.descriptor(HsPow.MAX_EFFORT, 3).encodePlaintext();
    Files.write(plain.resolve("valid-1"), one);
    Files.write(plain.resolve("valid-3"), three);
    byte[] count4 = three.clone();
    count4[37] = 4;
    Files.write(plain.resolve("count-4"), count4);
    byte[] padding = one.clone();
    padding[511] = 1;
    Files.write(plain.resolve("padding"), padding);
    Files.write(plain.resolve("truncated"), Arrays.copyOf(three, 300));
    byte[] value = HsDescriptorExamples.descriptor(5, 2).seal(LOC, PUBLISHER,
        HsDescriptorExamples.fixed(HsDescriptorExamples.NONCE));
    Files.write(open.resolve("valid"), value);
    Files.write(open.resolve("truncated"), Arrays.copyOf(value, 539));
    byte[] flipped = value.clone();
    flipped[539] ^= 1;
    Files.write(open.resolve("bad-tag"), flipped);
  }
}
