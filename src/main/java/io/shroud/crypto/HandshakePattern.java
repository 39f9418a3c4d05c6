package io.shroud.crypto;

import java.util.List;

/**
 * The Noise handshake patterns this package implements (spec revision 34, section 7.4). Shroud's
 * links use {@link #XK}; {@link #XX} is here because it costs one line and the shared test
 * vectors exercise it.
 */
public enum HandshakePattern {
  /** {@code <- s ... -> e, es  <- e, ee  -> s, se}. */
  XK(true, List.of(
      List.of(Token.E, Token.ES),
      List.of(Token.E, Token.EE),
      List.of(Token.S, Token.SE))),
  /** {@code -> e  <- e, ee, s, es  -> s, se}. */
  XX(false, List.of(
      List.of(Token.E),
      List.of(Token.E, Token.EE, Token.S, Token.ES),
      List.of(Token.S, Token.SE)));

  /** A message token. */
  enum Token { E, S, EE, ES, SE, SS }

  private final boolean responderStaticPreMessage;
  private final List<List<Token>> messages;

  HandshakePattern(boolean responderStaticPreMessage, List<List<Token>> messages) {
    this.responderStaticPreMessage = responderStaticPreMessage;
    this.messages = messages;
  }

  /** True when the pattern's pre-message is {@code <- s} (the initiator knows rs). */
  boolean responderStaticPreMessage() {
    return responderStaticPreMessage;
  }

  List<List<Token>> messages() {
    return messages;
  }
}
