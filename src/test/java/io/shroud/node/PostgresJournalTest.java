package io.shroud.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.shroud.crypto.Ed25519;
import io.shroud.crypto.OnionKeys;
import io.shroud.identity.NodeId;
import io.shroud.testing.PostgresServer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL journal path against a real PostgreSQL server: the node's own configuration
 * with {@code shroud.journal.kind = postgres}, the schema created on first start, KeysActor's
 * events written to PostgreSQL and recovered from it, and the readiness check following the
 * database.
 */
class PostgresJournalTest {
  static PostgresServer postgres;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = PostgresServer.start();
    postgres.createDatabase("shroud_journal_test");
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  private Config nodeConfig(Path dataDir) {
    Config node = NodeConfig.load(Map.of(
        "shroud.data-dir", dataDir.toString(),
        "shroud.journal.kind", "postgres",
        "shroud.journal.postgres.url", postgres.jdbcUrl("shroud_journal_test"),
        "shroud.journal.postgres.user", PostgresServer.USER,
        "shroud.journal.postgres.password", ""), Optional.empty());
    // the journal settings of a real node, without its cluster and remoting
    return ConfigFactory.parseString("""
        pekko.actor.provider = local
        pekko.coordinated-shutdown.exit-jvm = off
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        """).withFallback(node);
  }

  @Test
  void keysArePersistedInPostgresAndRecoveredFromIt(@TempDir Path dataDir) throws Exception {
    NodeKeyStore store = new NodeKeyStore(dataDir, new SecureRandom());
    NodeId id = NodeId.ofIdentityKey(store.loadOrCreateIdentity().publicKey());
    io.shroud.crypto.OnionPublicKey firstKey;

    ActorTestKit first = ActorTestKit.create("pg1", nodeConfig(dataDir));
    try {
      SchemaUtils.createIfNotExists(first.system()).toCompletableFuture().get();
      ActorRef<KeysActor.Command> keys = first.spawn(
          KeysActor.create(id, store, Duration.ofDays(7), java.time.Clock.systemUTC()));
      TestProbe<OnionKeys> probe = first.createTestProbe();
      keys.tell(new KeysActor.GetOnionKeys(probe.getRef()));
      firstKey = probe.receiveMessage(Duration.ofSeconds(20)).current().publicKey();
      assertTrue(new JournalHealthCheck(Adapter.toClassic(first.system())).get().toCompletableFuture().get());
    } finally {
      first.shutdownTestKit();
    }

    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("shroud_journal_test"), PostgresServer.USER, "");
         Statement s = c.createStatement();
         ResultSet r = s.executeQuery(
             "SELECT count(*) FROM event_journal WHERE persistence_id = 'keys|" + id.toHex() + "'")) {
      assertTrue(r.next());
      assertEquals(1, r.getInt(1), "one OnionKeyCreated event in PostgreSQL");
    }

    ActorTestKit second = ActorTestKit.create("pg2", nodeConfig(dataDir));
    try {
      SchemaUtils.createIfNotExists(second.system()).toCompletableFuture().get();
      ActorRef<KeysActor.Command> keys = second.spawn(
          KeysActor.create(id, store, Duration.ofDays(7), java.time.Clock.systemUTC()));
      TestProbe<OnionKeys> probe = second.createTestProbe();
      keys.tell(new KeysActor.GetOnionKeys(probe.getRef()));
      OnionKeys recovered = probe.receiveMessage(Duration.ofSeconds(20));
      assertEquals(1, recovered.currentSerial());
      assertEquals(firstKey, recovered.current().publicKey());
    } finally {
      second.shutdownTestKit();
    }
  }

  @Test
  void theReadinessCheckFailsWhenTheDatabaseDoesNotAnswer(@TempDir Path dataDir) throws Exception {
    Config broken = ConfigFactory.parseString(
        "pekko-persistence-jdbc.shared-databases.shroud.db.url = \"jdbc:postgresql://127.0.0.1:1/none\"")
        .withFallback(nodeConfig(dataDir));
    ActorTestKit kit = ActorTestKit.create("pg3", broken);
    try {
      assertFalse(new JournalHealthCheck(Adapter.toClassic(kit.system())).get().toCompletableFuture().get());
    } finally {
      kit.shutdownTestKit();
    }
  }
}
