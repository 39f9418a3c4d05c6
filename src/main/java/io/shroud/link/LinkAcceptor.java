package io.shroud.link;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Accepts connections on the data-plane port, on a thread of its own, and hands each to the
 * actor (which refuses those beyond {@code maxLinks}). Ends when the listener is closed.
 */
record LinkAcceptor(ServerSocketChannel listener, ActorRef<Links.Command> actor,
    org.slf4j.Logger log) implements Runnable {
  /** Pause after a failed accept (e.g. out of file descriptors), so the error does not spin. */
  private static final Duration ACCEPT_RETRY = Duration.ofMillis(100);

  @Override
  public void run() {
    while (listener.isOpen()) {
      try {
        SocketChannel connection = listener.accept();
        if (listener.isOpen()) {
          actor.tell(new LinksActor.Accepted(connection));
        } else {
          closeQuietly(connection); // the actor is stopping: nobody would close it
        }
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        // e.g. out of file descriptors: keep listening, without spinning on the error
        log.warn("accepting a peer link failed: {}", e.toString());
        LockSupport.parkNanos(ACCEPT_RETRY.toNanos());
      }
    }
  }

  static void closeQuietly(java.io.Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      // nothing more to do with it
    }
  }
}
