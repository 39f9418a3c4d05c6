package io.shroud.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.admission.RelayFixtures;
import io.shroud.crypto.X25519;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.CellFormat;
import io.shroud.wire.DirectoryCells;
import io.shroud.wire.HandshakeKind;
import io.shroud.wire.LinkCipher;
import io.shroud.wire.LinkHandshake;
import io.shroud.wire.ProtocolViolationException;
import io.shroud.wire.RekeyPolicy;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** One data port, both handshakes: the responder picks by message 1 and completes either. */
class PeerHandshakeTest {
  private static final RelayFixtures.Net NET = RelayFixtures.network("portnet", 41);
  private static final RelayFixtures.Relay RELAY = RelayFixtures.relay(NET, 1);
  private static final MutableClock CLOCK = new MutableClock(RelayFixtures.NOW);

  @Test
  void aRelayDiallingWithXkGetsARelayHandshake() throws Exception {
    X25519.KeyPair dialer = X25519.fromPrivateKey(RelayFixtures.filled(32, 0x55));
    LinkHandshake initiator = LinkHandshake.initiator(dialer, RELAY.linkKey().publicKey(), SeededRandom.of(1));
    PeerHandshake responder = PeerHandshake.start(body(initiator.writeFrame()), RELAY.linkKey(),
        RELAY.proof().encode(), SeededRandom.of(2));
    assertEquals(HandshakeKind.RELAY, responder.kind());
    initiator.readFrame(body(responder.writeFrame()));
    responder.readFrame(body(initiator.writeFrame()));
    assertTrue(responder.isComplete());
    assertArrayEquals(dialer.publicKey(), responder.remoteStaticPublicKey());
  }

  @Test
  void aClientWithOnlyTheAddressGetsTheBootstrapHandshakeAndVerifiesTheRelay() throws Exception {
    ClientBootstrap client = new ClientBootstrap(NET.definition(), id -> false, CLOCK, RelayFixtures.SKEW,
        SeededRandom.of(3));
    PeerHandshake responder = PeerHandshake.start(body(client.start()), RELAY.linkKey(),
        RELAY.proof().encode(), SeededRandom.of(4));
    assertEquals(HandshakeKind.CLIENT, responder.kind());
    assertTrue(responder.isWriteTurn());
    byte[] m3 = client.onMessage2(body(responder.writeFrame()));
    responder.readFrame(body(m3));
    assertTrue(responder.isComplete());
    assertEquals(RELAY.nodeId(), client.relay().nodeId());
    LinkCipher c = client.finish(RekeyPolicy.DEFAULT);
    LinkCipher r = responder.finish(RekeyPolicy.DEFAULT, CLOCK);
    Cell none = new Cell(0, CellCommand.DIR_DATA, DirectoryCells.encodeEmpty(1, DirectoryCells.Status.NONE));
    assertEquals(none, c.open(r.seal(none)));
  }

  @Test
  void aNodeThatTakesNoClientsRefusesTheBootstrapAndAnyOtherLength() {
    ClientBootstrap client = new ClientBootstrap(NET.definition(), id -> false, CLOCK, RelayFixtures.SKEW,
        SeededRandom.of(3));
    ProtocolViolationException e = assertThrows(ProtocolViolationException.class,
        () -> PeerHandshake.start(body(client.start()), RELAY.linkKey(), null, SeededRandom.of(4)));
    assertEquals("a client handshake, and this node takes no client links", e.getMessage());
    assertThrows(ProtocolViolationException.class,
        () -> PeerHandshake.start(new byte[40], RELAY.linkKey(), RELAY.proof().encode(), SeededRandom.of(4)));
  }

  private static byte[] body(byte[] frame) {
    return Arrays.copyOfRange(frame, CellFormat.HANDSHAKE_LENGTH_BYTES, frame.length);
  }
}
