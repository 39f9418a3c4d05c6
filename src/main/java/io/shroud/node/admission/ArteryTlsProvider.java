package io.shroud.node.admission;

import io.shroud.admission.AdmissionException;
import io.shroud.crypto.Ed25519;
import io.shroud.node.NodeKeyStore;
import io.shroud.node.SettingsException;
import io.shroud.node.ShroudSettings;
import java.security.SecureRandom;
import java.time.Clock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.remote.artery.tcp.SSLEngineProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Pekko's hook for Artery's TLS ({@code pekko.remote.artery.ssl.ssl-engine-provider}): the
 * node's {@link ArteryTls}, with its identity key from the data directory, the files named by
 * {@link AdmissionSettings}, the wall clock, and the revocations of {@link Revocations}, read at
 * every check. Pekko makes it once, when the actor system starts.
 */
public final class ArteryTlsProvider implements SSLEngineProvider {
  private static final Logger LOG = LoggerFactory.getLogger(ArteryTls.class);
  private static final ArteryTls.Log SLF4J = new ArteryTls.Log() {
    @Override
    public void warn(String line) {
      LOG.warn(line);
    }

    @Override
    public void info(String line) {
      LOG.info(line);
    }
  };

  private final ArteryTls tls;

  /** Called by Pekko, reflectively, with the classic actor system. */
  public ArteryTlsProvider(ActorSystem system) {
    ShroudSettings settings = ShroudSettings.from(system.settings().config());
    AdmissionSettings admission = AdmissionSettings.from(system.settings().config());
    Ed25519.KeyPair identity = new NodeKeyStore(settings.dataDir(), new SecureRandom()).loadOrCreateIdentity();
    Revocations revocations = Revocations.get(Adapter.toTyped(system));
    if (admission.network().isEmpty()) {
      throw new SettingsException(AdmissionSettings.NETWORK, "not set, and Artery runs over TLS: a relay needs its network");
    }
    try {
      this.tls = new ArteryTls(admission.network().get(), admission.relayCertificate(), identity, Clock.systemUTC(),
          revocations::isRevoked, new SecureRandom(), SLF4J);
    } catch (AdmissionException e) {
      throw new SettingsException(AdmissionSettings.RELAY_CERTIFICATE, e.getMessage());
    }
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
