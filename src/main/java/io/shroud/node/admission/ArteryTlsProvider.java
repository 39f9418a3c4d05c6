package io.shroud.node.admission;

import io.shroud.admission.AdmissionException;
import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.remote.artery.tcp.SSLEngineProvider;
import org.apache.pekko.remote.artery.tcp.SSLEngineProviderSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Pekko's hook for Artery's TLS: the node's {@link ArteryTls}, with its identity key, its
 * network's {@code network.conf} and its relay certificate, the wall clock, and the revocations of
 * {@link Revocations}, read at every check; the peers its outbound sessions prove go into
 * {@link AdmittedPeers}. The node hands it to Pekko through
 * {@link #setup} when it creates its actor system (the identity key is the node's own, not
 * something a configuration file names); Pekko makes it once, when Artery starts.
 */
public final class ArteryTlsProvider implements SSLEngineProvider {
  private static final Logger LOG = LoggerFactory.getLogger(ArteryTls.class);
  private final ArteryTls tls;

  /** The provider Pekko uses for the actor system created with this setup. */
  public static SSLEngineProviderSetup setup(Ed25519.KeyPair identity, Path networkConf, Path relayCertificate) {
    return SSLEngineProviderSetup.create(system -> new ArteryTlsProvider(system, identity, networkConf,
        relayCertificate));
  }

  ArteryTlsProvider(ActorSystem system, Ed25519.KeyPair identity, Path networkConf, Path relayCertificate) {
    Revocations revocations = Revocations.get(Adapter.toTyped(system));
    AdmittedPeers admitted = AdmittedPeers.get(Adapter.toTyped(system));
    ArteryTls.Log log = new ArteryTls.Log() {
      @Override
      public void warn(String line) {
        LOG.warn(line);
      }

      @Override
      public void info(String line) {
        LOG.info(line);
      }

      @Override
      public void proved(String hostPort, NodeId id) {
        admitted.proved(hostPort, id);
      }
    };
    try {
      this.tls = new ArteryTls(networkConf, relayCertificate, identity, Clock.systemUTC(), revocations::isRevoked,
          new SecureRandom(), log);
    } catch (AdmissionException e) {
      throw new IllegalStateException("Artery TLS cannot start: " + e.getMessage());
    }
  }

  /**
   * What Pekko calls when a configuration names this class but the system was not created with
   * {@link #setup}: refused, because the node's identity key would be missing.
   */
  public ArteryTlsProvider(ActorSystem system) {
    throw new IllegalStateException("Artery TLS needs the node's identity key: start the node with `shroud node`"
        + " (io.shroud.node.NodeMain), which creates the actor system with ArteryTlsProvider.setup");
  }

  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    return tls.createServerEngine(hostname, port);
  }

  @Override
  public SSLEngine createClientSSLEngine(String hostname, int port) {
    return tls.createClientEngine(hostname, port);
  }

  @Override
  public Option<Throwable> verifyClientSession(String hostname, SSLSession session) {
    return Option.apply(tls.verifySession(true, hostname, session.getPeerPort(), session).orElse(null));
  }

  @Override
  public Option<Throwable> verifyServerSession(String hostname, SSLSession session) {
    return Option.apply(tls.verifySession(false, hostname, session.getPeerPort(), session).orElse(null));
  }
}
