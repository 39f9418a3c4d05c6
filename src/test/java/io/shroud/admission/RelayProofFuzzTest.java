package io.shroud.admission;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shroud.testutil.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzes the relay proof a client reads in message 2 of the bootstrap handshake from whatever
 * answers at its bootstrap address: {@link RelayProof#decode} and {@link RelayProof#verify} may
 * only throw {@link AdmissionException}; what decodes re-encodes to exactly its bytes. The
 * handshake's static key is the fixture relay's, so the valid seed verifies. Seeds:
 * {@code src/test/resources/io/shroud/admission/RelayProofFuzzTestInputs/decodeAndVerify/}.
 */
class RelayProofFuzzTest {
  private static final RelayFixtures.Net NET = RelayFixtures.network("fuzznet", 21);
  private static final RelayFixtures.Relay RELAY = RelayFixtures.relay(NET, 1);
  private static final Path SEEDS =
      Path.of("src/test/resources/io/shroud/admission/RelayProofFuzzTestInputs/decodeAndVerify");

  @FuzzTest(maxDuration = "2s")
  void decodeAndVerify(byte[] input) {
    RelayProof proof;
    try {
      proof = RelayProof.decode(input);
    } catch (AdmissionException expected) {
      return;
    }
    assertArrayEquals(input, proof.encode(), "decoding is not canonical");
    try {
      proof.verify(NET.definition(), RELAY.linkKey().publicKey(), id -> false, new MutableClock(RelayFixtures.NOW),
          RelayFixtures.SKEW);
    } catch (AdmissionException expected) {
      // a fuzzed proof rarely holds a certificate of this network
    }
  }

  @Test
  void theValidSeedVerifies() throws Exception {
    RelayProof.decode(Files.readAllBytes(SEEDS.resolve("valid"))).verify(NET.definition(),
        RELAY.linkKey().publicKey(), id -> false, new MutableClock(RelayFixtures.NOW), RelayFixtures.SKEW);
  }

  /** Writes the seeds from the real encoder: {@code -Dshroud.fuzz.writeSeeds=true}. */
  @Test
  @EnabledIfSystemProperty(named = "shroud.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Files.createDirectories(SEEDS);
    byte[] valid = RELAY.proof().encode();
    Files.write(SEEDS.resolve("valid"), valid);
    Files.write(SEEDS.resolve("other-network"), RelayFixtures.relay(RelayFixtures.network("othernet", 22), 1)
        .proof().encode());
    Files.write(SEEDS.resolve("truncated"), Arrays.copyOf(valid, valid.length - 10));
    byte[] lying = valid.clone();
    lying[0] = 0x7f;
    Files.write(SEEDS.resolve("lying-length"), lying);
  }
}
