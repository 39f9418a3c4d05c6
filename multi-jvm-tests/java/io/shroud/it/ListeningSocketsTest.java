package io.shroud.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The helper {@link ClientSteps} checks a client's listening sockets with. */
class ListeningSocketsTest {

  @Test
  void readsTheKernelsLittleEndianAddresses() throws Exception {
    assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080),
        ListeningSockets.address("0100007F:1F90"));
    assertEquals(new InetSocketAddress(InetAddress.getByName("127.6.0.1"), 8558),
        ListeningSockets.address("0100067F:216E"));
    assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 7400),
        ListeningSockets.address("00000000000000000000000001000000:1CE8"));
  }

  @Test
  void keepsListeningRowsOfTheProcesssOwnInodesOnly() {
    List<String> table = List.of(
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
        "   0: 0100067F:216E 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 111 1 0 100 0 0 10 0",
        "   1: 0100017F:1CE8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 222 1 0 100 0 0 10 0",
        "   2: 0100067F:9C40 0100017F:1CE8 01 00000000:00000000 00:00000000 00000000  1000        0 333 1 0 20 4 30 10 -1");
    // 222 listens but is another process's; 333 is ours but an outbound connection (01, ESTABLISHED)
    assertEquals(List.of(ListeningSockets.address("0100067F:216E")),
        ListeningSockets.listening(table, Set.of(111L, 333L)));
    assertEquals(List.of(), ListeningSockets.listening(table.subList(0, 1), Set.of(111L)));
  }

  @Test
  void seesThisProcesssOwnServerSocketAndNotItsConnections() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux /proc only");
    long pid = ProcessHandle.current().pid();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        Socket client = new Socket(InetAddress.getByName("127.0.0.1"), server.getLocalPort());
        Socket accepted = server.accept()) {
      InetSocketAddress bound = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), server.getLocalPort());
      List<InetSocketAddress> listening = ListeningSockets.of(pid);
      assertEquals(1, listening.stream().filter(bound::equals).count(), listening.toString());
      assertFalse(listening.contains(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), client.getLocalPort())));
      assertTrue(accepted.isConnected());
      server.close();
      assertFalse(ListeningSockets.of(pid).contains(bound), "closed: no longer listening");
    }
  }
}
