package io.shroud.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class MutationGuardTest {

  @Test
  void loopbackNeedsNoToken() {
    assertEquals(Optional.empty(), new MutationGuard("127.0.0.1", "").refusal(Optional.empty()));
    assertEquals(Optional.empty(), new MutationGuard("127.3.0.1", "").refusal(Optional.empty()));
    assertEquals(Optional.empty(), new MutationGuard("::1", "").refusal(Optional.empty()));
  }

  @Test
  void beyondLoopbackWithoutAConfiguredTokenEverythingIsRefused() {
    Optional<String> r = new MutationGuard("0.0.0.0", "").refusal(Optional.of("Bearer anything"));
    assertTrue(r.orElseThrow().contains("shroud.management.token is not set"));
  }

  @Test
  void beyondLoopbackTheRightBearerTokenIsNeeded() {
    MutationGuard guard = new MutationGuard("10.1.2.3", "s3cret");
    assertEquals(Optional.empty(), guard.refusal(Optional.of("Bearer s3cret")));
    assertTrue(guard.refusal(Optional.of("Bearer s3cre")).isPresent());
    assertTrue(guard.refusal(Optional.of("s3cret")).isPresent());
    assertTrue(guard.refusal(Optional.empty()).isPresent());
    assertTrue(guard.refusal(Optional.of("Bearer s3cret")).isEmpty());
    assertTrue(!guard.refusal(Optional.of("Bearer wrong")).orElseThrow().contains("s3cret"), "never echo the token");
  }
}
