package io.shroud.admission;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shroud.identity.SignedDescriptor;
import io.shroud.testutil.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzes the directory bundle a requester reassembles from DIR_DATA cells:
 * {@link DirectoryBundle#decode} and {@link DirectoryBundle#verify} may only throw
 * {@link AdmissionException}; what decodes re-encodes to exactly its bytes. The valid seed is a
 * consensus of this test's network, signed by two of three authorities, with two descriptors.
 * Seeds: {@code src/test/resources/io/shroud/admission/DirectoryBundleFuzzTestInputs/decodeAndVerify/}.
 */
class DirectoryBundleFuzzTest {
  private static final RelayFixtures.Net NET = RelayFixtures.network("fuzznet", 31);
  private static final Path SEEDS =
      Path.of("src/test/resources/io/shroud/admission/DirectoryBundleFuzzTestInputs/decodeAndVerify");

  @FuzzTest(maxDuration = "2s")
  void decodeAndVerify(byte[] input) {
    DirectoryBundle bundle;
    try {
      bundle = DirectoryBundle.decode(input);
    } catch (AdmissionException expected) {
      return;
    }
    assertArrayEquals(input, bundle.encode(), "decoding is not canonical");
    try {
      bundle.verify(NET.definition(), new MutableClock(RelayFixtures.NOW), RelayFixtures.SKEW);
    } catch (AdmissionException expected) {
      // a fuzzed bundle rarely carries real signatures
    }
  }

  @Test
  void theValidSeedVerifies() throws Exception {
    DirectoryBundle.Verified v = DirectoryBundle.decode(Files.readAllBytes(SEEDS.resolve("valid")))
        .verify(NET.definition(), new MutableClock(RelayFixtures.NOW), RelayFixtures.SKEW);
    assertEquals(2, v.descriptors().size());
  }

  /** Writes the seeds from the real encoder: {@code -Dshroud.fuzz.writeSeeds=true}. */
  @Test
  @EnabledIfSystemProperty(named = "shroud.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Files.createDirectories(SEEDS);
    List<RelayFixtures.Relay> relays = new ArrayList<>(List.of(RelayFixtures.relay(NET, 1), RelayFixtures.relay(NET, 2)));
    relays.sort(Comparator.comparing(RelayFixtures.Relay::nodeId));
    List<Consensus.Relay> listed = new ArrayList<>();
    for (int n = 1; n <= 2; n++) {
      listed.add(ConsensusFixtures.relay(n, "10.0.0." + n, 7400, 1000, RelayFlag.GUARD));
    }
    listed.sort(Comparator.comparing(Consensus.Relay::id));
    Consensus c = Consensus.unsigned(NET.definition().id(), ConsensusFixtures.VALID_AFTER,
        ConsensusFixtures.FRESH_UNTIL, ConsensusFixtures.VALID_UNTIL, listed)
        .sign(ConsensusFixtures.AUTHORITIES.get(0)).sign(ConsensusFixtures.AUTHORITIES.get(1));
    List<SignedDescriptor> ds = relays.stream().map(RelayFixtures.Relay::descriptor).toList();
    byte[] valid = new DirectoryBundle(c, ds).encode();
    Files.write(SEEDS.resolve("valid"), valid);
    Files.write(SEEDS.resolve("no-descriptors"), new DirectoryBundle(c, List.of()).encode());
    Files.write(SEEDS.resolve("truncated"), Arrays.copyOf(valid, valid.length - 1));
  }
}
