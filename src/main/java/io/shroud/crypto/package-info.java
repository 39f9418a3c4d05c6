/**
 * Cryptography: identity keys (Ed25519), onion keys (X25519), node ids, the Noise handshake
 * for peer links, circuit handshakes, cell crypto and key derivation.
 *
 * <p>Pure Java on Bouncy Castle and the JDK; it must not import Pekko (an architecture test
 * checks). It does no networking and no file I/O beyond what a caller hands it.
 */
package io.shroud.crypto;
