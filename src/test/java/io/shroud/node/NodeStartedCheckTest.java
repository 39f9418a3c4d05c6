package io.shroud.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.identity.NodeId;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class NodeStartedCheckTest {
  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void notReadyUntilTheGuardianHasPublishedItsActors() throws Exception {
    NodeStartedCheck check = new NodeStartedCheck(Adapter.toClassic(testKit.system()));
    assertFalse(check.get().toCompletableFuture().get());
    NodeRuntime.get(testKit.system()).set(new NodeRuntime.Handles(NodeId.ofIdentityKey(new byte[] {1}),
        ShroudSettings.from(NodeConfig.load(Map.of(), Optional.empty())), Instant.now(),
        null, null, null, null, null, null, null, null, null));
    assertTrue(check.get().toCompletableFuture().get());
  }
}
