package io.shroud.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.HandshakePattern;
import io.shroud.crypto.NoiseHandshake;
import io.shroud.crypto.X25519;
import io.shroud.testutil.SeededRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ClientLinkHandshakeTest {
  private static final Clock CLOCK = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);
  private static final X25519.KeyPair RELAY_KEY = X25519.fromPrivateKey(filled(32, 7));
  private static final byte[] PROOF = filled(500, 0x5a);

  @Test
  void bothEndsCompleteAndTheClientLearnsTheRelaysKeyAndProof() throws Exception {
    ClientLinkHandshake client = ClientLinkHandshake.client(SeededRandom.of(1));
    ClientLinkHandshake relay = ClientLinkHandshake.relay(RELAY_KEY, PROOF, SeededRandom.of(2));

    byte[] f1 = client.writeFrame();
    assertEquals(2 + 32, f1.length, "message 1 is the client's ephemeral key alone");
    assertEquals(HandshakeKind.CLIENT, HandshakeKind.ofFirstMessage(f1.length - 2));
    relay.readFrame(body(f1));
    byte[] f2 = relay.writeFrame();
    assertEquals(2 + 32 + 48 + 2 + PROOF.length + 16, f2.length);
    client.readFrame(body(f2));
    assertArrayEquals(RELAY_KEY.publicKey(), client.remoteStaticPublicKey());
    assertArrayEquals(PROOF, client.relayProof());
    assertFalse(client.isComplete());
    byte[] f3 = client.writeFrame();
    assertEquals(2 + 48 + 2 + 16, f3.length);
    relay.readFrame(body(f3));
    assertTrue(client.isComplete() && relay.isComplete());
    assertArrayEquals(client.handshakeHash(), relay.handshakeHash());
    assertEquals(32, relay.remoteStaticPublicKey().length);

    LinkCipher c = client.finish(RekeyPolicy.DEFAULT, CLOCK);
    LinkCipher r = relay.finish(RekeyPolicy.DEFAULT, CLOCK);
    Cell request = new Cell(0, CellCommand.DIR_REQUEST, DirectoryCells.encodeRequest(9));
    assertEquals(request, r.open(c.seal(request)));
    Cell answer = new Cell(0, CellCommand.DIR_DATA, DirectoryCells.encodeEmpty(9, DirectoryCells.Status.NONE));
    assertEquals(answer, c.open(r.seal(answer)));
  }

  @Test
  void eachClientLinkShowsTheRelayAFreshStaticKey() throws Exception {
    byte[] first = completeWith(ClientLinkHandshake.client(SeededRandom.of(3)));
    byte[] second = completeWith(ClientLinkHandshake.client(SeededRandom.of(4)));
    assertFalse(Arrays.equals(first, second), "a client key seen twice would link the client's sessions");
  }

  @Test
  void theRelayRefusesAFirstMessageOfAnyOtherLength() {
    for (int len : new int[] {0, 31, 33, 48}) {
      ClientLinkHandshake relay = ClientLinkHandshake.relay(RELAY_KEY, PROOF, SeededRandom.of(2));
      ProtocolViolationException e =
          assertThrows(ProtocolViolationException.class, () -> relay.readFrame(new byte[len]));
      assertEquals("client handshake message 1 must be 32 bytes, got " + len, e.getMessage());
    }
  }

  @Test
  void theFirstMessageLengthTellsARelayFromAClient() throws Exception {
    assertEquals(HandshakeKind.RELAY, HandshakeKind.ofFirstMessage(48));
    assertEquals(HandshakeKind.CLIENT, HandshakeKind.ofFirstMessage(32));
    byte[] xk = LinkHandshake.initiator(X25519.fromPrivateKey(filled(32, 9)), RELAY_KEY.publicKey(),
        SeededRandom.of(5)).writeFrame();
    assertEquals(HandshakeKind.RELAY, HandshakeKind.ofFirstMessage(xk.length - 2));
    for (int len : new int[] {0, 1, 47, 49, 50, 4096}) {
      ProtocolViolationException e =
          assertThrows(ProtocolViolationException.class, () -> HandshakeKind.ofFirstMessage(len));
      assertEquals("handshake message 1 of " + len + " bytes is neither a relay's (48) nor a client's (32)",
          e.getMessage());
    }
  }

  @Test
  void anAlteredMessage2FailsAuthenticationAtTheClient() throws Exception {
    for (int at : new int[] {40, 90, 2 + 32 + 48 + 2 + 100}) {
      ClientLinkHandshake client = ClientLinkHandshake.client(SeededRandom.of(1));
      ClientLinkHandshake relay = ClientLinkHandshake.relay(RELAY_KEY, PROOF, SeededRandom.of(2));
      relay.readFrame(body(client.writeFrame()));
      byte[] m2 = body(relay.writeFrame());
      m2[at - 2] ^= 1;
      ProtocolViolationException e = assertThrows(ProtocolViolationException.class, () -> client.readFrame(m2));
      assertTrue(e.getMessage().startsWith("handshake message 2 failed authentication"), e.getMessage());
      assertThrows(ProtocolViolationException.class, () -> client.readFrame(m2), "a failed handshake went on");
    }
  }

  @Test
  void aRelayLinkResponderRefusesAClientsFirstMessage() throws Exception {
    byte[] m1 = body(ClientLinkHandshake.client(SeededRandom.of(1)).writeFrame());
    LinkHandshake xk = LinkHandshake.responder(RELAY_KEY, SeededRandom.of(2));
    assertThrows(ProtocolViolationException.class, () -> xk.readFrame(m1));
  }

  @Test
  void message2MustCarryVersion1AndANonEmptyBoundedProof() throws Exception {
    assertEquals("unsupported link version 2", refusedMessage2(new byte[] {0, 2, 1}));
    assertEquals("relay proof must be 1..3965 bytes, got 0", refusedMessage2(new byte[] {0, 1}));
    assertEquals("handshake message 2 payload is too short: 1 bytes", refusedMessage2(new byte[] {0}));
    byte[] big = new byte[2 + ClientLinkHandshake.RELAY_PROOF_MAX_BYTES + 1];
    big[1] = 1;
    assertEquals("relay proof must be 1..3965 bytes, got 3966", refusedMessage2(big));
    assertThrows(IllegalArgumentException.class, () -> ClientLinkHandshake.relay(RELAY_KEY, new byte[0],
        SeededRandom.of(1)));
    assertThrows(IllegalArgumentException.class, () -> ClientLinkHandshake.relay(RELAY_KEY, new byte[3966],
        SeededRandom.of(1)));
  }

  @Test
  void message3MustCarryExactlyTheVersion() throws Exception {
    assertEquals("handshake message 3 payload has the wrong size: 3 != 2", refusedMessage3(new byte[] {0, 1, 0}));
    assertEquals("unsupported link version 0", refusedMessage3(new byte[] {0, 0}));
  }

  @Test
  void theClientWritesNoMessage3BeforeItHasReadTheProof() {
    ClientLinkHandshake client = ClientLinkHandshake.client(SeededRandom.of(1));
    client.writeFrame();
    assertThrows(IllegalStateException.class, client::relayProof);
    assertThrows(ProtocolViolationException.class, () -> ClientLinkHandshake.client(SeededRandom.of(1))
        .readFrame(new byte[32]), "the client reads no message 1");
  }

  /** A raw XX relay that sends {@code payload} in message 2; the client's reason for refusing it. */
  private static String refusedMessage2(byte[] payload) throws Exception {
    ClientLinkHandshake client = ClientLinkHandshake.client(SeededRandom.of(1));
    NoiseHandshake raw = NoiseHandshake.create(HandshakePattern.XX, CellFormat.LINK_CIPHER, false, RELAY_KEY,
        null, ClientLinkHandshake.prologue(), () -> X25519.generate(SeededRandom.of(2)));
    raw.readMessage(body(client.writeFrame()));
    byte[] m2 = raw.writeMessage(payload);
    return assertThrows(ProtocolViolationException.class, () -> client.readFrame(m2)).getMessage();
  }

  /** A raw XX client that sends {@code payload} in message 3; the relay's reason for refusing it. */
  private static String refusedMessage3(byte[] payload) throws Exception {
    ClientLinkHandshake relay = ClientLinkHandshake.relay(RELAY_KEY, PROOF, SeededRandom.of(2));
    NoiseHandshake raw = NoiseHandshake.create(HandshakePattern.XX, CellFormat.LINK_CIPHER, true,
        X25519.generate(SeededRandom.of(3)), null, ClientLinkHandshake.prologue(),
        () -> X25519.generate(SeededRandom.of(1)));
    relay.readFrame(raw.writeMessage(new byte[0]));
    raw.readMessage(body(relay.writeFrame()));
    byte[] m3 = raw.writeMessage(payload);
    return assertThrows(ProtocolViolationException.class, () -> relay.readFrame(m3)).getMessage();
  }

  /** Runs {@code client} against a relay; the static key the relay saw. */
  private static byte[] completeWith(ClientLinkHandshake client) throws Exception {
    ClientLinkHandshake relay = ClientLinkHandshake.relay(RELAY_KEY, PROOF, SeededRandom.of(2));
    relay.readFrame(body(client.writeFrame()));
    client.readFrame(body(relay.writeFrame()));
    relay.readFrame(body(client.writeFrame()));
    return relay.remoteStaticPublicKey();
  }

  static byte[] body(byte[] frame) {
    return Arrays.copyOfRange(frame, CellFormat.HANDSHAKE_LENGTH_BYTES, frame.length);
  }

  static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
