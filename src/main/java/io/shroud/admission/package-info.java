/**
 * Network admission, pure: the network's trust root and the relay certificates it signs
 * ({@link io.shroud.admission.TrustRootKey}, {@link io.shroud.admission.RelayCertificates}),
 * the public network definition {@code network.conf} ({@link io.shroud.admission.NetworkDefinition}),
 * the network directory an operator keeps ({@link io.shroud.admission.NetworkFiles}), the
 * revocation list the authorities sign ({@link io.shroud.admission.RevocationList}), and the
 * consensus they sign ({@link io.shroud.admission.Consensus}) with the votes and rules it is built
 * from ({@link io.shroud.admission.ConsensusBuilder}). Formats are in docs/protocol.md, "Network
 * admission".
 *
 * <p>Layer 2 (beside {@code wire}): it may use {@code crypto}, {@code content} and
 * {@code identity}; it must not import anything above, nor Pekko. ArchitectureTest checks.
 */
package io.shroud.admission;
