package io.shroud.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The ceiling for the swarm benchmark: the same file copied over one plain TCP connection on
 * loopback between two JVM processes at the node addresses, with no encryption, no framing and
 * no actors. The server sends the file with {@code transferTo}; the client reads into a 1 MiB
 * buffer, writes the output file and forces it once at the end (a download forces every batch
 * of pieces, so this is generous to the ceiling).
 *
 * <pre>
 * java DirectCopyBench serve HOST PORT FILE        # serves FILE to one client, then exits
 * java DirectCopyBench fetch HOST PORT OUT         # prints bytes, seconds and MB/s
 * </pre>
 */
public final class DirectCopyBench {
  private DirectCopyBench() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: DirectCopyBench serve|fetch HOST PORT FILE");
      System.exit(2);
    }
    InetSocketAddress address = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
    Path file = Path.of(args[3]);
    if (args[0].equals("serve")) {
      serve(address, file);
    } else {
      fetch(address, file);
    }
  }

  private static void serve(InetSocketAddress address, Path file) throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open().bind(address);
         SocketChannel client = server.accept();
         FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      long sent = 0;
      while (sent < size) {
        sent += in.transferTo(sent, size - sent, client);
      }
    }
  }

  private static void fetch(InetSocketAddress address, Path out) throws IOException {
    long start = System.nanoTime();
    long received = 0;
    try (SocketChannel socket = SocketChannel.open(address);
         FileChannel file = FileChannel.open(out, StandardOpenOption.CREATE,
             StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
      while (socket.read(buf) >= 0) {
        buf.flip();
        while (buf.hasRemaining()) {
          received += file.write(buf);
        }
        buf.clear();
      }
      file.force(true);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("direct TCP copy: %d bytes in %.2f s = %.1f MB/s%n", received, seconds,
        received / seconds / 1e6);
  }
}
