package io.shroud.admission;

import static io.shroud.admission.ConsensusFixtures.AUTHORITIES;
import static io.shroud.admission.ConsensusFixtures.FRESH_UNTIL;
import static io.shroud.admission.ConsensusFixtures.VALID_AFTER;
import static io.shroud.admission.ConsensusFixtures.VALID_UNTIL;
import static io.shroud.admission.ConsensusFixtures.relay;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shroud.testutil.MutableClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzes the consensus a node fetches from any relay: {@link Consensus#decode} and
 * {@link Consensus#dearmor} may only throw {@link AdmissionException}; an accepted consensus
 * re-encodes to exactly its bytes and survives its armor; {@link Consensus#verify} only answers.
 * Since the fuzzer cannot forge signatures, the decoded contents are re-signed by two of this
 * test's three authorities for this test's network and must then verify at valid-after. Seeds:
 * {@code src/test/resources/io/shroud/admission/ConsensusFuzzTestInputs/decodeAndVerify/},
 * written by {@link #writeSeeds} from the real encoder.
 */
class ConsensusFuzzTest {
  private static final NetworkDefinition NET = ConsensusFixtures.network("fuzznet", AUTHORITIES, 1);
  private static final Path SEEDS =
      Path.of("src/test/resources/io/shroud/admission/ConsensusFuzzTestInputs/decodeAndVerify");

  @FuzzTest(maxDuration = "2s")
  void decodeAndVerify(byte[] input) throws AdmissionException {
    try {
      Consensus.dearmor(new String(input, StandardCharsets.ISO_8859_1));
    } catch (AdmissionException expected) {
      // only this may escape
    }
    Consensus c;
    try {
      c = Consensus.decode(input);
    } catch (AdmissionException expected) {
      return;
    }
    assertArrayEquals(input, c.encode(), "decoding is not canonical");
    assertEquals(c, Consensus.dearmor(c.armor()));
    MutableClock clock = new MutableClock(c.validAfter());
    try {
      c.verify(NET, clock);
    } catch (AdmissionException expected) {
      // a fuzzed consensus rarely carries real signatures
    }
    Consensus mine = Consensus.unsigned(NET.id(), c.validAfter(), c.freshUntil(), c.validUntil(), c.relays())
        .sign(AUTHORITIES.get(0)).sign(AUTHORITIES.get(2));
    assertEquals(2, mine.verify(NET, clock));
  }

  /** The valid seeds are what they claim: they decode and verify. */
  @Test
  void theValidSeedsDecodeAndVerify() throws Exception {
    List<Path> valid;
    try (Stream<Path> files = Files.list(SEEDS)) {
      valid = files.filter(p -> p.getFileName().toString().startsWith("valid-")).toList();
    }
    assertEquals(3, valid.size(), valid.toString());
    for (Path p : valid) {
      Consensus c = Consensus.decode(Files.readAllBytes(p));
      c.verify(NET, new MutableClock(c.validAfter()));
    }
  }

  /** Writes the seed corpus from the real encoder: {@code -Dshroud.fuzz.writeSeeds=true}. */
  @Test
  @EnabledIfSystemProperty(named = "shroud.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Files.createDirectories(SEEDS);
    List<Consensus.Relay> relays = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      relays.add(relay(i, "10." + i + ".0.1", 9000 + i, 100L << i, RelayFlag.values()[i % 3]));
    }
    Consensus empty = Consensus.unsigned(NET.id(), VALID_AFTER, FRESH_UNTIL, VALID_UNTIL, List.of())
        .sign(AUTHORITIES.get(0)).sign(AUTHORITIES.get(1));
    Consensus five = Consensus.unsigned(NET.id(), VALID_AFTER, FRESH_UNTIL, VALID_UNTIL, relays)
        .sign(AUTHORITIES.get(1)).sign(AUTHORITIES.get(2));
    Consensus all = Consensus.unsigned(NET.id(), Instant.ofEpochSecond(0), Instant.ofEpochSecond(1),
        Instant.ofEpochSecond(1), relays.subList(0, 1));
    for (var k : AUTHORITIES) {
      all = all.sign(k);
    }
    write("valid-empty", empty.encode());
    write("valid-five", five.encode());
    write("valid-three-signatures", all.encode());
    byte[] enc = five.encode();
    write("truncated", Arrays.copyOf(enc, enc.length - 3));
    byte[] lying = enc.clone();
    ByteBuffer.wrap(lying).putInt(ConsensusCodec.HEADER_BYTES - 4, 0x7fffffff);
    write("lying-count", lying);
    write("armored", five.armor().getBytes(StandardCharsets.US_ASCII));
  }

  private static void write(String name, byte[] bytes) throws IOException {
    Files.write(SEEDS.resolve(name), bytes);
  }
}
