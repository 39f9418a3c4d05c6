package io.shroud.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.shroud.crypto.Ed25519;
import io.shroud.crypto.OnionKeys;
import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.PersistenceTestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KeysActor against the persistence testkit's in-memory journal, which serializes every event
 * through the configured serializer (our Kryo one), so the journal format is exercised too.
 */
class KeysActorTest {
  static final Config CONFIG = PersistenceTestConfig.CONFIG;

  static final ActorTestKit testKit = ActorTestKit.create(CONFIG);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @TempDir
  Path dataDir;

  private static final Duration PERIOD = Duration.ofHours(1);

  private OnionKeys get(ActorRef<KeysActor.Command> keys) {
    TestProbe<OnionKeys> probe = testKit.createTestProbe();
    keys.tell(new KeysActor.GetOnionKeys(probe.getRef()));
    return probe.receiveMessage();
  }

  private ActorRef<KeysActor.Command> spawn(NodeId id, NodeKeyStore store, MutableClock clock) {
    return testKit.spawn(KeysActor.create(id, store, PERIOD, clock));
  }

  @Test
  void aRestartedActorComesBackWithTheSameCurrentAndPreviousKeys() {
    NodeKeyStore store = new NodeKeyStore(dataDir, new SecureRandom());
    NodeId id = NodeId.ofIdentityKey(Ed25519.generate(new SecureRandom()).publicKey());
    MutableClock clock = new MutableClock(Instant.parse("2026-11-24T00:00:00Z"));

    ActorRef<KeysActor.Command> first = spawn(id, store, clock);
    OnionKeys k1 = get(first);
    assertEquals(1, k1.currentSerial());
    assertTrue(k1.previous().isEmpty());

    TestProbe<OnionKeys> subscriber = testKit.createTestProbe();
    first.tell(new KeysActor.Subscribe(subscriber.getRef()));
    assertEquals(1, subscriber.receiveMessage().currentSerial());

    clock.advance(PERIOD.plusSeconds(1));
    first.tell(KeysActor.RotateIfDue.INSTANCE);
    OnionKeys k2 = subscriber.receiveMessage();
    assertEquals(2, k2.currentSerial());
    assertEquals(k1.current().publicKey(), k2.previous().orElseThrow().publicKey(),
        "the replaced key stays usable as previous");

    // not due yet: nothing happens
    clock.advance(PERIOD.dividedBy(2));
    first.tell(KeysActor.RotateIfDue.INSTANCE);
    subscriber.expectNoMessage(Duration.ofMillis(200));

    testKit.stop(first);
    ActorRef<KeysActor.Command> second = spawn(id, store, clock);
    OnionKeys recovered = get(second);
    assertEquals(2, recovered.currentSerial());
    assertEquals(k2.current().publicKey(), recovered.current().publicKey());
    assertEquals(k1.current().publicKey(), recovered.previous().orElseThrow().publicKey());
    assertArrayEquals(k2.current().x25519PrivateKey(), recovered.current().x25519PrivateKey());
    assertArrayEquals(k2.current().mlKemSeed(), recovered.current().mlKemSeed());
    testKit.stop(second);
  }

  @Test
  void theGuardSetIsPersistedAndSurvivesARestart() {
    NodeKeyStore store = new NodeKeyStore(dataDir, new SecureRandom());
    NodeId id = NodeId.ofIdentityKey(Ed25519.generate(new SecureRandom()).publicKey());
    MutableClock clock = new MutableClock(Instant.parse("2026-11-24T00:00:00Z"));
    ActorRef<KeysActor.Command> keys = spawn(id, store, clock);
    TestProbe<java.util.List<io.shroud.circuit.GuardSet.Entry>> guards = testKit.createTestProbe();
    keys.tell(new KeysActor.GetGuards(guards.getRef()));
    assertEquals(java.util.List.of(), guards.receiveMessage());
    var entry = new io.shroud.circuit.GuardSet.Entry(
        NodeId.ofIdentityKey(new byte[] {5}), Instant.parse("2026-11-24T00:00:00Z"), Instant.parse("2027-01-24T00:00:00Z"));
    keys.tell(new KeysActor.RecordGuards(java.util.List.of(entry)));
    keys.tell(new KeysActor.GetGuards(guards.getRef()));
    assertEquals(java.util.List.of(entry), guards.receiveMessage());
    testKit.stop(keys);
    ActorRef<KeysActor.Command> again = spawn(id, store, clock);
    again.tell(new KeysActor.GetGuards(guards.getRef()));
    assertEquals(java.util.List.of(entry), guards.receiveMessage());
    testKit.stop(again);
  }

  @Test
  void aKeyOlderThanTwoPeriodsIsDeletedFromDisk() throws Exception {
    NodeKeyStore store = new NodeKeyStore(dataDir, new SecureRandom());
    NodeId id = NodeId.ofIdentityKey(Ed25519.generate(new SecureRandom()).publicKey());
    MutableClock clock = new MutableClock(Instant.parse("2026-11-24T00:00:00Z"));
    ActorRef<KeysActor.Command> keys = spawn(id, store, clock);
    TestProbe<OnionKeys> subscriber = testKit.createTestProbe();
    keys.tell(new KeysActor.Subscribe(subscriber.getRef()));
    assertEquals(1, subscriber.receiveMessage().currentSerial());
    for (int serial = 2; serial <= 3; serial++) {
      clock.advance(PERIOD.plusSeconds(1));
      keys.tell(KeysActor.RotateIfDue.INSTANCE);
      assertEquals(serial, subscriber.receiveMessage().currentSerial());
    }
    assertFalse(Files.exists(store.directory().resolve("onion-1.key")), "key 1 is two periods old");
    assertTrue(Files.exists(store.directory().resolve("onion-2.key")));
    assertTrue(Files.exists(store.directory().resolve("onion-3.key")));
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(store.directory().resolve("onion-3.key"))));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.directory())));
    testKit.stop(keys);
  }

  @Test
  void theLinkKeyIsMadeOnceAndKeptOwnerOnly() throws Exception {
    NodeKeyStore store = new NodeKeyStore(dataDir, new SecureRandom());
    assertArrayEquals(store.loadOrCreateLinkKey().publicKey(),
        new NodeKeyStore(dataDir, new SecureRandom()).loadOrCreateLinkKey().publicKey());
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(store.directory().resolve("link.key"))));
  }

  @Test
  void theIdentityKeyIsMadeOnceAndKeptOwnerOnly() throws Exception {
    NodeKeyStore store = new NodeKeyStore(dataDir, new SecureRandom());
    Ed25519.KeyPair a = store.loadOrCreateIdentity();
    Ed25519.KeyPair b = new NodeKeyStore(dataDir, new SecureRandom()).loadOrCreateIdentity();
    assertArrayEquals(a.publicKey(), b.publicKey());
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(store.directory().resolve("identity.key"))));
    assertFalse(a.toString().contains(java.util.HexFormat.of().formatHex(a.privateKeyBytes())),
        "toString must not show the private key");
  }
}
