/**
 * Cryptography: identity keys (Ed25519), onion keys (X25519 + ML-KEM-768), the Noise handshake
 * for peer links, the hybrid circuit handshake, replay protection and key derivation.
 *
 * <p>Owns: every primitive the node uses, wrapped around Bouncy Castle and the JDK (never
 * primitives of its own). Layer 1, the bottom with {@code content} and {@code identity}: it
 * imports no other Shroud package (node ids reach it as bytes) and never Pekko; it does no
 * networking and no file I/O beyond what a caller hands it. ArchitectureTest checks.
 */
package io.shroud.crypto;
