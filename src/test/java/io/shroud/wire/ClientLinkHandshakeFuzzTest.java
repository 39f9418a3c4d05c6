package io.shroud.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shroud.crypto.X25519;
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
 * Fuzzes the client bootstrap handshake messages each side reads from a stranger:
 * {@link ClientLinkHandshake#readFrame} may only throw {@link ProtocolViolationException}, and a
 * failed handshake refuses to go on. The first input byte picks the step, the rest is the message:
 *
 * <ul>
 *   <li>0: the relay reads message 1 ({@code e});
 *   <li>1: the client, having sent message 1, reads message 2 ({@code e, ee, s, es} + proof);
 *   <li>2: the relay, after an honest message 1 and its message 2, reads message 3 ({@code s, se}).
 * </ul>
 *
 * Keys and ephemerals are fixed, so the seeds (real messages) are accepted. Seeds:
 * {@code src/test/resources/io/shroud/wire/ClientLinkHandshakeFuzzTestInputs/peerMessages/}.
 */
class ClientLinkHandshakeFuzzTest {
  private static final X25519.KeyPair RELAY = X25519.fromPrivateKey(filled(32, 31));
  private static final X25519.KeyPair CLIENT = X25519.fromPrivateKey(filled(32, 32));
  private static final X25519.KeyPair CLIENT_E = X25519.fromPrivateKey(filled(32, 33));
  private static final X25519.KeyPair RELAY_E = X25519.fromPrivateKey(filled(32, 34));
  private static final byte[] PROOF = filled(300, 0x33);
  private static final Clock CLOCK = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);
  private static final Path SEEDS =
      Path.of("src/test/resources/io/shroud/wire/ClientLinkHandshakeFuzzTestInputs/peerMessages");

  @FuzzTest(maxDuration = "2s")
  void peerMessages(byte[] input) throws Exception {
    if (input.length == 0) {
      return;
    }
    int step = (input[0] & 0xff) % 3;
    byte[] message = Arrays.copyOfRange(input, 1, input.length);
    ClientLinkHandshake side = at(step);
    try {
      side.readFrame(message);
    } catch (ProtocolViolationException refused) {
      assertThrows(ProtocolViolationException.class, () -> side.readFrame(message), "a failed handshake went on");
      return;
    }
    if (step == 0) {
      assertEquals(ClientLinkHandshake.MESSAGE_1_BYTES, message.length);
      assertTrue(side.isWriteTurn());
    } else if (step == 1) {
      byte[] proof = side.relayProof();
      assertTrue(proof.length >= 1 && proof.length <= ClientLinkHandshake.RELAY_PROOF_MAX_BYTES);
      assertEquals(X25519.KEY_BYTES, side.remoteStaticPublicKey().length);
      assertTrue(side.isWriteTurn());
      side.writeFrame();
      assertTrue(side.isComplete());
    } else {
      assertTrue(side.isComplete());
      assertEquals(X25519.KEY_BYTES, side.remoteStaticPublicKey().length);
      side.finish(RekeyPolicy.DEFAULT, CLOCK);
    }
  }

  /** A side ready to read message {@code step + 1}, with fixed keys. */
  private static ClientLinkHandshake at(int step) throws ProtocolViolationException {
    ClientLinkHandshake client = ClientLinkHandshake.client(CLIENT, () -> CLIENT_E);
    ClientLinkHandshake relay = ClientLinkHandshake.relay(RELAY, PROOF, () -> RELAY_E);
    if (step == 0) {
      return relay;
    }
    byte[] m1 = body(client.writeFrame());
    if (step == 1) {
      return client;
    }
    relay.readFrame(m1);
    relay.writeFrame();
    return relay;
  }

  @Test
  void theHonestSeedsAreAccepted() throws Exception {
    at(0).readFrame(seed("0-message-1"));
    ClientLinkHandshake client = at(1);
    client.readFrame(seed("1-message-2"));
    assertFalse(client.isComplete());
    ClientLinkHandshake relay = at(2);
    relay.readFrame(seed("2-message-3"));
    assertTrue(relay.isComplete());
  }

  private static byte[] seed(String name) throws IOException {
    byte[] s = Files.readAllBytes(SEEDS.resolve(name));
    return Arrays.copyOfRange(s, 1, s.length);
  }

  /** Writes the seeds from an honest exchange: {@code -Dshroud.fuzz.writeSeeds=true}. */
  @Test
  @EnabledIfSystemProperty(named = "shroud.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws Exception {
    Files.createDirectories(SEEDS);
    ClientLinkHandshake client = ClientLinkHandshake.client(CLIENT, () -> CLIENT_E);
    ClientLinkHandshake relay = ClientLinkHandshake.relay(RELAY, PROOF, () -> RELAY_E);
    byte[] m1 = body(client.writeFrame());
    relay.readFrame(m1);
    byte[] m2 = body(relay.writeFrame());
    client.readFrame(m2);
    byte[] m3 = body(client.writeFrame());
    write("0-message-1", 0, m1);
    write("1-message-2", 1, m2);
    write("2-message-3", 2, m3);
    write("0-relay-message-1", 0, new byte[48]);
    write("1-short", 1, Arrays.copyOf(m2, 70));
    write("2-truncated", 2, Arrays.copyOf(m3, 40));
  }

  private static void write(String name, int step, byte[] message) throws IOException {
    byte[] s = new byte[1 + message.length];
    s[0] = (byte) step;
    System.arraycopy(message, 0, s, 1, message.length);
    Files.write(SEEDS.resolve(name), s);
  }

  private static byte[] body(byte[] frame) {
    return Arrays.copyOfRange(frame, CellFormat.HANDSHAKE_LENGTH_BYTES, frame.length);
  }

  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
