package io.shroud.node.admission;

import io.shroud.admission.AdmissionException;
import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Artery's mutual TLS, without Pekko: makes the SSL engines of both ends and checks every
 * session. Key material is the node's identity key and its relay certificate; the only trusted
 * issuer is the trust root of {@code network.conf}; TLS 1.3 only, client certificates required,
 * no host name checks (a relay is its node id, and {@link PeerCheck} checks that instead).
 *
 * <p>The relay certificate and {@code network.conf} are re-read when their modification time or
 * size changes, looked at no more than every {@link #RELOAD_CHECK}; a changed file that does not
 * give valid credentials is reported and the previous ones stay in use. Refusals and failures
 * are reported as one line each to {@code log}, rate-limited by {@link RefusalLog}.
 */
public final class ArteryTls {
  /** How often the certificate files are looked at, at most. */
  public static final Duration RELOAD_CHECK = Duration.ofSeconds(5);
  /** The same refusal line is written at most once per this interval. */
  public static final Duration REFUSAL_LOG_INTERVAL = Duration.ofMinutes(1);
  static final String PROTOCOL = "TLSv1.3";

  private final Path networkConf;
  private final Path certificateFile;
  private final Ed25519.KeyPair identity;
  private final Clock clock;
  private final Predicate<NodeId> revoked;
  private final SecureRandom random;
  private final Log log;
  private final RefusalLog refusals;

  /** What tells a changed file: modification time, size, and file key (a new inode after a rename). */
  private record Stamp(FileStamp cert, FileStamp conf) {}

  private record FileStamp(long modified, long size, Object key) {
    static FileStamp of(Path p) {
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        return new FileStamp(a.lastModifiedTime().toMillis(), a.size(), a.fileKey());
      } catch (IOException e) {
        return new FileStamp(-1, -1, null);
      }
    }
  }

  /** Where the lines go: WARN for refusals and problems, INFO for a certificate reloaded. */
  public interface Log {
    void warn(String line);

    void info(String line);

    /**
     * A peer this node dialed at {@code hostPort} proved {@code id}: its certificate passed, and
     * the handshake proved it holds that id's key ({@link AdmittedPeers}). Nothing by default.
     */
    default void proved(String hostPort, NodeId id) {}
  }

  private record Loaded(RelayCredentials credentials, AdmissionManagers.KeyManager keys,
      AdmissionManagers.TrustManager trust, PeerCheck check, Stamp stamp) {}

  private Loaded loaded;
  private Instant lastCheck;
  private Stamp failedStamp;
  private boolean warnedExpired;

  /**
   * Loads the credentials now.
   *
   * @throws AdmissionException if they are not valid (the node should not have started)
   */
  public ArteryTls(Path networkConf, Path certificateFile, Ed25519.KeyPair identity, Clock clock,
      Predicate<NodeId> revoked, SecureRandom random, Log log) throws AdmissionException {
    this.networkConf = networkConf;
    this.certificateFile = certificateFile;
    this.identity = identity;
    this.clock = clock;
    this.revoked = revoked;
    this.random = random;
    this.log = log;
    this.refusals = new RefusalLog(clock, REFUSAL_LOG_INTERVAL, log::warn);
    this.loaded = load(stamp());
    this.lastCheck = clock.instant();
  }

  /** The engine for a connection this node dials to {@code host:port}. */
  public SSLEngine createClientEngine(String host, int port) {
    return engine(current(), true, host, port);
  }

  /** The engine for a connection accepted on this node's Artery port {@code host:port}. */
  public SSLEngine createServerEngine(String host, int port) {
    return engine(current(), false, host, port);
  }

  /**
   * Pekko's check of a finished handshake: the peer's certificate again, now, and that it is not
   * revoked. For a server, the trust manager has checked the client during the handshake already;
   * this is the second look. For a client, the engine has made the decision the moment the
   * handshake finished ({@link ReportingSSLEngine}); a server it refused is already being sent
   * close_notify and nothing else, and is not failed again here (failing drops the connection
   * before the client's last flight leaves, and the server could not say why it was refused).
   *
   * @param weDialed whether this node is the client of the session
   * @param host the peer's host when this node dialed, else this node's own bind address
   * @return empty if the peer may talk to this node, else why not (also reported as one line)
   */
  public Optional<Throwable> verifySession(boolean weDialed, String host, int port, SSLSession session) {
    HandshakeFailure.Side side = weDialed ? HandshakeFailure.Side.OUTBOUND : HandshakeFailure.Side.INBOUND;
    String endpoint = host + ":" + port;
    X509Certificate[] chain;
    try {
      chain = x509(session.getPeerCertificates());
    } catch (SSLPeerUnverifiedException e) {
      chain = new X509Certificate[0];
    }
    if (weDialed && session.getValue(ReportingSSLEngine.REFUSED) != null) {
      // refused and reported when the handshake finished; the engine sends nothing but close_notify now
      return Optional.empty();
    }
    try {
      NodeId id = current().check.check(chain);
      if (weDialed) {
        log.proved(endpoint, id);
      }
      return Optional.empty();
    } catch (PeerCheck.Refused r) {
      refusals.report(HandshakeFailure.refusedLine(side, endpoint, r.getMessage(), r.claimed()));
      return Optional.of(new SSLException("Artery TLS peer refused: " + r.getMessage(), r));
    }
  }

  /** The credentials in use now. */
  public RelayCredentials credentials() {
    return current().credentials;
  }

  static X509Certificate[] x509(Certificate[] certs) {
    X509Certificate[] out = new X509Certificate[certs == null ? 0 : certs.length];
    for (int i = 0; i < out.length; i++) {
      if (!(certs[i] instanceof X509Certificate x)) {
        return new X509Certificate[0];
      }
      out[i] = x;
    }
    return out;
  }

  /**
   * A new engine, from a new SSLContext: each context has its own session caches, so no session
   * is ever resumed. A resumed TLS 1.3 session skips the certificates, and with them the trust
   * manager's refusal and its alert; without resumption every connection gets the full check and
   * a refused peer always learns why. Artery keeps its few connections open, so the cost (a full
   * handshake per connection) is small.
   */
  private SSLEngine engine(Loaded l, boolean client, String host, int port) {
    SSLContext context;
    try {
      context = SSLContext.getInstance(PROTOCOL);
      context.init(new javax.net.ssl.KeyManager[] {l.keys}, new javax.net.ssl.TrustManager[] {l.trust}, random);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS 1.3 is not available: " + e.getMessage(), e);
    }
    SSLEngine e = context.createSSLEngine(host, port);
    e.setUseClientMode(client);
    e.setEnabledProtocols(new String[] {PROTOCOL});
    if (!client) {
      e.setNeedClientAuth(true);
    }
    HandshakeFailure.Side side = client ? HandshakeFailure.Side.OUTBOUND : HandshakeFailure.Side.INBOUND;
    return new ReportingSSLEngine(e, side, host + ":" + port, refusals, l.check);
  }

  /** The loaded credentials, reloaded first if the files changed and the last look is old enough. */
  private synchronized Loaded current() {
    Instant now = clock.instant();
    if (now.isBefore(lastCheck.plus(RELOAD_CHECK))) {
      return loaded;
    }
    lastCheck = now;
    Stamp stamp = stamp();
    if (!stamp.equals(loaded.stamp) && !stamp.equals(failedStamp)) {
      try {
        loaded = load(stamp);
        failedStamp = null;
        warnedExpired = false;
        log.info("Artery TLS: loaded the relay certificate " + certificateFile + " again (valid until "
            + loaded.credentials.certificate().getNotAfter().toInstant() + ")");
      } catch (AdmissionException e) {
        failedStamp = stamp;
        log.warn("Artery TLS: the relay certificate or network.conf changed on disk but cannot be used, "
            + "keeping the previous one: " + RefusalLog.safe(e.getMessage()));
      }
    }
    if (!warnedExpired && now.isAfter(loaded.credentials.certificate().getNotAfter().toInstant())) {
      warnedExpired = true;
      log.warn("Artery TLS: this node's relay certificate " + certificateFile + " expired at "
          + loaded.credentials.certificate().getNotAfter().toInstant()
          + "; other relays refuse this node until a new one is issued (shroud network admit) and put there");
    }
    return loaded;
  }

  private Loaded load(Stamp stamp) throws AdmissionException {
    RelayCredentials creds = RelayCredentials.load(networkConf, certificateFile, identity, clock.instant());
    PeerCheck check = new PeerCheck(creds.trustRoot(), clock, revoked);
    return new Loaded(creds,
        new AdmissionManagers.KeyManager(creds.tlsKey(), new X509Certificate[] {creds.certificate(), creds.trustRoot()}),
        new AdmissionManagers.TrustManager(check, creds.trustRoot()), check, stamp);
  }

  private Stamp stamp() {
    return new Stamp(FileStamp.of(certificateFile), FileStamp.of(networkConf));
  }
}
