/**
 * Sharing and swarming: the share catalogue ({@code SharesActor}), downloads, and their pure
 * core — the transfer protocol spoken to a provider ({@link io.shroud.swarm.TransferMessage},
 * {@link io.shroud.swarm.TransferCodec}, {@link io.shroud.swarm.TransferFrameDecoder}), checks of
 * what providers send ({@link io.shroud.swarm.PieceLayerAssembler},
 * {@link io.shroud.swarm.PieceVerifier}, calling {@code io.shroud.content.Merkle}), piece picking
 * ({@link io.shroud.swarm.PiecePicker}, {@link io.shroud.swarm.SourceStats}), the serving rate
 * limit ({@link io.shroud.swarm.TokenBucket}) and provider announcements
 * ({@link io.shroud.swarm.ProviderKey}, {@link io.shroud.swarm.ProviderRecord}).
 *
 * <p>Actors: {@link io.shroud.swarm.TransferServiceActor} (the {@code transfer} circuit service,
 * provider side), {@link io.shroud.swarm.ProviderAnnouncerActor} (provider records in the DHT),
 * {@link io.shroud.swarm.DownloadsActor} / {@link io.shroud.swarm.DownloadActor} (event-sourced
 * downloads that survive crashes) with one {@link io.shroud.swarm.ProviderSessionActor} per
 * provider circuit; their pure helpers are {@code DownloadRun}, {@code DownloadState},
 * {@link io.shroud.swarm.DownloadStore}, {@link io.shroud.swarm.DownloadFinisher},
 * {@link io.shroud.swarm.PieceProofs} and {@link io.shroud.swarm.OutboundChunks}. Only the
 * {@code *Actor} classes may use Pekko. Spec: {@code docs/protocol.md (section 8)}.
 */
package io.shroud.swarm;
