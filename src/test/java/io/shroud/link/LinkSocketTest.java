package io.shroud.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.wire.CellFormat;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The link socket's writer thread on a real loopback connection. */
class LinkSocketTest {

  @Test
  void recordsQueuedWhileAWriteBlocksLeaveTogetherInOneGatheringWrite() throws Exception {
    List<String> failures = new CopyOnWriteArrayList<>();
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress("127.0.9.1", 0));
      SocketChannel dialed = SocketChannel.open(server.getLocalAddress());
      try (SocketChannel peer = server.accept()) {
        LinkSocket socket = LinkSocket.accepted(dialed, "test-link", failures::add);
        // far more than the loopback socket buffers hold while the peer reads nothing: the
        // writer takes it and then blocks in the write
        byte[] big = new byte[32 << 20];
        assertTrue(socket.offer(big));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (socket.queuedRecords() > 0) {
          assertTrue(System.nanoTime() < deadline, "the writer never took the first write");
          Thread.onSpinWait();
        }
        assertEquals(1, socket.batchesWritten());
        for (int i = 0; i < 10; i++) {
          assertTrue(socket.offer(new byte[CellFormat.RECORD_BYTES]));
        }
        assertEquals(10, socket.queuedRecords(), "the writer is blocked: the records wait");

        long expected = big.length + 10L * CellFormat.RECORD_BYTES;
        ByteBuffer sink = ByteBuffer.allocate(1 << 20);
        long received = 0;
        while (received < expected) {
          sink.clear();
          int n = peer.read(sink);
          assertTrue(n >= 0, "the link closed early");
          received += n;
        }
        assertEquals(expected, received);
        assertEquals(2, socket.batchesWritten(), "the ten records queued during the block left as one write");
        assertEquals(0, socket.queuedRecords());
        socket.close();
      }
    }
    assertEquals(List.of(), failures, "closing is not a failure");
  }
}
