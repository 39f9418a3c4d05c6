package io.shroud.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TCP sockets a process listens on, from Linux's {@code /proc} (no {@code ss} or
 * {@code lsof} needed): the socket inodes among {@code /proc/<pid>/fd}'s links, matched against
 * the rows of {@code /proc/<pid>/net/tcp} and {@code tcp6} in state {@code 0A} (LISTEN). The
 * {@code net} tables list every socket of the process's network namespace, so the inode match
 * is what makes the answer this process's own.
 */
final class ListeningSockets {
  /** The kernel's TCP_LISTEN state, as {@code /proc/net/tcp} writes it. */
  static final String LISTEN = "0A";
  private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");

  private ListeningSockets() {}

  /** The local addresses {@code pid} listens on over TCP (IPv4 and IPv6). */
  static List<InetSocketAddress> of(long pid) {
    Path proc = Path.of("/proc", Long.toString(pid));
    Set<Long> inodes = socketInodes(proc.resolve("fd"));
    List<InetSocketAddress> listening = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      Path file = proc.resolve("net").resolve(table);
      try {
        listening.addAll(listening(Files.readAllLines(file), inodes));
      } catch (NoSuchFileException noIpv6) {
        // a kernel without IPv6 has no tcp6 table
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
    return listening;
  }

  /** The inodes of the sockets among the links of a {@code /proc/<pid>/fd} directory. */
  static Set<Long> socketInodes(Path fdDir) {
    Set<Long> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
      for (Path fd : fds) {
        try {
          Matcher m = SOCKET_LINK.matcher(Files.readSymbolicLink(fd).toString());
          if (m.matches()) {
            inodes.add(Long.parseLong(m.group(1)));
          }
        } catch (NoSuchFileException closedMeanwhile) {
          // the descriptor was closed between the listing and the read
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + fdDir, e);
    }
    return inodes;
  }

  /**
   * The local addresses of the rows of a {@code /proc/net/tcp} or {@code tcp6} table (header
   * first) that are in LISTEN state and whose inode is one of {@code inodes}.
   */
  static List<InetSocketAddress> listening(List<String> table, Set<Long> inodes) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String line : table.subList(Math.min(1, table.size()), table.size())) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
      String[] f = line.trim().split("\\s+");
      if (f.length < 10 || !f[3].equals(LISTEN) || !inodes.contains(Long.parseLong(f[9]))) {
        continue;
      }
      out.add(address(f[1]));
    }
    return out;
  }

  /**
   * {@code 0100007F:1F90} → 127.0.0.1:8080. The address is the kernel's bytes in host order, 32
   * bits at a time: on a little-endian machine each group of 4 bytes is reversed.
   */
  static InetSocketAddress address(String hexAddressAndPort) {
    String[] parts = hexAddressAndPort.split(":");
    String hex = parts[0];
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        int at = (word * 4 + 3 - i) * 2; // little-endian within each 32-bit word
        bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(bytes), Integer.parseInt(parts[1], 16));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address: " + hexAddressAndPort, e);
    }
  }
}
