package io.shroud.dht;

/**
 * A DHT message from a peer broke the format or its limits ({@code docs/protocol.md} §5.2–§5.3, DHT
 * section). The only exception {@link DhtMessageCodec#decode} throws for bad input; the actor
 * that sees it drops the message and may count it against the peer. The message says what was
 * wrong and never echoes the peer's bytes.
 */
public final class DhtProtocolException extends Exception {
  public DhtProtocolException(String message) {
    super(message);
  }
}
