package io.shroud.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The XK handshake between two real parties: success, wrong keys, tampering, misuse. */
class NoiseHandshakeTest {
  private static final byte[] PROLOGUE = "shroud/link/1".getBytes(StandardCharsets.US_ASCII);
  private final SecureRandom random = new SecureRandom();
  private final X25519.KeyPair initStatic = X25519.generate(random);
  private final X25519.KeyPair respStatic = X25519.generate(random);

  private NoiseHandshake initiator(NoiseCipher c, byte[] responderKey, byte[] prologue) {
    return NoiseHandshake.initiator(c, initStatic, responderKey, prologue, random);
  }

  private NoiseHandshake responder(NoiseCipher c) {
    return NoiseHandshake.responder(c, respStatic, PROLOGUE, random);
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void completesAndCarriesPayloadsAndTransport(NoiseCipher c) throws NoiseException {
    NoiseHandshake i = initiator(c, respStatic.publicKey(), PROLOGUE);
    NoiseHandshake r = responder(c);
    assertTrue(i.isWriteTurn());
    assertFalse(r.isWriteTurn());
    assertArrayEquals(bytes("one"), r.readMessage(i.writeMessage(bytes("one"))));
    assertArrayEquals(bytes("two"), i.readMessage(r.writeMessage(bytes("two"))));
    assertArrayEquals(bytes("three"), r.readMessage(i.writeMessage(bytes("three"))));
    assertTrue(i.isComplete() && r.isComplete());
    assertArrayEquals(i.handshakeHash(), r.handshakeHash());
    NoiseTransport it = i.split();
    NoiseTransport rt = r.split();
    assertArrayEquals(respStatic.publicKey(), it.remoteStaticPublicKey());
    assertArrayEquals(initStatic.publicKey(), rt.remoteStaticPublicKey());
    byte[] ct = it.send().encryptWithAd(new byte[0], bytes("hello responder"));
    assertArrayEquals(bytes("hello responder"), rt.receive().decryptWithAd(new byte[0], ct));
    ct = rt.send().encryptWithAd(new byte[0], bytes("hello initiator"));
    assertArrayEquals(bytes("hello initiator"), it.receive().decryptWithAd(new byte[0], ct));
    assertEquals("Noise_XK_25519_" + c.noiseName() + "_SHA256", i.protocolName());
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void wrongResponderStaticKeyFailsAtResponder(NoiseCipher c) throws NoiseException {
    byte[] wrong = X25519.generate(random).publicKey();
    NoiseHandshake i = initiator(c, wrong, PROLOGUE);
    NoiseHandshake r = responder(c);
    byte[] m1 = i.writeMessage(new byte[0]);
    NoiseException e = assertThrows(NoiseException.class, () -> r.readMessage(m1));
    assertEquals("handshake message 1 failed authentication (payload)", e.getMessage());
    assertThrows(IllegalStateException.class, () -> r.writeMessage(new byte[0]));
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void differentProloguesFail(NoiseCipher c) throws NoiseException {
    NoiseHandshake i = initiator(c, respStatic.publicKey(), bytes("shroud/link/2"));
    NoiseHandshake r = responder(c);
    byte[] m1 = i.writeMessage(new byte[0]);
    assertThrows(NoiseException.class, () -> r.readMessage(m1));
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void everyTamperedMessageFails(NoiseCipher c) throws NoiseException {
    for (int message = 1; message <= 3; message++) {
      for (int bit : new int[] {0, 8 * 31 + 7, 8 * 32, -1}) {
        NoiseHandshake i = initiator(c, respStatic.publicKey(), PROLOGUE);
        NoiseHandshake r = responder(c);
        byte[] m1 = i.writeMessage(bytes("p1"));
        byte[] m2 = null;
        byte[] m3 = null;
        if (message > 1) {
          r.readMessage(m1);
          m2 = r.writeMessage(bytes("p2"));
        }
        if (message > 2) {
          i.readMessage(m2);
          m3 = i.writeMessage(bytes("p3"));
        }
        byte[] target = message == 1 ? m1 : message == 2 ? m2 : m3;
        int b = bit < 0 ? target.length * 8 - 1 : bit;
        target[b / 8] ^= (byte) (1 << (b % 8));
        NoiseHandshake reader = message == 2 ? i : r;
        byte[] tampered = target;
        assertThrows(NoiseException.class, () -> reader.readMessage(tampered),
            "message " + message + " bit " + b);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void truncatedAndOversizedMessagesAreRejected(NoiseCipher c) throws NoiseException {
    NoiseHandshake r = responder(c);
    NoiseException e = assertThrows(NoiseException.class, () -> r.readMessage(new byte[40]));
    assertEquals("handshake message 1 is too short: 40 bytes", e.getMessage());
    NoiseHandshake r2 = responder(c);
    e = assertThrows(NoiseException.class, () -> r2.readMessage(new byte[70000]));
    assertEquals("handshake message is too large: 70000 > 65535", e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void outOfTurnAndEarlySplitAreProgrammingErrors(NoiseCipher c) throws NoiseException {
    NoiseHandshake i = initiator(c, respStatic.publicKey(), PROLOGUE);
    assertThrows(IllegalStateException.class, () -> i.readMessage(new byte[48]));
    assertThrows(IllegalStateException.class, i::split);
    i.writeMessage(new byte[0]);
    assertThrows(IllegalStateException.class, () -> i.writeMessage(new byte[0]));
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void lowOrderEphemeralIsRejected(NoiseCipher c) {
    NoiseHandshake r = responder(c);
    byte[] m1 = new byte[48]; // e = all zeros, a low-order point
    NoiseException e = assertThrows(NoiseException.class, () -> r.readMessage(m1));
    assertTrue(e.getMessage().contains("low-order"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void secretsStayOutOfToString(NoiseCipher c) throws NoiseException {
    NoiseHandshake i = initiator(c, respStatic.publicKey(), PROLOGUE);
    String hex = java.util.HexFormat.of().formatHex(initStatic.privateKeyBytes());
    assertFalse(i.toString().contains(hex));
    assertFalse(initStatic.toString().contains(hex));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
