/**
 * Sharing and swarming: the share catalogue ({@code SharesActor}), downloads, and their pure
 * core — the transfer protocol spoken to a provider ({@link io.shroud.swarm.TransferMessage},
 * {@link io.shroud.swarm.TransferCodec}, {@link io.shroud.swarm.TransferFrameDecoder}), checks of
 * what providers send ({@link io.shroud.swarm.PieceLayerAssembler},
 * {@link io.shroud.swarm.PieceVerifier}, calling {@code io.shroud.content.Merkle}), piece picking
 * ({@link io.shroud.swarm.PiecePicker}, {@link io.shroud.swarm.SourceStats}), the serving rate
 * limit ({@link io.shroud.swarm.TokenBucket}) and provider announcements
 * ({@link io.shroud.swarm.ProviderKey}, {@link io.shroud.swarm.ProviderRecord}). Only the
 * {@code *Actor} classes may use Pekko. Spec: {@code docs/drafts/swarm-protocol.md}.
 */
package io.shroud.swarm;
