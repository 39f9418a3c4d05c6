package io.shroud.hidden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shroud.crypto.Ed25519;
import io.shroud.crypto.MlKem768;
import io.shroud.testutil.SeededRandom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzes what an introduction point reads from a seeder's circuit: {@link EstablishIntro#decode}
 * and {@link EstablishIntro#verify} may only throw {@link EstablishIntro.Invalid}; what decodes
 * re-encodes to exactly its bytes. The seeds are signed for {@link #KH}, so the valid one verifies.
 * Seeds: {@code src/test/resources/io/shroud/hidden/EstablishIntroFuzzTestInputs/decodeAndVerify/}.
 */
class EstablishIntroFuzzTest {
  private static final byte[] KH = new byte[32];
  private static final Path SEEDS =
      Path.of("src/test/resources/io/shroud/hidden/EstablishIntroFuzzTestInputs/decodeAndVerify");

  @FuzzTest(maxDuration = "2s")
  void decodeAndVerify(byte[] input) {
    EstablishIntro decoded;
    try {
      decoded = EstablishIntro.decode(input);
    } catch (EstablishIntro.Invalid expected) {
      return;
    }
    assertArrayEquals(input, decoded.encode(), "decoding is not canonical");
    try {
      EstablishIntro.verify(input, KH);
    } catch (EstablishIntro.Invalid expected) {
      // a fuzzed request rarely carries a valid signature
    }
  }

  @Test
  void theValidSeedVerifies() throws Exception {
    EstablishIntro.verify(Files.readAllBytes(SEEDS.resolve("valid")), KH);
  }

  /** Writes the seeds from the real encoder: {@code -Dshroud.fuzz.writeSeeds=true}. */
  @Test
  @EnabledIfSystemProperty(named = "shroud.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Files.createDirectories(SEEDS);
    byte[] ek = MlKem768.generate(SeededRandom.of(5)).publicKey();
    byte[] valid = EstablishIntro.sign(Ed25519.generate(SeededRandom.of(6)), KH, ek);
    Files.write(SEEDS.resolve("valid"), valid);
    Files.write(SEEDS.resolve("truncated"), Arrays.copyOf(valid, valid.length - 1));
    byte[] badSignature = valid.clone();
    badSignature[valid.length - 1] ^= 1;
    Files.write(SEEDS.resolve("bad-signature"), badSignature);
    byte[] badKey = ek.clone();
    badKey[0] = (byte) 0xFF;
    badKey[1] |= 0x0F;
    Files.write(SEEDS.resolve("key-over-modulus"), EstablishIntro.sign(Ed25519.generate(SeededRandom.of(7)), KH, badKey));
  }
}
