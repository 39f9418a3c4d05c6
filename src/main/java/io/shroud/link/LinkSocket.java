package io.shroud.link;

import io.shroud.wire.CellFormat;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One link's TCP connection in blocking mode, and the thread that writes to it. The link's
 * {@code PeerActor} offers sealed records ({@link #offer}); the writer thread takes whatever is
 * queued, up to {@link #WRITE_BYTES}, and writes it with one gathering write, so records offered
 * while a write blocks leave together. The queue itself is unbounded: its bound is the actor's
 * rule of never sealing more records while {@link #queuedRecords()} is at its limit (a record
 * sealed and then dropped would leave a gap in the Noise nonce sequence).
 *
 * <p>Reading is the {@link LinkReader}'s, on its own thread. {@link #close()} (from the actor
 * stopping) closes the channel, which ends a blocked read or write, and stops the writer.
 */
final class LinkSocket {
  /** Most bytes one gathering write takes from the queue. */
  static final int WRITE_BYTES = 256 * 1024;

  private static final int MAX_GATHER = 128;

  private final SocketChannel channel;
  private final LinkedBlockingQueue<ByteBuffer> queue = new LinkedBlockingQueue<>();
  private final AtomicLong queuedRecords = new AtomicLong();
  /** Gathering writes started (one per batch taken from the queue, however many calls it needs). */
  private final AtomicLong batchesWritten = new AtomicLong();
  private final Thread writer;
  private final Consumer<String> onWriteFailure;
  private volatile boolean closed;

  private LinkSocket(SocketChannel channel, String name, Consumer<String> onWriteFailure) {
    this.channel = channel;
    this.onWriteFailure = onWriteFailure;
    this.writer = new Thread(this::writeLoop, name + "-write");
    writer.setDaemon(true);
  }

  /** An accepted connection; its writer starts at once. */
  static LinkSocket accepted(SocketChannel channel, String name, Consumer<String> onWriteFailure)
      throws IOException {
    LinkSocket socket = new LinkSocket(channel, name, onWriteFailure);
    try {
      socket.configure();
    } catch (IOException e) {
      socket.close(); // e.g. reset before we got to it: do not leak the descriptor
      throw e;
    }
    socket.writer.start();
    return socket;
  }

  /** A connection still to be dialed with {@link #connect}; offers queue until then. */
  static LinkSocket unconnected(String name, Consumer<String> onWriteFailure) throws IOException {
    return new LinkSocket(SocketChannel.open(), name, onWriteFailure);
  }

  /**
   * Dials {@code address} (blocking, at most {@code timeout}) and starts the writer. With a
   * {@code from} address of the same family, the connection leaves from it (any free port), so
   * the peer sees the node's own data-plane address rather than whatever the routing table
   * picks (on a devnet, 127.0.0.1 for every node).
   */
  void connect(InetSocketAddress address, Duration timeout, InetAddress from) throws IOException {
    if (from != null && address.getAddress() != null
        && from.getClass() == address.getAddress().getClass()) {
      channel.bind(new InetSocketAddress(from, 0));
    }
    channel.socket().connect(address, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    configure();
    writer.start();
  }

  private void configure() throws IOException {
    channel.configureBlocking(true);
    // records are written whole and in batches: Nagle's algorithm would only add latency
    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
  }

  InetSocketAddress remoteAddress() {
    return (InetSocketAddress) channel.socket().getRemoteSocketAddress();
  }

  /** Blocks until some bytes arrive; -1 at the end of the stream. */
  int read(ByteBuffer into) throws IOException {
    return channel.read(into);
  }

  /**
   * Queues {@code bytes} for writing (handshake frames, or whole records counted in
   * {@link #queuedRecords()}); false once the socket is closed.
   */
  boolean offer(byte[] bytes) {
    if (closed) {
      return false;
    }
    queuedRecords.addAndGet(bytes.length / CellFormat.RECORD_BYTES);
    queue.add(ByteBuffer.wrap(bytes));
    return true;
  }

  /** Records offered and not yet taken by the writer. */
  long queuedRecords() {
    return queuedRecords.get();
  }

  /** Batches the writer has taken from the queue, each sent with one gathering write. */
  long batchesWritten() {
    return batchesWritten.get();
  }

  boolean isClosed() {
    return closed;
  }

  /** Closes the connection (what is still queued is not sent) and stops the writer. */
  void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway: nothing is left to do with this connection
    }
    writer.interrupt();
  }

  private void writeLoop() {
    ByteBuffer[] batch = new ByteBuffer[MAX_GATHER];
    try {
      while (!closed) {
        batch[0] = queue.take();
        int n = 1;
        long bytes = batch[0].remaining();
        ByteBuffer next;
        while (n < MAX_GATHER && bytes < WRITE_BYTES && (next = queue.poll()) != null) {
          batch[n++] = next;
          bytes += next.remaining();
        }
        long records = 0;
        for (int i = 0; i < n; i++) {
          records += batch[i].remaining() / CellFormat.RECORD_BYTES;
        }
        batchesWritten.incrementAndGet();
        queuedRecords.addAndGet(-records);
        while (bytes > 0) {
          bytes -= channel.write(batch, 0, n);
        }
        Arrays.fill(batch, 0, n, null);
      }
    } catch (InterruptedException | ClosedChannelException e) {
      // closed by the actor: it already knows
    } catch (IOException e) {
      if (!closed) {
        onWriteFailure.accept("connection failed: " + e.getClass().getSimpleName());
      }
    }
  }
}
