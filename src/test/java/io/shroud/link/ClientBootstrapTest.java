package io.shroud.link;

import static io.shroud.admission.RelayFixtures.NOW;
import static io.shroud.admission.RelayFixtures.SKEW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.admission.AdmissionException;
import io.shroud.admission.RelayFixtures;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.CellFormat;
import io.shroud.wire.ClientLinkHandshake;
import io.shroud.wire.DirectoryCells;
import io.shroud.wire.LinkCipher;
import io.shroud.wire.ProtocolViolationException;
import io.shroud.wire.RekeyPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Both ends of the client bootstrap handshake in memory: the client knows the network
 * definition and the relay's address only; the relay sends its certificate and descriptor.
 */
class ClientBootstrapTest {
  private static final RelayFixtures.Net NET = RelayFixtures.network("bootnet", 11);

  @Test
  void aRelayWithAValidCertificateIsAccepted() throws Exception {
    RelayFixtures.Relay relay = RelayFixtures.relay(NET, 1);
    ClientBootstrap client = client(NOW);
    ClientLinkHandshake responder = responder(relay, relay.proof().encode());
    responder.readFrame(body(client.start()));
    byte[] m3 = client.onMessage2(body(responder.writeFrame()));
    responder.readFrame(body(m3));
    assertTrue(responder.isComplete());
    assertEquals(relay.nodeId(), client.relay().nodeId());
    assertArrayEquals(relay.linkKey().publicKey(), client.relay().descriptor().linkKey());

    LinkCipher c = client.finish(RekeyPolicy.DEFAULT);
    LinkCipher r = responder.finish(RekeyPolicy.DEFAULT, new MutableClock(NOW));
    Cell request = new Cell(0, CellCommand.DIR_REQUEST, DirectoryCells.encodeRequest(7));
    assertEquals(7, DirectoryCells.decodeRequest(r.open(c.seal(request)).payload()));
  }

  @Test
  void aCertificateOfAnotherNetworkIsRefused() {
    RelayFixtures.Relay stranger = RelayFixtures.relay(RelayFixtures.network("othernet", 12), 1);
    String reason = refused(stranger, stranger.proof().encode(), NOW);
    assertTrue(reason.startsWith("certificate issuer CN=Shroud trust root,O=othernet is not this network's trust root"),
        reason);
    RelayFixtures.Relay sameNameOtherRoot = RelayFixtures.relay(RelayFixtures.network("bootnet", 13), 1);
    assertEquals("certificate signature does not verify under this network's trust root",
        refused(sameNameOtherRoot, sameNameOtherRoot.proof().encode(), NOW));
  }

  @Test
  void anExpiredCertificateIsRefused() {
    RelayFixtures.Relay expired = RelayFixtures.relay(NET, 1, NOW.minus(Duration.ofDays(90)),
        NOW.minus(Duration.ofMinutes(1)), null);
    String reason = refused(expired, expired.proof().encode(), NOW);
    assertTrue(reason.startsWith("certificate expired at "), reason);
  }

  @Test
  void aDescriptorNamingAnotherLinkKeyThanTheHandshakesIsRefused() {
    RelayFixtures.Relay lying = RelayFixtures.relay(NET, 1, NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(1)),
        RelayFixtures.filled(32, 0x77));
    assertEquals("descriptor's link key is not the static key the relay used in the handshake",
        refused(lying, lying.proof().encode(), NOW));
    // Another relay's genuine proof replayed by whoever holds some other link key: refused as well.
    RelayFixtures.Relay honest = RelayFixtures.relay(NET, 2);
    RelayFixtures.Relay thief = RelayFixtures.relay(NET, 3);
    assertEquals("descriptor's link key is not the static key the relay used in the handshake",
        refused(thief, honest.proof().encode(), NOW));
  }

  @Test
  void anAlteredPayloadIsRefused() {
    RelayFixtures.Relay relay = RelayFixtures.relay(NET, 1);
    // Altered inside the encrypted message: the AEAD catches it.
    ClientBootstrap client = client(NOW);
    ClientLinkHandshake responder = responder(relay, relay.proof().encode());
    assertThrows(ProtocolViolationException.class, () -> {
      responder.readFrame(body(client.start()));
      byte[] m2 = body(responder.writeFrame());
      m2[m2.length - 40] ^= 1;
      client.onMessage2(m2);
    });
    // Altered before encryption (a relay sending a broken proof): the descriptor signature catches it.
    byte[] proof = relay.proof().encode();
    proof[proof.length - 70] ^= 1;
    String reason = refused(relay, proof, NOW);
    assertTrue(reason.startsWith("descriptor refused: "), reason);
    byte[] truncated = Arrays.copyOf(relay.proof().encode(), 100);
    assertTrue(refused(relay, truncated, NOW).startsWith("relay proof certificate is truncated: 98 < "),
        refused(relay, truncated, NOW));
  }

  @Test
  void aRefusedRelayGetsNoMessage3() throws Exception {
    RelayFixtures.Relay stranger = RelayFixtures.relay(RelayFixtures.network("othernet", 12), 1);
    ClientBootstrap client = client(NOW);
    ClientLinkHandshake responder = responder(stranger, stranger.proof().encode());
    responder.readFrame(body(client.start()));
    assertThrows(AdmissionException.class, () -> client.onMessage2(body(responder.writeFrame())));
    assertThrows(IllegalStateException.class, () -> client.finish(RekeyPolicy.DEFAULT));
    assertThrows(IllegalStateException.class, client::relay);
    assertFalse(responder.isComplete());
  }

  /** Runs the handshake against {@code relay} sending {@code proof}; the client's reason for refusing. */
  private static String refused(RelayFixtures.Relay relay, byte[] proof, Instant at) {
    ClientBootstrap client = client(at);
    ClientLinkHandshake responder = responder(relay, proof);
    return assertThrows(AdmissionException.class, () -> {
      responder.readFrame(body(client.start()));
      client.onMessage2(body(responder.writeFrame()));
    }).getMessage();
  }

  private static ClientBootstrap client(Instant at) {
    return new ClientBootstrap(NET.definition(), id -> false, new MutableClock(at), SKEW, SeededRandom.of(1));
  }

  private static ClientLinkHandshake responder(RelayFixtures.Relay relay, byte[] proof) {
    return ClientLinkHandshake.relay(relay.linkKey(), proof, SeededRandom.of(2));
  }

  private static byte[] body(byte[] frame) {
    return Arrays.copyOfRange(frame, CellFormat.HANDSHAKE_LENGTH_BYTES, frame.length);
  }
}
