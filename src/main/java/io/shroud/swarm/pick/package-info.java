/**
 * Which block to ask which source for next: {@link io.shroud.swarm.pick.PiecePicker} (rarest
 * first, strict priority for started pieces, endgame, strikes and bans), keeping its state in
 * {@code PieceTable}, {@code SourceTable} and {@code RequestTable}; the rarest-first order
 * ({@code RarityIndex}); throughput per source ({@link io.shroud.swarm.pick.SourceStats}).
 *
 * <p>Pure: no Pekko, no clock but an injected one, no I/O; one download's actor owns each
 * picker. Layer 6: it may use {@code swarm.transfer} and below; it must not import
 * {@code swarm.serve}, {@code swarm.fetch} or anything above. The picker decides; the download
 * actors ask it. ArchitectureTest checks.
 */
package io.shroud.swarm.pick;
