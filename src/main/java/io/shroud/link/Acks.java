package io.shroud.link;

import java.util.concurrent.CompletionStage;

/** Stream acknowledgements by ask, without a thread per acknowledgement. */
final class Acks {
  private Acks() {}

  /**
   * Completes with null when {@code ask} completes, as {@code Sink.foreachAsync} wants.
   *
   * <p>Why not {@code ask.thenApply(d -> null)}: the stage Pekko's ask returns wraps a Scala
   * future, and its non-async methods run their function on {@code CompletableFuture}'s default
   * executor. When the common fork-join pool has fewer than two threads (any machine with two
   * cores or fewer), that executor starts a new thread per call: one thread per TCP read on
   * every link (on the swarm benchmark: JFR recorded 423 thread starts on one relay in 6 s).
   * Here the function runs on the thread that completes the ask.
   */
  static CompletionStage<Void> completion(CompletionStage<?> ask) {
    return ask.thenApplyAsync(d -> (Void) null, Runnable::run);
  }
}
