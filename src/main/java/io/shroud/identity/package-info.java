/**
 * Node identity, shared by every layer above: {@link io.shroud.identity.NodeId} (SHA-256 of an
 * Ed25519 identity key), the signed node descriptor ({@link io.shroud.identity.NodeDescriptor},
 * {@link io.shroud.identity.SignedDescriptor}, its byte layout in
 * {@link io.shroud.identity.DescriptorCodec} and its checks in
 * {@link io.shroud.identity.DescriptorVerifier}), the verified directory view handed to links,
 * the DHT and circuits ({@link io.shroud.identity.DirectoryView}) and the one data-plane address
 * type ({@link io.shroud.identity.DataAddress}).
 *
 * <p>Layer 1: it may use {@code crypto} (and the serialization marker); it must not import
 * {@code content}, {@code wire} or anything above, nor Pekko. ArchitectureTest checks.
 */
package io.shroud.identity;
