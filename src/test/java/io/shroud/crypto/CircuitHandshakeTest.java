package io.shroud.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CircuitHandshakeTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant EXPIRES = START.plus(Duration.ofDays(14));

  private final SecureRandom random = SeededRandom.of(42);
  private final MutableClock clock = new MutableClock(START);
  private final NodeId relayId = NodeId.ofIdentityKey(Ed25519.generate(random).publicKey());
  private final OnionKeyPair onionKey = OnionKeyPair.generate(random, EXPIRES);

  private CircuitHandshakeRelay relay(OnionKeyPair current, OnionKeyPair previous) {
    return new CircuitHandshakeRelay(relayId.toBytes(), current, previous, clock, random, new ReplayCache(clock, 1000));
  }

  @Test
  void bothSidesDeriveTheSameKeys() throws Exception {
    CircuitHandshakeClient client = CircuitHandshakeClient.start(relayId.toBytes(), onionKey.publicKey(), random);
    byte[] create = client.createMessage();
    assertEquals(CircuitHandshake.CREATE_BYTES, create.length);
    assertEquals(2368, create.length);
    CircuitHandshakeRelay.Response response = relay(onionKey, null).respond(create);
    assertEquals(1152, response.created().length);
    HopKeys clientKeys = client.finish(response.created());
    assertTrue(clientKeys.sameMaterial(response.keys()));
    assertArrayEquals(clientKeys.forwardKey(), response.keys().forwardKey());
    assertFalse(java.util.Arrays.equals(clientKeys.forwardKey(), clientKeys.backwardKey()));
    assertFalse(java.util.Arrays.equals(clientKeys.forwardMacKey(), clientKeys.backwardMacKey()));
  }

  @Test
  void twoHandshakesGiveDifferentKeys() throws Exception {
    CircuitHandshakeRelay relay = relay(onionKey, null);
    HopKeys first = run(relay);
    HopKeys second = run(relay);
    assertFalse(first.sameMaterial(second));
  }

  @Test
  void impostorWithoutTheX25519OnionKeyFails() throws Exception {
    OnionKeyPair impostorKey = OnionKeyPair.impostor(X25519.generate(random), onionKey.mlKem(),
        onionKey.publicKey(), EXPIRES);
    CircuitHandshakeClient client = CircuitHandshakeClient.start(relayId.toBytes(), onionKey.publicKey(), random);
    byte[] created = relay(impostorKey, null).respond(client.createMessage()).created();
    HandshakeException e = assertThrows(HandshakeException.class, () -> client.finish(created));
    assertTrue(e.getMessage().contains("authentication failed"));
  }

  @Test
  void impostorWithoutTheMlKemOnionKeyFails() throws Exception {
    OnionKeyPair impostorKey = OnionKeyPair.impostor(onionKey.x25519(), MlKem768.generate(random),
        onionKey.publicKey(), EXPIRES);
    CircuitHandshakeClient client = CircuitHandshakeClient.start(relayId.toBytes(), onionKey.publicKey(), random);
    byte[] created = relay(impostorKey, null).respond(client.createMessage()).created();
    assertThrows(HandshakeException.class, () -> client.finish(created));
  }

  @Test
  void createForAnotherRelayOrUnknownKeyIsRefused() {
    NodeId other = NodeId.ofIdentityKey(Ed25519.generate(random).publicKey());
    byte[] toOther = CircuitHandshakeClient.start(other.toBytes(), onionKey.publicKey(), random).createMessage();
    assertTrue(assertThrows(HandshakeException.class, () -> relay(onionKey, null).respond(toOther))
        .getMessage().contains("another relay"));
    OnionKeyPair unknown = OnionKeyPair.generate(random, EXPIRES);
    byte[] toUnknown = CircuitHandshakeClient.start(relayId.toBytes(), unknown.publicKey(), random).createMessage();
    assertTrue(assertThrows(HandshakeException.class, () -> relay(onionKey, null).respond(toUnknown))
        .getMessage().contains("unknown onion key"));
  }

  @Test
  void flippingAnyByteOfCreateBreaksTheHandshake() throws Exception {
    int accepted = 0;
    for (int position = 0; position < CircuitHandshake.CREATE_BYTES; position++) {
      CircuitHandshakeClient client = CircuitHandshakeClient.start(relayId.toBytes(), onionKey.publicKey(), random);
      byte[] create = client.createMessage();
      create[position] ^= (byte) (1 << (position % 8));
      byte[] created;
      try {
        created = relay(onionKey, null).respond(create).created();
      } catch (HandshakeException refused) {
        continue;
      }
      try {
        client.finish(created);
        accepted++;
      } catch (HandshakeException expected) {
        // the relay answered a modified transcript: the origin must notice
      }
    }
    assertEquals(0, accepted, "handshakes that survived a flipped CREATE byte");
  }

  @Test
  void flippingAnyByteOfCreatedBreaksTheHandshake() throws Exception {
    int accepted = 0;
    for (int position = 0; position < CircuitHandshake.CREATED_BYTES; position++) {
      CircuitHandshakeClient client = CircuitHandshakeClient.start(relayId.toBytes(), onionKey.publicKey(), random);
      byte[] created = relay(onionKey, null).respond(client.createMessage()).created();
      created[position] ^= (byte) (0x80 >>> (position % 8));
      try {
        client.finish(created);
        accepted++;
      } catch (HandshakeException expected) {
        // expected
      }
    }
    assertEquals(0, accepted, "handshakes that survived a flipped CREATED byte");
  }

  @Test
  void malformedSizesAreRefused() {
    CircuitHandshakeClient client = CircuitHandshakeClient.start(relayId.toBytes(), onionKey.publicKey(), random);
    assertThrows(HandshakeException.class, () -> relay(onionKey, null).respond(new byte[2367]));
    assertThrows(HandshakeException.class, () -> client.finish(new byte[1151]));
  }

  @Test
  void aCreateReplayedWithinTheWindowIsRefused() throws Exception {
    CircuitHandshakeRelay relay = relay(onionKey, null);
    CircuitHandshakeClient client = CircuitHandshakeClient.start(relayId.toBytes(), onionKey.publicKey(), random);
    byte[] create = client.createMessage();
    relay.respond(create);
    HandshakeException replay = assertThrows(HandshakeException.class, () -> relay.respond(create));
    assertTrue(replay.isReplay() && replay.getMessage().contains("replay"), replay.getMessage());
    // same X with a different ephemeral ML-KEM key and ciphertext: still a replay
    byte[] variant = CircuitHandshakeClient.start(relayId.toBytes(), onionKey.publicKey(), random).createMessage();
    System.arraycopy(create, 0, variant, 0, CircuitHandshake.CREATE_EKE_OFFSET);
    assertTrue(assertThrows(HandshakeException.class, () -> relay.respond(variant)).isReplay());
    clock.advance(ReplayCache.DEFAULT_WINDOW.minusSeconds(1));
    assertTrue(assertThrows(HandshakeException.class, () -> relay.respond(create)).isReplay());
  }

  /**
   * Why a short window is enough (protocol §6.3.4): answering the same CREATE again gives a new
   * CREATED and new keys, because the relay's half (Y, and the encapsulation to EK_e) is fresh
   * each time; only the holder of x and DK_e can finish it, which the replayer is not.
   */
  @Test
  void pastTheWindowAReplayGetsFreshKeysOnlyTheOriginCouldUse() throws Exception {
    CircuitHandshakeRelay relay = relay(onionKey, null);
    CircuitHandshakeClient client = CircuitHandshakeClient.start(relayId.toBytes(), onionKey.publicKey(), random);
    byte[] create = client.createMessage();
    CircuitHandshakeRelay.Response first = relay.respond(create);
    clock.advance(ReplayCache.DEFAULT_WINDOW);
    CircuitHandshakeRelay.Response again = relay.respond(create);
    assertFalse(java.util.Arrays.equals(first.created(), again.created()), "a new Y and CT_e");
    assertFalse(first.keys().sameMaterial(again.keys()), "other hop keys than the recorded circuit's");
    assertTrue(client.finish(first.created()).sameMaterial(first.keys()));
  }

  @Test
  void aNonReplayRefusalIsNotCountedAsAReplay() {
    byte[] create = CircuitHandshakeClient.start(relayId.toBytes(), onionKey.publicKey(), random).createMessage();
    create[0] ^= 1; // addressed to another relay
    assertFalse(assertThrows(HandshakeException.class, () -> relay(onionKey, null).respond(create)).isReplay());
  }

  @Test
  void previousOnionKeyIsAcceptedUntilItExpires() throws Exception {
    OnionKeyPair previous = OnionKeyPair.generate(random, START.plus(Duration.ofDays(1)));
    CircuitHandshakeRelay relay = relay(onionKey, previous);
    CircuitHandshakeClient client = CircuitHandshakeClient.start(relayId.toBytes(), previous.publicKey(), random);
    CircuitHandshakeRelay.Response response = relay.respond(client.createMessage());
    assertTrue(client.finish(response.created()).sameMaterial(response.keys()));
    clock.advance(Duration.ofDays(1));
    byte[] late = CircuitHandshakeClient.start(relayId.toBytes(), previous.publicKey(), random).createMessage();
    assertTrue(assertThrows(HandshakeException.class, () -> relay.respond(late)).getMessage().contains("expired"));
  }

  @Test
  void onionKeysSurviveARoundTripThroughTheirPrivateParts() throws Exception {
    OnionKeyPair restored = OnionKeyPair.fromPrivate(onionKey.x25519PrivateKey(), onionKey.mlKemSeed(), EXPIRES);
    assertEquals(onionKey.publicKey(), restored.publicKey());
    assertEquals(onionKey.publicKey(), OnionPublicKey.decode(onionKey.publicKey().encode()));
    HopKeys keys = run(relay(restored, null));
    assertFalse(keys.toString().contains("0"), "toString must not print material");
    assertFalse(onionKey.toString().contains(java.util.HexFormat.of().formatHex(onionKey.x25519PrivateKey())));
  }

  @Test
  void keysDependOnEverySecretAndTheTranscript() {
    byte[] th = filled(1);
    byte[][] secrets = {filled(2), filled(3), filled(4), filled(5)};
    CircuitHandshake.Derived base = CircuitHandshake.deriveKeys(th, secrets[0], secrets[1], secrets[2], secrets[3]);
    assertTrue(base.keys().sameMaterial(
        CircuitHandshake.deriveKeys(th, secrets[0], secrets[1], secrets[2], secrets[3]).keys()));
    for (int changed = 0; changed < 4; changed++) {
      byte[][] s = secrets.clone();
      s[changed] = filled(2 + changed);
      s[changed][31] ^= 1;
      CircuitHandshake.Derived other = CircuitHandshake.deriveKeys(th, s[0], s[1], s[2], s[3]);
      assertFalse(base.keys().sameMaterial(other.keys()), "keys ignore secret " + changed);
      assertFalse(java.util.Arrays.equals(base.auth(), other.auth()), "auth ignores secret " + changed);
    }
    byte[] otherTh = filled(1);
    otherTh[0] ^= 1;
    assertFalse(base.keys().sameMaterial(
        CircuitHandshake.deriveKeys(otherTh, secrets[0], secrets[1], secrets[2], secrets[3]).keys()));
  }

  private HopKeys run(CircuitHandshakeRelay relay) throws HandshakeException {
    CircuitHandshakeClient client = CircuitHandshakeClient.start(relayId.toBytes(), onionKey.publicKey(), random);
    CircuitHandshakeRelay.Response response = relay.respond(client.createMessage());
    HopKeys keys = client.finish(response.created());
    if (!keys.sameMaterial(response.keys())) {
      fail("keys differ");
    }
    return keys;
  }

  private static byte[] filled(int value) {
    byte[] out = new byte[32];
    java.util.Arrays.fill(out, (byte) value);
    return out;
  }
}
