package io.shroud.link;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A wire observer for tests: a loopback TCP proxy that forwards one connection to
 * {@code target} and records every byte each way ("up" = dialer to target, "down" = back).
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final ByteArrayOutputStream up = new ByteArrayOutputStream();
  private final ByteArrayOutputStream down = new ByteArrayOutputStream();
  private final Object pauseLock = new Object();
  private boolean upPaused;
  private volatile Socket client;
  private volatile Socket upstream;

  TcpProxy(String host, InetSocketAddress target) throws IOException {
    this.server = new ServerSocket(0, 1, InetAddress.getByName(host));
    this.target = target;
    Thread acceptor = new Thread(this::acceptOne, "tcp-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String address() {
    return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  /** Bytes the dialer wrote so far. */
  byte[] upBytes() {
    synchronized (up) {
      return up.toByteArray();
    }
  }

  /** Bytes the target wrote so far. */
  byte[] downBytes() {
    synchronized (down) {
      return down.toByteArray();
    }
  }

  /** Stops reading from the dialer (its TCP send buffer fills up) until {@link #resumeUp()}. */
  void pauseUp() {
    synchronized (pauseLock) {
      upPaused = true;
    }
  }

  void resumeUp() {
    synchronized (pauseLock) {
      upPaused = false;
      pauseLock.notifyAll();
    }
  }

  private void awaitUpResumed() throws InterruptedException {
    synchronized (pauseLock) {
      while (upPaused) {
        pauseLock.wait();
      }
    }
  }

  private void acceptOne() {
    try {
      client = server.accept();
      upstream = new Socket(target.getAddress(), target.getPort());
      pump(client, upstream, up, true, "tcp-proxy-up");
      pump(upstream, client, down, false, "tcp-proxy-down");
    } catch (IOException e) {
      closeQuietly();
    }
  }

  private void pump(Socket from, Socket to, ByteArrayOutputStream record, boolean pausable,
      String name) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          if (pausable) {
            awaitUpResumed();
          }
          synchronized (record) {
            record.write(buf, 0, n);
          }
          out.write(buf, 0, n);
        }
      } catch (IOException e) {
        // one side closed: end both
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      closeQuietly();
    }, name);
    t.setDaemon(true);
    t.start();
  }

  private void closeQuietly() {
    for (AutoCloseable c : new AutoCloseable[] {client, upstream, server}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing anyway
      }
    }
  }

  @Override
  public void close() {
    closeQuietly();
  }
}
