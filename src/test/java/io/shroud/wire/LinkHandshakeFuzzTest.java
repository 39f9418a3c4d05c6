package io.shroud.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shroud.crypto.NoiseException;
import io.shroud.crypto.NoiseHandshake;
import io.shroud.crypto.X25519;
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
 * Fuzzes the peer-link handshake messages a node reads from whoever connects or answers, at both
 * levels: {@link NoiseHandshake#readMessage} (only {@link NoiseException} may escape, and a failed
 * handshake refuses further use) and {@link LinkHandshake#readFrame} over it (only
 * {@link ProtocolViolationException}). The first input byte picks the step, the rest is the
 * message body (what {@link LinkFrameDecoder} hands out):
 *
 * <ul>
 *   <li>0: the responder reads message 1 ({@code e, es});
 *   <li>1: the initiator, having sent message 1, reads message 2 ({@code e, ee});
 *   <li>2: the responder, after an honest message 1 and its message 2, reads message 3
 *       ({@code s, se}).
 * </ul>
 *
 * The honest side's keys and ephemerals are fixed, so the seeds (real messages) are accepted and
 * the fuzzer mutates from there. Whatever the link level accepts, the Noise level accepts too.
 * Seeds: {@code src/test/resources/io/shroud/wire/LinkHandshakeFuzzTestInputs/peerMessages/}.
 */
class LinkHandshakeFuzzTest {
  private static final X25519.KeyPair INITIATOR = X25519.fromPrivateKey(filled(32, 21));
  private static final X25519.KeyPair RESPONDER = X25519.fromPrivateKey(filled(32, 22));
  private static final byte[] VERSION = {(byte) (CellFormat.LINK_VERSION >>> 8), (byte) CellFormat.LINK_VERSION};
  private static final Clock CLOCK = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);
  private static final Path SEEDS =
      Path.of("src/test/resources/io/shroud/wire/LinkHandshakeFuzzTestInputs/peerMessages");

  @FuzzTest(maxDuration = "2s")
  void peerMessages(byte[] input) throws Exception {
    if (input.length == 0) {
      return;
    }
    int step = (input[0] & 0xff) % 3;
    byte[] message = Arrays.copyOfRange(input, 1, input.length);

    NoiseHandshake noise = noiseAt(step);
    boolean noiseAccepted;
    try {
      noise.readMessage(message);
      noiseAccepted = true;
    } catch (NoiseException refused) {
      noiseAccepted = false;
      assertThrows(IllegalStateException.class, () -> noise.readMessage(message), "a failed handshake went on");
    }
    if (noiseAccepted && step == 2) {
      assertTrue(noise.isComplete());
      assertEquals(X25519.KEY_BYTES, noise.remoteStaticPublicKey().length);
      noise.split();
    } else if (noiseAccepted) {
      assertTrue(noise.isWriteTurn());
    }

    LinkHandshake link = linkAt(step);
    try {
      link.readFrame(message);
    } catch (ProtocolViolationException refused) {
      return;
    }
    assertTrue(noiseAccepted, "the link accepted what Noise refused");
    if (step == 2) {
      assertTrue(link.isComplete());
      link.finish(RekeyPolicy.DEFAULT, CLOCK);
    } else {
      assertFalse(link.isComplete());
      assertTrue(link.isWriteTurn());
    }
  }

  /** A raw Noise handshake, with the link's cipher, prologue and payloads, ready to read {@code step}. */
  private static NoiseHandshake noiseAt(int step) throws NoiseException {
    NoiseHandshake i = NoiseHandshake.initiator(CellFormat.LINK_CIPHER, INITIATOR, RESPONDER.publicKey(),
        CellFormat.prologue(), SeededRandom.of(1));
    NoiseHandshake r = NoiseHandshake.responder(CellFormat.LINK_CIPHER, RESPONDER, CellFormat.prologue(),
        SeededRandom.of(2));
    if (step == 0) {
      return r;
    }
    byte[] m1 = i.writeMessage(new byte[0]);
    if (step == 1) {
      return i;
    }
    r.readMessage(m1);
    r.writeMessage(VERSION);
    return r;
  }

  /** The same handshake through {@link LinkHandshake}. */
  private static LinkHandshake linkAt(int step) throws ProtocolViolationException {
    LinkHandshake i = LinkHandshake.initiator(INITIATOR, RESPONDER.publicKey(), SeededRandom.of(1));
    LinkHandshake r = LinkHandshake.responder(RESPONDER, SeededRandom.of(2));
    if (step == 0) {
      return r;
    }
    byte[] m1 = body(i.writeFrame());
    if (step == 1) {
      return i;
    }
    r.readFrame(m1);
    r.writeFrame();
    return r;
  }

  private static byte[] body(byte[] frame) {
    return Arrays.copyOfRange(frame, CellFormat.HANDSHAKE_LENGTH_BYTES, frame.length);
  }

  /** The honest messages in the seeds complete a handshake with the harness's fixed sides. */
  @Test
  void theHonestSeedsCompleteTheHandshake() throws Exception {
    linkAt(0).readFrame(seedMessage("0-message-1"));
    linkAt(1).readFrame(seedMessage("1-message-2"));
    LinkHandshake r = linkAt(2);
    r.readFrame(seedMessage("2-message-3"));
    assertTrue(r.isComplete());
  }

  private static byte[] seedMessage(String name) throws IOException {
    byte[] seed = Files.readAllBytes(SEEDS.resolve(name));
    return Arrays.copyOfRange(seed, 1, seed.length);
  }

  /** Writes the seed corpus from an honest exchange: {@code -Dshroud.fuzz.writeSeeds=true}. */
  @Test
  @EnabledIfSystemProperty(named = "shroud.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws Exception {
    Files.createDirectories(SEEDS);
    LinkHandshake i = LinkHandshake.initiator(INITIATOR, RESPONDER.publicKey(), SeededRandom.of(1));
    LinkHandshake r = LinkHandshake.responder(RESPONDER, SeededRandom.of(2));
    byte[] m1 = body(i.writeFrame());
    r.readFrame(m1);
    byte[] m2 = body(r.writeFrame());
    i.readFrame(m2);
    byte[] m3 = body(i.writeFrame());
    write("0-message-1", 0, m1);
    write("1-message-2", 1, m2);
    write("2-message-3", 2, m3);
    byte[] lowOrder = m1.clone();
    Arrays.fill(lowOrder, 0, X25519.KEY_BYTES, (byte) 0);
    write("0-low-order-e", 0, lowOrder);
    write("0-short", 0, Arrays.copyOf(m1, 40));
    write("2-truncated-static", 2, Arrays.copyOf(m3, 30));
  }

  private static void write(String name, int step, byte[] message) throws IOException {
    byte[] seed = new byte[1 + message.length];
    seed[0] = (byte) step;
    System.arraycopy(message, 0, seed, 1, message.length);
    Files.write(SEEDS.resolve(name), seed);
  }

  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
