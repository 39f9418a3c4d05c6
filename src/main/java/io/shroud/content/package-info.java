/**
 * Content addressing: bencode, BEP 52 Merkle trees, v2 torrent metadata, content encryption,
 * manifests and share links (magnet URIs).
 *
 * <p>Owns: every format a share is made of, byte-identical to libtorrent's where BEP 52 defines
 * it. Layer 1: it may use {@code crypto}; it must not import {@code identity} or anything above,
 * nor Pekko. ArchitectureTest checks.
 */
package io.shroud.content;
