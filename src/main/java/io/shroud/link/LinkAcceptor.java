package io.shroud.link;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Accepts connections on the data-plane port, on a thread of its own, and hands each to the
 * actor (which admits or refuses it: {@code AdmissionPolicy}). Ends when the listener is closed.
 */
record LinkAcceptor(ServerSocketChannel listener, ActorRef<Links.Command> actor,
    org.slf4j.Logger log) implements Runnable {
  /** Pause after a failed accept (e.g. out of file descriptors), so the error does not spin. */
  private static final Duration ACCEPT_RETRY = Duration.ofMillis(100);

  /** Connections the kernel queues for the acceptor thread. */
  private static final int ACCEPT_BACKLOG = 128;

  /**
   * Binds {@code address} and starts the acceptor thread, which tells {@code actor} of each
   * connection; returns the listener (closing it ends the thread).
   */
  static ServerSocketChannel listen(InetSocketAddress address, ActorRef<Links.Command> actor,
      org.slf4j.Logger log) throws IOException {
    ServerSocketChannel bound = ServerSocketChannel.open();
    try {
      bound.bind(address, ACCEPT_BACKLOG);
      String name = io.shroud.identity.DataAddress.format((InetSocketAddress) bound.getLocalAddress());
      Thread acceptor = new Thread(new LinkAcceptor(bound, actor, log), "shroud-link-accept-" + name);
      acceptor.setDaemon(true);
      acceptor.start();
      return bound;
    } catch (IOException e) {
      closeQuietly(bound);
      throw e;
    }
  }

  /**
   * Closes a refused connection with a reset (linger 0): the peer learns at once, and the node
   * keeps no TIME_WAIT state for it, however many a flood brings.
   */
  static void refuse(SocketChannel connection) {
    try {
      connection.setOption(StandardSocketOptions.SO_LINGER, 0);
    } catch (IOException | RuntimeException e) {
      // closed already, or the option is not there: a plain close will do
    }
    closeQuietly(connection);
  }

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
