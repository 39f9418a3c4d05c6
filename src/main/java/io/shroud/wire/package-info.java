/**
 * Wire formats of the data plane: cell layouts, their strict codecs and the named limits every
 * decoder enforces. Untrusted bytes go through here, never through Kryo.
 *
 * <p>Peer links: {@link io.shroud.wire.LinkHandshake} (framed Noise XK handshake),
 * {@link io.shroud.wire.LinkFrameDecoder} (TCP chunks to handshake frames, then 4096-byte
 * records), {@link io.shroud.wire.LinkCipher} (records to {@link io.shroud.wire.Cell}s and back,
 * with rekeying) and {@link io.shroud.wire.CellCodec}; all sizes derive from
 * {@link io.shroud.wire.CellFormat}, all command numbers are in {@link io.shroud.wire.CellCommand}.
 * Every peer-caused failure is a {@link io.shroud.wire.ProtocolViolationException}.
 *
 * <p>Layer 2: it may use {@code crypto}, {@code content} and {@code identity}; it must not import
 * {@code link} or anything above, nor Pekko. ArchitectureTest checks.
 */
package io.shroud.wire;
