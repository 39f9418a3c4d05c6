package io.shroud.hidden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shroud.crypto.HandshakeException;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzes both ends of the end-to-end handshake with a peer's bytes. The first input byte picks
 * the target, the rest is the message:
 *
 * <ul>
 *   <li>0: INTRODUCE2 data as is, to {@link E2eHandshake#open} (the seeder);
 *   <li>1: INTRODUCE2 data with the seeder's auth key in front of the fuzzer's bytes (cut or
 *       zero-padded to 2480), so the replay filter, the key checks, decapsulation and AES-GCM see it;
 *   <li>2: RENDEZVOUS2 data, to {@link E2eHandshake.Client#finish} of a fresh downloader.
 * </ul>
 *
 * Only {@link HandshakeException} may escape. An introduction that opens re-encodes canonically,
 * is refused as a replay the second time, and can be answered; a RENDEZVOUS2 the downloader
 * accepts must be the seeder's genuine answer (anything else is a forged AUTH). Deterministic
 * (fixed keys, seeded randomness). Seeds, from the real downloader and seeder:
 * {@code src/test/resources/io/shroud/hidden/E2eHandshakeFuzzTestInputs/introduce2AndRendezvous2/}.
 */
class E2eHandshakeFuzzTest {
  private static final ServiceKeys SEEDER = E2eHandshakeTest.SEEDER;
  private static final Path SEEDS =
      Path.of("src/test/resources/io/shroud/hidden/E2eHandshakeFuzzTestInputs/introduce2AndRendezvous2");
  private static final byte[] GENUINE_RENDEZVOUS2 = genuineRendezvous2();

  @FuzzTest(maxDuration = "2s")
  void introduce2AndRendezvous2(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int target = (input[0] & 0xff) % 3;
    byte[] message = Arrays.copyOfRange(input, 1, input.length);
    if (target == 2) {
      finish(message);
      return;
    }
    open(target == 0 ? message : addressed(message));
  }

  private static void open(byte[] introduce2) {
    ReplayFilter replay = new ReplayFilter(SEEDER.authKey(), new MutableClock(E2eHandshakeTest.NOW));
    E2eHandshake.Opened opened;
    try {
      opened = E2eHandshake.open(introduce2, SEEDER, replay);
    } catch (HandshakeException expected) {
      return;
    }
    try {
      assertEquals(opened.introduction(), Introduction.decode(opened.introduction().encode()), "not canonical");
    } catch (HiddenCellException e) {
      fail("an opened introduction does not re-encode: " + e.getMessage());
    }
    assertTrue(assertThrows(HandshakeException.class, () -> E2eHandshake.open(introduce2, SEEDER, replay)).isReplay());
    assertEquals(E2eHandshake.RENDEZVOUS1_BYTES, opened.respond(SeededRandom.of(3)).rendezvous1().length);
  }

  private static void finish(byte[] rendezvous2) {
    try {
      downloader().finish(rendezvous2);
    } catch (HandshakeException expected) {
      return;
    }
    assertArrayEquals(GENUINE_RENDEZVOUS2, rendezvous2,
        "a RENDEZVOUS2 the seeder did not make was accepted");
  }

  private static E2eHandshake.Client downloader() {
    return E2eHandshakeTest.start(SEEDER, 11);
  }

  private static byte[] genuineRendezvous2() {
    try {
      E2eHandshake.Opened opened = E2eHandshake.open(downloader().introduce1(), SEEDER,
          new ReplayFilter(SEEDER.authKey(), new MutableClock(E2eHandshakeTest.NOW)));
      return HiddenCells.decodeRendezvous1(opened.respond(SeededRandom.of(12)).rendezvous1()).rendezvous2();
    } catch (HandshakeException | HiddenCellException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The seeder's auth key ‖ {@code rest}, cut or zero-padded to 2480 bytes. */
  static byte[] addressed(byte[] rest) {
    byte[] data = new byte[Introduce1.BYTES];
    System.arraycopy(SEEDER.authKey(), 0, data, 0, Introduce1.AUTH_KEY_BYTES);
    System.arraycopy(rest, 0, data, Introduce1.AUTH_KEY_BYTES, Math.min(rest.length, data.length - Introduce1.AUTH_KEY_BYTES));
    return data;
  }

  /** The seeds from the real downloader open and finish through the harness. */
  @Test
  void theRealMessagesInTheSeedsAreAccepted() throws Exception {
    byte[] whole = Files.readAllBytes(SEEDS.resolve("0-introduce2-whole"));
    E2eHandshake.open(Arrays.copyOfRange(whole, 1, whole.length), SEEDER,
        new ReplayFilter(SEEDER.authKey(), new MutableClock(E2eHandshakeTest.NOW)));
    byte[] rest = Files.readAllBytes(SEEDS.resolve("1-introduce2-after-auth-key"));
    E2eHandshake.open(addressed(Arrays.copyOfRange(rest, 1, rest.length)), SEEDER,
        new ReplayFilter(SEEDER.authKey(), new MutableClock(E2eHandshakeTest.NOW)));
    byte[] r2 = Files.readAllBytes(SEEDS.resolve("2-rendezvous2-genuine"));
    downloader().finish(Arrays.copyOfRange(r2, 1, r2.length));
  }

  /** Writes the seed corpus with the real downloader and seeder: {@code -Dshroud.fuzz.writeSeeds=true}. */
  @Test
  @EnabledIfSystemProperty(named = "shroud.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws Exception {
    Files.createDirectories(SEEDS);
    byte[] introduce1 = E2eHandshakeTest.start(SEEDER, 1).introduce1();
    write("0-introduce2-whole", 0, introduce1);
    write("0-introduce2-short", 0, Arrays.copyOf(introduce1, 100));
    write("1-introduce2-after-auth-key", 1, Arrays.copyOfRange(introduce1, Introduce1.AUTH_KEY_BYTES, introduce1.length));
    byte[] lowOrder = Arrays.copyOfRange(introduce1, Introduce1.AUTH_KEY_BYTES, introduce1.length);
    Arrays.fill(lowOrder, 0, 32, (byte) 0);
    write("1-introduce2-low-order-x", 1, lowOrder);
    byte[] tampered = Arrays.copyOfRange(introduce1, Introduce1.AUTH_KEY_BYTES, introduce1.length);
    tampered[tampered.length - 1] ^= 1;
    write("1-introduce2-bad-tag", 1, tampered);
    write("2-rendezvous2-genuine", 2, GENUINE_RENDEZVOUS2);
    byte[] other = HiddenCells.decodeRendezvous1(E2eHandshake.open(introduce1, SEEDER,
        new ReplayFilter(SEEDER.authKey(), new MutableClock(E2eHandshakeTest.NOW))).respond(SeededRandom.of(5))
        .rendezvous1()).rendezvous2();
    write("2-rendezvous2-other-session", 2, other);
    write("2-rendezvous2-short", 2, Arrays.copyOf(other, 40));
  }

  private static void write(String name, int target, byte[] message) throws IOException {
    byte[] seed = new byte[1 + message.length];
    seed[0] = (byte) target;
    System.arraycopy(message, 0, seed, 1, message.length);
    Files.write(SEEDS.resolve(name), seed);
  }
}
