package io.shroud.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An attacker that keeps {@code count} TCP connections from one source address open to a target
 * without ever sending a byte, opening a new one whenever the target closes one: half-open
 * handshakes, held for as long as the flood runs. One selector thread; loopback only.
 */
final class HalfOpenFlood implements AutoCloseable {
  private final InetSocketAddress source;
  private final InetSocketAddress target;
  private final int count;
  private final Selector selector;
  private final Thread thread;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong closedByTarget = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private volatile boolean running = true;

  HalfOpenFlood(String sourceHost, InetSocketAddress target, int count) throws IOException {
    if (!sourceHost.startsWith("127.") || !target.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("the abuse harness attacks loopback only");
    }
    this.source = new InetSocketAddress(sourceHost, 0);
    this.target = target;
    this.count = count;
    this.selector = Selector.open();
    this.thread = new Thread(this::run, "half-open-flood");
    thread.setDaemon(true);
    thread.start();
  }

  /** Connections open right now. */
  int open() {
    return open.get();
  }

  long opened() {
    return opened.get();
  }

  /** Connections the target closed (cut) while the flood ran. */
  long closedByTarget() {
    return closedByTarget.get();
  }

  /** Connection attempts that failed. */
  long refused() {
    return refused.get();
  }

  private void run() {
    ByteBuffer sink = ByteBuffer.allocate(4096);
    try {
      while (running) {
        while (running && open.get() < count) {
          connectOne();
        }
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          SocketChannel ch = (SocketChannel) key.channel();
          try {
            if (key.isConnectable()) {
              if (ch.finishConnect()) {
                key.interestOps(SelectionKey.OP_READ);
              }
            } else if (key.isReadable()) {
              sink.clear();
              if (ch.read(sink) < 0) {
                closedByTarget.incrementAndGet();
                drop(key);
              }
            }
          } catch (IOException e) {
            closedByTarget.incrementAndGet();
            drop(key);
          }
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException e) {
      // the selector closed: the flood ends
    }
  }

  private void connectOne() {
    try {
      SocketChannel ch = SocketChannel.open();
      ch.configureBlocking(false);
      ch.bind(source);
      ch.connect(target);
      ch.register(selector, SelectionKey.OP_CONNECT);
      open.incrementAndGet();
      opened.incrementAndGet();
    } catch (IOException e) {
      refused.incrementAndGet();
      try {
        Thread.sleep(10);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }
  }

  private void drop(SelectionKey key) {
    key.cancel();
    try {
      key.channel().close();
    } catch (IOException e) {
      // closing a dead connection
    }
    open.decrementAndGet();
  }

  @Override
  public void close() throws IOException {
    running = false;
    selector.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (SelectionKey key : selector.keys()) {
      key.channel().close();
    }
    selector.close();
  }
}
