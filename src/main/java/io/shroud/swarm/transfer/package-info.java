/**
 * The transfer protocol a downloader speaks to a provider over a circuit stream
 * (docs/protocol.md §8): its messages ({@link io.shroud.swarm.transfer.TransferMessage}), their
 * strict codec and stream decoder ({@link io.shroud.swarm.transfer.TransferCodec},
 * {@link io.shroud.swarm.transfer.TransferFrameDecoder}), outbound chunking against stream credit
 * ({@link io.shroud.swarm.transfer.OutboundChunks}) and the swarm-wide and seeding settings
 * ({@link io.shroud.swarm.transfer.SwarmSettings}, {@link io.shroud.swarm.transfer.SeedingSettings}).
 *
 * <p>Layer 6, the lowest swarm package: it may use {@code lookup}, {@code circuit}, {@code dht}
 * and below; it must not import {@code swarm.pick}, {@code swarm.serve}, {@code swarm.fetch} or
 * anything above. Pure: no Pekko. ArchitectureTest checks.
 */
package io.shroud.swarm.transfer;
