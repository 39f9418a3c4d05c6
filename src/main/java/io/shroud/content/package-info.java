/**
 * Content addressing: bencode, BEP 52 Merkle trees, v2 torrent metadata, content
 * encryption, manifests and share links (magnet URIs).
 *
 * <p>Pure Java; it must not import Pekko (an architecture test checks).
 */
package io.shroud.content;
