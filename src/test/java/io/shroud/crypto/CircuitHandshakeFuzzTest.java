package io.shroud.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shroud.testutil.SeededRandom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzes both ends of the circuit handshake with a peer's bytes. The first input byte picks the
 * target, the rest is the message:
 *
 * <ul>
 *   <li>0: a CREATE as is, to {@link CircuitHandshakeRelay#respond};
 *   <li>1: a CREATE addressed to this relay and its current onion key (the fuzzer's bytes after
 *       ID ‖ KEYID), so the X25519 and ML-KEM checks, the replay cache and decapsulation see it;
 *   <li>2: the same, to the relay's previous, expired onion key;
 *   <li>3: a CREATED, to {@link CircuitHandshakeClient#finish} of a fresh client.
 * </ul>
 *
 * Only {@link HandshakeException} may escape. A CREATE the relay answers gives a CREATED of the
 * documented size and, sent again, is refused as a replay; a CREATED the client accepts would be
 * a forged AUTH and fails the test. Everything is deterministic (fixed keys, seeded randomness).
 * Seeds, from the real client and relay:
 * {@code src/test/resources/io/shroud/crypto/CircuitHandshakeFuzzTestInputs/createAndCreated/}.
 */
class CircuitHandshakeFuzzTest {
  static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  static final byte[] RELAY_ID = filled(32, 9);
  static final OnionKeyPair CURRENT = OnionKeyPair.fromPrivate(filled(32, 1), filled(64, 2), NOW.plusSeconds(86400));
  static final OnionKeyPair PREVIOUS = OnionKeyPair.fromPrivate(filled(32, 3), filled(64, 4), NOW.minusSeconds(1));
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final Path SEEDS =
      Path.of("src/test/resources/io/shroud/crypto/CircuitHandshakeFuzzTestInputs/createAndCreated");

  @FuzzTest(maxDuration = "2s")
  void createAndCreated(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int target = (input[0] & 0xff) % 4;
    byte[] message = Arrays.copyOfRange(input, 1, input.length);
    if (target == 3) {
      finish(message);
      return;
    }
    byte[] create = target == 0 ? message : addressed(target == 1 ? CURRENT : PREVIOUS, message);
    CircuitHandshakeRelay relay = relay();
    CircuitHandshakeRelay.Response response;
    try {
      response = relay.respond(create);
    } catch (HandshakeException expected) {
      return;
    }
    assertTrue(target != 2, "a CREATE to an expired onion key was answered");
    assertEquals(CircuitHandshake.CREATED_BYTES, response.created().length);
    HandshakeException replay = assertThrows(HandshakeException.class, () -> relay.respond(create));
    assertTrue(replay.getMessage().contains("replay"), replay.getMessage());
  }

  private static void finish(byte[] created) {
    CircuitHandshakeClient client =
        CircuitHandshakeClient.start(RELAY_ID, CURRENT.publicKey(), SeededRandom.of(11));
    try {
      client.finish(created);
      fail("a CREATED the fuzzer made was accepted");
    } catch (HandshakeException expected) {
      // malformed or unauthenticated
    }
  }

  /** ID ‖ KEYID of {@code key} ‖ {@code rest}, cut or zero-padded to a CREATE's size. */
  static byte[] addressed(OnionKeyPair key, byte[] rest) {
    byte[] create = new byte[CircuitHandshake.CREATE_BYTES];
    System.arraycopy(RELAY_ID, 0, create, CircuitHandshake.CREATE_ID_OFFSET, RELAY_ID.length);
    byte[] keyId = key.publicKey().id();
    System.arraycopy(keyId, 0, create, CircuitHandshake.CREATE_KEYID_OFFSET, keyId.length);
    System.arraycopy(rest, 0, create, CircuitHandshake.CREATE_X_OFFSET,
        Math.min(rest.length, CircuitHandshake.CREATE_BYTES - CircuitHandshake.CREATE_X_OFFSET));
    return create;
  }

  private static CircuitHandshakeRelay relay() {
    return new CircuitHandshakeRelay(RELAY_ID, CURRENT, PREVIOUS, CLOCK, SeededRandom.of(7), new ReplayCache(CLOCK, 4));
  }

  /** The seeds made by the real client and relay pass the harness end to end. */
  @Test
  void theRealMessagesInTheSeedsAreAnswered() throws Exception {
    byte[] create = Files.readAllBytes(SEEDS.resolve("1-create-current-key"));
    byte[] rest = Arrays.copyOfRange(create, 1, create.length);
    assertEquals(CircuitHandshake.CREATE_BYTES - CircuitHandshake.CREATE_X_OFFSET, rest.length);
    assertEquals(CircuitHandshake.CREATED_BYTES, relay().respond(addressed(CURRENT, rest)).created().length);
    byte[] raw = Files.readAllBytes(SEEDS.resolve("0-create-whole"));
    assertEquals(CircuitHandshake.CREATED_BYTES,
        relay().respond(Arrays.copyOfRange(raw, 1, raw.length)).created().length);
  }

  /** Writes the seed corpus with the real client and relay: {@code -Dshroud.fuzz.writeSeeds=true}. */
  @Test
  @EnabledIfSystemProperty(named = "shroud.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws Exception {
    Files.createDirectories(SEEDS);
    byte[] create = CircuitHandshakeClient.start(RELAY_ID, CURRENT.publicKey(), SeededRandom.of(1)).createMessage();
    byte[] old = CircuitHandshakeClient.start(RELAY_ID, PREVIOUS.publicKey(), SeededRandom.of(2)).createMessage();
    byte[] created = relay().respond(create).created();
    write("0-create-whole", 0, create);
    write("0-create-short", 0, Arrays.copyOf(create, 100));
    write("1-create-current-key", 1, Arrays.copyOfRange(create, CircuitHandshake.CREATE_X_OFFSET, create.length));
    byte[] lowOrder = Arrays.copyOfRange(create, CircuitHandshake.CREATE_X_OFFSET, create.length);
    Arrays.fill(lowOrder, 0, X25519.KEY_BYTES, (byte) 0);
    write("1-create-low-order-x", 1, lowOrder);
    write("2-create-previous-key", 2, Arrays.copyOfRange(old, CircuitHandshake.CREATE_X_OFFSET, old.length));
    write("3-created-other-session", 3, created);
    write("3-created-short", 3, Arrays.copyOf(created, 40));
  }

  private static void write(String name, int target, byte[] message) throws IOException {
    byte[] seed = new byte[1 + message.length];
    seed[0] = (byte) target;
    System.arraycopy(message, 0, seed, 1, message.length);
    Files.write(SEEDS.resolve(name), seed);
  }

  static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
