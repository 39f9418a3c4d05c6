package io.shroud.testutil;

import io.shroud.admission.NetworkDefinition;
import io.shroud.admission.RelayFixtures;
import io.shroud.link.ClientBootstrap;
import io.shroud.wire.Cell;
import io.shroud.wire.CellFormat;
import io.shroud.wire.LinkCipher;
import io.shroud.wire.RekeyPolicy;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * A client's end of a client link over a raw loopback socket (docs/protocol.md §4.10): the
 * bootstrap handshake with {@link ClientBootstrap} (verifying the relay's proof at
 * {@link RelayFixtures#NOW}), then sealed cells out and opened cells in, link control skipped.
 */
public final class ClientSocket implements AutoCloseable {
  private final Socket socket;
  private final ClientBootstrap bootstrap;
  private final LinkCipher cipher;

  /** Connects to {@code relay} and completes the bootstrap handshake against {@code network}. */
  public ClientSocket(InetSocketAddress relay, NetworkDefinition network) throws Exception {
    socket = new Socket(relay.getAddress(), relay.getPort());
    socket.setSoTimeout(10_000);
    bootstrap = new ClientBootstrap(network, id -> false, new MutableClock(RelayFixtures.NOW), RelayFixtures.SKEW,
        new SecureRandom());
    DataInputStream in = new DataInputStream(socket.getInputStream());
    OutputStream out = socket.getOutputStream();
    out.write(bootstrap.start());
    out.flush();
    byte[] m2 = new byte[in.readUnsignedShort()];
    in.readFully(m2);
    out.write(bootstrap.onMessage2(m2));
    out.flush();
    cipher = bootstrap.finish(RekeyPolicy.DEFAULT);
  }

  public ClientBootstrap bootstrap() {
    return bootstrap;
  }

  /** Sends {@code cells} in one write (so that they arrive in one read, as far as TCP allows). */
  public void send(Cell... cells) throws IOException {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (Cell cell : cells) {
      all.write(cipher.seal(cell));
    }
    socket.getOutputStream().write(all.toByteArray());
    socket.getOutputStream().flush();
  }

  /** The next cell that is not link control. */
  public Cell next() throws Exception {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    byte[] record = new byte[CellFormat.RECORD_BYTES];
    while (true) {
      in.readFully(record);
      Cell cell = cipher.open(record);
      if (!cell.command().isLinkControl()) {
        return cell;
      }
    }
  }

  /** Reads (and ignores) until the relay closes; false if it has not within {@code wait}. */
  public boolean closedWithin(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    byte[] buf = new byte[8192];
    try {
      while (System.nanoTime() < deadline) {
        if (socket.getInputStream().read(buf) < 0) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return e instanceof SocketException;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
