/**
 * The provider side: what this node shares and how it serves it. The share catalogue
 * ({@code SharesActor}, event-sourced, with its files in {@code ShareStore}); a hidden service per
 * share ({@code HiddenSharesActor}, {@code HiddenSeederActor}); and the {@code transfer} service
 * ({@code TransferServiceActor}), which only routes each stream to a pure {@code ServingSession}
 * — the protocol rules, request validation, rate limiting and read planning — and carries out
 * what the session asks through {@code ServingIo} (blocking reads of {@code ReadTask} on the
 * blocking dispatcher, writes, the rate-limit retry).
 *
 * <p>Layer 6: it may use {@code swarm.pick}, {@code swarm.transfer} and below; it must not import
 * {@code swarm.fetch} or anything above. Only the {@code *Actor} classes use Pekko, and no plain
 * class names an actor. ArchitectureTest checks.
 */
package io.shroud.swarm.serve;
