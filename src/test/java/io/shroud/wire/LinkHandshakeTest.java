package io.shroud.wire;

import io.shroud.testutil.MutableClock;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.NoiseCipher;
import io.shroud.crypto.NoiseException;
import io.shroud.crypto.NoiseHandshake;
import io.shroud.crypto.X25519;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The framed link handshake end to end through two frame decoders, and its refusals. */
class LinkHandshakeTest {
  private final SecureRandom random = new SecureRandom();
  private final X25519.KeyPair initStatic = X25519.generate(random);
  private final X25519.KeyPair respStatic = X25519.generate(random);
  private final Clock clock = new MutableClock();

  @Test
  void handshakeThenRecordsCoalescedBehindTheLastMessage() throws ProtocolViolationException {
    LinkHandshake i = LinkHandshake.initiator(initStatic, respStatic.publicKey(), random);
    LinkHandshake r = LinkHandshake.responder(respStatic, random);
    LinkFrameDecoder atI = new LinkFrameDecoder();
    LinkFrameDecoder atR = new LinkFrameDecoder();

    atR.feed(i.writeFrame());
    r.readFrame(atR.next());
    atI.feed(r.writeFrame());
    i.readFrame(atI.next());
    byte[] m3 = i.writeFrame();
    assertTrue(i.isComplete());
    LinkCipher ic = i.finish(RekeyPolicy.DEFAULT, clock);
    Cell c1 = new Cell(5, CellCommand.CREATE, new byte[] {1, 2, 3});
    Cell c2 = new Cell(0, CellCommand.DHT, new byte[] {4});
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes(m3);
    wire.writeBytes(ic.seal(c1));
    wire.writeBytes(ic.seal(c2));

    atR.feed(wire.toByteArray()); // message 3 and two records in one TCP chunk
    r.readFrame(atR.next());
    assertTrue(r.isComplete());
    atR.switchToRecords();
    LinkCipher rc = r.finish(RekeyPolicy.DEFAULT, clock);
    List<byte[]> records = atR.drain();
    assertEquals(2, records.size());
    assertEquals(c1, rc.open(records.get(0)));
    assertEquals(c2, rc.open(records.get(1)));
    assertArrayEquals(initStatic.publicKey(), r.remoteStaticPublicKey());
    assertArrayEquals(i.handshakeHash(), r.handshakeHash());
    Cell back = new Cell(5, CellCommand.CREATED, new byte[] {9});
    assertEquals(back, ic.open(rc.seal(back)));
  }

  @Test
  void framesAreLengthPrefixedAndSmall() {
    LinkHandshake i = LinkHandshake.initiator(initStatic, respStatic.publicKey(), random);
    byte[] f = i.writeFrame();
    assertEquals(50, f.length, "2-byte length + e (32) + empty payload's tag (16)");
    assertEquals(0, f[0]);
    assertEquals(48, f[1]);
  }

  @Test
  void wrongResponderKeyIsRefusedAtMessageOne() throws ProtocolViolationException {
    byte[] wrong = X25519.generate(random).publicKey();
    LinkHandshake i = LinkHandshake.initiator(initStatic, wrong, random);
    LinkHandshake r = LinkHandshake.responder(respStatic, random);
    byte[] m1 = Arrays.copyOfRange(i.writeFrame(), 2, 50);
    assertEquals("handshake message 1 failed authentication (payload)",
        assertThrows(ProtocolViolationException.class, () -> r.readFrame(m1)).getMessage());
    assertEquals("handshake already failed",
        assertThrows(ProtocolViolationException.class, () -> r.readFrame(m1)).getMessage());
  }

  @Test
  void aTamperedMessageTwoIsRefusedByTheInitiator() throws ProtocolViolationException {
    LinkHandshake i = LinkHandshake.initiator(initStatic, respStatic.publicKey(), random);
    LinkHandshake r = LinkHandshake.responder(respStatic, random);
    r.readFrame(body(i.writeFrame()));
    byte[] m2 = body(r.writeFrame());
    m2[40] ^= 1;
    assertThrows(ProtocolViolationException.class, () -> i.readFrame(m2));
  }

  @Test
  void outOfTurnMessagesAreViolations() throws ProtocolViolationException {
    LinkHandshake i = LinkHandshake.initiator(initStatic, respStatic.publicKey(), random);
    LinkHandshake r = LinkHandshake.responder(respStatic, random);
    assertEquals("unexpected handshake message 1",
        assertThrows(ProtocolViolationException.class, () -> i.readFrame(new byte[48]))
            .getMessage());
    byte[] m1 = body(i.writeFrame());
    r.readFrame(m1);
    assertEquals("unexpected handshake message 2",
        assertThrows(ProtocolViolationException.class, () -> r.readFrame(m1)).getMessage());
  }

  @Test
  void payloadsAreCheckedStrictly() throws NoiseException, ProtocolViolationException {
    // A peer running raw Noise with the right prologue but Shroud-invalid payloads.
    NoiseHandshake rogueI = NoiseHandshake.initiator(CellFormat.LINK_CIPHER, initStatic,
        respStatic.publicKey(), CellFormat.prologue(), random);
    LinkHandshake r = LinkHandshake.responder(respStatic, random);
    byte[] m1 = rogueI.writeMessage(new byte[] {1});
    assertEquals("handshake message 1 payload must be empty, got 1 bytes",
        assertThrows(ProtocolViolationException.class, () -> r.readFrame(m1)).getMessage());

    NoiseHandshake rogueR = NoiseHandshake.responder(CellFormat.LINK_CIPHER, respStatic,
        CellFormat.prologue(), random);
    LinkHandshake i = LinkHandshake.initiator(initStatic, respStatic.publicKey(), random);
    rogueR.readMessage(body(i.writeFrame()));
    byte[] m2 = rogueR.writeMessage(new byte[] {0, 2});
    assertEquals("unsupported link version 2",
        assertThrows(ProtocolViolationException.class, () -> i.readFrame(m2)).getMessage());
  }

  @Test
  void bothCiphersWork() throws ProtocolViolationException {
    for (NoiseCipher c : NoiseCipher.values()) {
      LinkHandshake i = LinkHandshake.initiator(c, initStatic, respStatic.publicKey(), random);
      LinkHandshake r = LinkHandshake.responder(c, respStatic, random);
      r.readFrame(body(i.writeFrame()));
      i.readFrame(body(r.writeFrame()));
      r.readFrame(body(i.writeFrame()));
      Cell cell = new Cell(0, CellCommand.DHT, new byte[] {7});
      assertEquals(cell, r.finish(RekeyPolicy.DEFAULT, clock)
          .open(i.finish(RekeyPolicy.DEFAULT, clock).seal(cell)));
    }
  }

  private static byte[] body(byte[] frame) {
    return Arrays.copyOfRange(frame, 2, frame.length);
  }
}
