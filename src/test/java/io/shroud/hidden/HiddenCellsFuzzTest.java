package io.shroud.hidden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzes every decoder of the hidden-seeding relay command data (protocol §11.4, §11.6) with a
 * peer's bytes. The first input byte picks the decoder (see {@link #decode}), the rest is the
 * data. Only {@link HiddenCellException} may escape, and what decodes re-encodes to exactly its
 * bytes. Seeds, from the real encoders:
 * {@code src/test/resources/io/shroud/hidden/HiddenCellsFuzzTestInputs/decoders/}.
 */
class HiddenCellsFuzzTest {
  private static final Path SEEDS = Path.of("src/test/resources/io/shroud/hidden/HiddenCellsFuzzTestInputs/decoders");
  private static final int TARGETS = 9;

  @FuzzTest(maxDuration = "2s")
  void decoders(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] data = Arrays.copyOfRange(input, 1, input.length);
    try {
      byte[] again = decode((input[0] & 0xff) % TARGETS, data);
      assertArrayEquals(data, again, "decoding is not canonical");
    } catch (HiddenCellException expected) {
      // refused
    }
  }

  /** Decodes {@code data} with decoder {@code target} and re-encodes the result. */
  static byte[] decode(int target, byte[] data) throws HiddenCellException {
    return switch (target) {
      case 0 -> Introduction.decode(data).encode();
      case 1 -> Introduce1.decode(data).encode();
      case 2 -> HiddenCells.encodeIntroKeyRequest(HiddenCells.decodeIntroKeyRequest(data));
      case 3 -> HiddenCells.decodeIntroKeyAnswer(data).encode();
      case 4 -> HiddenCells.encodeIntroduceAck(HiddenCells.decodeIntroduceAck(data));
      case 5 -> HiddenCells.encodeEstablishRendezvous(HiddenCells.decodeEstablishRendezvous(data));
      case 6 -> HiddenCells.decodeRendezvous1(data).encode();
      case 7 -> HiddenCells.decodeRendezvous2(data);
      default -> {
        HiddenCells.decodeEmpty(data, "INTRO_ESTABLISHED");
        yield new byte[0];
      }
    };
  }

  @Test
  void everySeedDecodes() throws Exception {
    try (var files = Files.list(SEEDS)) {
      for (Path p : files.toList()) {
        byte[] seed = Files.readAllBytes(p);
        byte[] data = Arrays.copyOfRange(seed, 1, seed.length);
        if (!p.getFileName().toString().contains("bad")) {
          assertArrayEquals(data, decode(seed[0], data), p.toString());
        }
      }
    }
  }

  /** Writes the seeds from the real encoders: {@code -Dshroud.fuzz.writeSeeds=true}. */
  @Test
  @EnabledIfSystemProperty(named = "shroud.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws Exception {
    Files.createDirectories(SEEDS);
    write("0-introduction", 0, E2eHandshakeTest.INTRO.encode());
    byte[] badPad = E2eHandshakeTest.INTRO.encode();
    badPad[100] = 1;
    write("0-introduction-bad-padding", 0, badPad);
    write("1-introduce1", 1, E2eHandshakeTest.start(E2eHandshakeTest.SEEDER, 1).introduce1());
    write("2-intro-key-request", 2, HiddenCells.encodeIntroKeyRequest(E2eHandshakeTest.SEEDER.authKey()));
    write("3-intro-key-answer", 3, new HiddenCells.IntroKeyAnswer(E2eHandshakeTest.SEEDER.ekS()).encode());
    write("3-intro-key-unknown", 3, HiddenCells.IntroKeyAnswer.unknown().encode());
    write("4-introduce-ack", 4, HiddenCells.encodeIntroduceAck(HiddenCells.IntroduceAck.RATE_LIMITED));
    write("5-establish-rendezvous", 5, HiddenCells.encodeEstablishRendezvous(E2eHandshakeTest.INTRO.cookie()));
    byte[] r1 = E2eHandshake.open(E2eHandshakeTest.start(E2eHandshakeTest.SEEDER, 2).introduce1(),
        E2eHandshakeTest.SEEDER, new ReplayFilter(E2eHandshakeTest.SEEDER.authKey(),
            new io.shroud.testutil.MutableClock(E2eHandshakeTest.NOW))).respond(io.shroud.testutil.SeededRandom.of(3))
        .rendezvous1();
    write("6-rendezvous1", 6, r1);
    write("7-rendezvous2", 7, HiddenCells.decodeRendezvous1(r1).rendezvous2());
    write("8-empty", 8, new byte[0]);
  }

  private static void write(String name, int target, byte[] message) throws IOException {
    byte[] seed = new byte[1 + message.length];
    seed[0] = (byte) target;
    System.arraycopy(message, 0, seed, 1, message.length);
    Files.write(SEEDS.resolve(name), seed);
  }
}
