package io.shroud.swarm.fetch;

import io.shroud.identity.NodeId;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;

/** One provider as a {@link DownloadRun} knows it: its session epoch, what it has, its state. */
final class DownloadSource {
  /** A source's connection, as the API shows it ({@link #shown}). */
  enum State {
    CONNECTING(true),
    CONNECTED(true),
    /** It answered HELLO with what it has: blocks may be asked for. */
    READY(true),
    /** Its session ended (lost, stalled, a protocol violation): it may be connected again. */
    GONE(false),
    /** It refused the share: not connected again in this run. */
    REFUSED(false),
    /** Struck out (bad blocks, a bad piece or piece layer). */
    BANNED(false),
    /** Closed by the download (pause, finish, cancel). */
    CLOSED(false);

    /** Whether the source has a session. */
    final boolean live;

    State(boolean live) {
      this.live = live;
    }
  }

  final NodeId id;
  long epoch;
  boolean hasAll;
  final BitSet have = new BitSet();
  State state = State.CONNECTING;
  /** Why it is GONE, REFUSED or BANNED. */
  String reason;
  String circuitId;
  List<String> path = List.of();
  int rejects;
  Instant lastHeard;

  DownloadSource(NodeId id) {
    this.id = id;
  }

  boolean live() {
    return state.live;
  }

  boolean ready() {
    return state == State.READY;
  }

  void enter(State next, String why) {
    state = next;
    reason = why;
  }

  /** The state as {@code GET /downloads} shows it: {@code READY}, {@code GONE: stalled}, {@code closed}. */
  String shown() {
    return switch (state) {
      case CLOSED -> "closed";
      case GONE, REFUSED, BANNED -> state.name() + ": " + reason;
      default -> state.name();
    };
  }
}
