package io.shroud.link;

/**
 * A relay's limits over all its client links together (docs/protocol.md §4.10.3): client links
 * open, bootstrap handshakes pending (both {@code LinksActor}'s), and directory answers being
 * sent (the directory service's: it keeps an instance of its own). Counted apart from relay
 * links, so clients never take a relay's slot. Plain and single-threaded.
 */
public final class ClientLinkBudget {
  /** The defaults of the protocol document. */
  public record Limits(int clientLinks, int pendingBootstraps, int answersInFlight) {
    public static final Limits DEFAULT = new Limits(512, 32, 8);

    public Limits {
      if (clientLinks < 0 || pendingBootstraps < 0 || answersInFlight < 0) {
        throw new IllegalArgumentException("client link limits must not be negative");
      }
    }
  }

  private final Limits limits;
  private int open;
  private int pending;
  private int answering;

  public ClientLinkBudget(Limits limits) {
    this.limits = limits;
  }

  /** A bootstrap handshake's message 1 arrived: false means close the connection now. */
  boolean tryStartBootstrap() {
    if (pending >= limits.pendingBootstraps()) {
      return false;
    }
    pending++;
    return true;
  }

  /** A bootstrap handshake ended, completed or not. */
  void bootstrapEnded() {
    pending = Math.max(0, pending - 1);
  }

  /** A handshake completed as a client link: false means close it right after message 3. */
  boolean tryOpen() {
    if (open >= limits.clientLinks()) {
      return false;
    }
    open++;
    return true;
  }

  /** An open client link closed. */
  void closed() {
    open = Math.max(0, open - 1);
  }

  /** A directory answer may start: false means answer BUSY. */
  public boolean tryStartAnswer() {
    if (answering >= limits.answersInFlight()) {
      return false;
    }
    answering++;
    return true;
  }

  /** A directory answer was sent or its link closed. */
  public void answerEnded() {
    answering = Math.max(0, answering - 1);
  }

  int open() {
    return open;
  }
}
