package io.shroud.testutil;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;

/**
 * Actor-test configuration for event-sourced actors: Pekko's in-memory persistence testkit,
 * with every event and snapshot serialized through Shroud's Kryo serializer (Java
 * serialization off), so tests exercise the journal format too.
 */
public final class PersistenceTestConfig {
  private PersistenceTestConfig() {}

  public static final Config CONFIG = PersistenceTestKitPlugin.getInstance().config()
      .withFallback(PersistenceTestKitSnapshotPlugin.config())
      .withFallback(ConfigFactory.parseString("""
          pekko.actor.serializers.shroud-kryo = "io.shroud.serialization.KryoSerializer"
          pekko.actor.serialization-bindings { "io.shroud.serialization.ShroudSerializable" = shroud-kryo }
          pekko.actor.allow-java-serialization = off
          pekko.persistence.testkit.events.serialize = on
          pekko.persistence.testkit.snapshots.serialize = on
          """))
      .withFallback(ConfigFactory.load());
}
