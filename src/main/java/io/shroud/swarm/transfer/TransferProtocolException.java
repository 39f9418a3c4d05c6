package io.shroud.swarm.transfer;


/**
 * Untrusted swarm bytes (a {@code transfer} stream) broke the format or a limit of
 * {@code docs/protocol.md} §8.2–§8.3. The only exception {@link TransferCodec} and
 * {@link TransferFrameDecoder} throw for bad input, and the one
 * the downloader's piece-layer assembler throws for hashes that do not fit the share. The actor that sees it
 * closes the stream (and the circuit's use for this share) and may strike the source. The
 * message says what was wrong and never echoes the peer's bytes.
 */
public final class TransferProtocolException extends Exception {
  public TransferProtocolException(String message) {
    super(message);
  }
}
