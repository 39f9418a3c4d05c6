package io.shroud.node.admission;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * Two SSL engines talking through memory, driven the way Pekko's TLS stage drives them: wrap and
 * unwrap in turn, delegated tasks run at once, the session verified once the handshake finishes
 * (a failed verification aborts that side's connection: the bytes it had just wrapped are lost,
 * nothing more goes either way), and after an engine fails, its pending alert still flushed to the
 * peer. The client sends a little application data once it is finished, which is
 * where TLS 1.3 clients learn that the server refused their certificate.
 */
final class InMemoryTls {
  static final String HELLO = "hello over artery";

  /** What happened at one end. */
  static final class End {
    final SSLEngine engine;
    final Function<SSLSession, Optional<Throwable>> verify;
    final ByteBuffer out = ByteBuffer.allocate(1 << 17);
    final ByteBuffer app = ByteBuffer.allocate(1 << 17);
    ByteBuffer toSend = ByteBuffer.allocate(0);
    boolean finished;
    boolean verified;
    boolean aborted;
    Throwable error;

    End(SSLEngine engine, Function<SSLSession, Optional<Throwable>> verify) {
      this.engine = engine;
      this.verify = verify;
    }

    String received() {
      return new String(app.array(), 0, app.position(), StandardCharsets.UTF_8);
    }

    boolean established() {
      return verified && error == null;
    }
  }

  /** The two ends after the exchange. */
  record Outcome(End client, End server) {}

  private InMemoryTls() {}

  static Outcome run(SSLEngine client, Function<SSLSession, Optional<Throwable>> verifyClient, SSLEngine server,
      Function<SSLSession, Optional<Throwable>> verifyServer) throws SSLException {
    End c = new End(client, verifyClient);
    End s = new End(server, verifyServer);
    client.beginHandshake();
    server.beginHandshake();
    int quiet = 0;
    for (int i = 0; i < 500 && quiet < 3; i++) {
      boolean progress = step(c, s);
      progress |= step(s, c);
      quiet = progress ? 0 : quiet + 1;
    }
    return new Outcome(c, s);
  }

  private static boolean step(End e, End peer) {
    boolean progress = false;
    if (e.aborted) {
      return false;
    }
    if (!e.engine.isOutboundDone()) {
      try {
        SSLEngineResult r = e.engine.wrap(e.toSend, e.out);
        after(e, r);
        progress |= r.bytesProduced() > 0;
      } catch (SSLException x) {
        fail(e, x);
        progress = true;
      }
    }
    peer.out.flip();
    try {
      if (e.error == null && peer.out.hasRemaining() && !e.engine.isInboundDone()) {
        SSLEngineResult r = e.engine.unwrap(peer.out, e.app);
        after(e, r);
        progress |= r.bytesConsumed() > 0;
      }
    } catch (SSLException x) {
      fail(e, x);
      peer.out.clear().flip(); // a failed engine reads nothing more
      progress = true;
    } finally {
      peer.out.compact();
    }
    return progress;
  }

  private static void after(End e, SSLEngineResult r) {
    Runnable task;
    while ((task = e.engine.getDelegatedTask()) != null) {
      task.run();
    }
    if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED && !e.finished) {
      e.finished = true;
      Optional<Throwable> refused = e.verify.apply(e.engine.getSession());
      if (refused.isPresent()) {
        // Pekko fails the stream before it flushes what the engine just wrapped: all of it is lost
        fail(e, refused.get());
        e.aborted = true;
        e.out.clear();
      } else {
        e.verified = true;
        if (e.engine.getUseClientMode()) {
          e.toSend = ByteBuffer.wrap(HELLO.getBytes(StandardCharsets.UTF_8));
        }
      }
    }
  }

  private static void fail(End e, Throwable x) {
    if (e.error == null) {
      e.error = x;
    }
  }
}
