package io.shroud.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test-only switch that makes a node serve corrupt blocks cannot be turned on by any
 * configuration (issue 25): not the bundled defaults, not a user's file, not a flag, under its
 * old setting name or under the harness property's name; only the JVM property the multi-JVM
 * harness sets does it.
 */
class TestOnlyFaultSwitchTest {
  private static final Properties NO_PROPERTIES = new Properties();

  @Test
  void itIsOffByDefault() {
    Config c = NodeConfig.load(Map.of(), Optional.empty());
    assertFalse(c.hasPath("shroud.swarm.test-only-corrupt-served-blocks"), "not in the production reference config");
    assertFalse(FeatureSettings.swarm(c, NO_PROPERTIES).corruptBlocksForTesting());
  }

  @Test
  void noConfigurationFileOrFlagCanTurnItOn(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("application.conf");
    Files.writeString(file, """
        shroud.swarm.test-only-corrupt-served-blocks = true
        shroud-test-harness.corrupt-served-blocks = true
        """);
    Config fromFile = NodeConfig.load(Map.of(), Optional.of(file));
    assertFalse(FeatureSettings.swarm(fromFile, NO_PROPERTIES).corruptBlocksForTesting());
    Config fromFlags = NodeConfig.load(Map.of("shroud.swarm.test-only-corrupt-served-blocks", true,
        FeatureSettings.CORRUPT_SERVED_BLOCKS_PROPERTY, true), Optional.empty());
    assertFalse(FeatureSettings.swarm(fromFlags, NO_PROPERTIES).corruptBlocksForTesting());
  }

  @Test
  void onlyTheHarnesssJvmPropertyTurnsItOn() {
    Config c = NodeConfig.load(Map.of(), Optional.empty());
    Properties jvm = new Properties();
    jvm.setProperty("shroud.swarm.test-only-corrupt-served-blocks", "true"); // the old setting, as -D
    assertFalse(FeatureSettings.swarm(c, jvm).corruptBlocksForTesting());
    jvm.setProperty(FeatureSettings.CORRUPT_SERVED_BLOCKS_PROPERTY, "true");
    assertTrue(FeatureSettings.swarm(c, jvm).corruptBlocksForTesting());
  }
}
