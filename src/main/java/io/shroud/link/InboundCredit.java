package io.shroud.link;

/**
 * Back-pressure for one link's inbound side: the cells its reader has handed to handlers (the
 * circuit and DHT actors, and the link's own actor for pings) that they have not yet taken. The
 * reader {@linkplain #acquire takes credit} for a read's cells before handing them over and
 * blocks, reading nothing more from the socket, while the link is at its bound; a handler gives
 * the credit back when it takes the cells ({@link Links.InboundCells#cells()},
 * {@link Links.Inbound#cell()}). A peer that sends faster than the node handles its cells thus
 * meets TCP flow control instead of filling actor mailboxes.
 *
 * <p>Thread-safe: acquired by the reader thread, released by handler threads, closed by the
 * link's actor as it stops (which ends a wait).
 */
final class InboundCredit {
  private final int limit;
  private int outstanding;
  private int peak;
  private long pauses;
  private boolean closed;
  private volatile boolean waiting;

  InboundCredit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    this.limit = limit;
  }

  /**
   * Takes {@code n} credits, waiting while they would take the link beyond its bound (a batch
   * larger than the bound goes alone, once nothing is outstanding); false once closed.
   */
  synchronized boolean acquire(int n) throws InterruptedException {
    if (n <= 0) {
      return !closed;
    }
    if (!closed && outstanding > 0 && outstanding + n > limit) {
      pauses++;
      waiting = true;
      try {
        while (!closed && outstanding > 0 && outstanding + n > limit) {
          wait();
        }
      } finally {
        waiting = false;
      }
    }
    if (closed) {
      return false;
    }
    outstanding += n;
    peak = Math.max(peak, outstanding);
    return true;
  }

  /** A handler took {@code n} cells. */
  synchronized void release(int n) {
    outstanding = Math.max(0, outstanding - n);
    notifyAll();
  }

  /** Ends any wait; later acquires fail. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }

  /** Whether the reader is waiting for credit now (it reads nothing meanwhile). */
  boolean waiting() {
    return waiting;
  }

  /** Cells handed over and not yet taken. */
  synchronized int outstanding() {
    return outstanding;
  }

  /** The most cells ever outstanding at once. */
  synchronized int peak() {
    return peak;
  }

  /** How many times the reader had to wait. */
  synchronized long pauses() {
    return pauses;
  }

  int limit() {
    return limit;
  }
}
