package io.shroud.circuit;

/**
 * Every relay command number (protocol §6.6.2) and whether it takes a stream id. Code 0 and any
 * code not listed are protocol violations.
 */
public enum RelayCommand {
  BEGIN(1, StreamRule.STREAM),
  DATA(2, StreamRule.STREAM),
  END(3, StreamRule.STREAM),
  CONNECTED(4, StreamRule.STREAM),
  SENDME(5, StreamRule.EITHER),
  EXTEND(6, StreamRule.CIRCUIT),
  EXTENDED(7, StreamRule.CIRCUIT),
  TRUNCATE(8, StreamRule.CIRCUIT),
  TRUNCATED(9, StreamRule.CIRCUIT),
  DROP(10, StreamRule.CIRCUIT),
  ECHO(11, StreamRule.CIRCUIT),
  /** Hidden seeding (protocol §11.4): the seeder registers an introduction point. */
  ESTABLISH_INTRO(12, StreamRule.CIRCUIT),
  INTRO_ESTABLISHED(13, StreamRule.CIRCUIT),
  /** A downloader asks an introduction point for the seeder's ML-KEM key; also its answer. */
  INTRO_KEY(14, StreamRule.CIRCUIT),
  INTRODUCE1(15, StreamRule.CIRCUIT),
  INTRODUCE2(16, StreamRule.CIRCUIT),
  INTRODUCE_ACK(17, StreamRule.CIRCUIT),
  ESTABLISH_RENDEZVOUS(18, StreamRule.CIRCUIT),
  RENDEZVOUS_ESTABLISHED(19, StreamRule.CIRCUIT),
  RENDEZVOUS1(20, StreamRule.CIRCUIT),
  RENDEZVOUS2(21, StreamRule.CIRCUIT);

  /** Which stream ids a command may carry. */
  public enum StreamRule {
    /** Stream id must be non-zero. */
    STREAM,
    /** Stream id must be zero. */
    CIRCUIT,
    /** Zero (circuit-level) or non-zero (stream-level). */
    EITHER
  }

  private static final RelayCommand[] BY_CODE = new RelayCommand[256];

  static {
    for (RelayCommand command : values()) {
      BY_CODE[command.code] = command;
    }
  }

  private final int code;
  private final StreamRule streamRule;

  RelayCommand(int code, StreamRule streamRule) {
    this.code = code;
    this.streamRule = streamRule;
  }

  public int code() {
    return code;
  }

  public StreamRule streamRule() {
    return streamRule;
  }

  /** True when {@code streamId} (0..65535) is allowed with this command. */
  public boolean allowsStreamId(int streamId) {
    return switch (streamRule) {
      case STREAM -> streamId != 0;
      case CIRCUIT -> streamId == 0;
      case EITHER -> true;
    };
  }

  /** The command with this code, or null. */
  public static RelayCommand fromCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
