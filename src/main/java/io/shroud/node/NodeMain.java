package io.shroud.node;

import com.typesafe.config.Config;
import io.shroud.admission.AdmissionException;
import io.shroud.admission.NetworkDefinition;
import io.shroud.crypto.Ed25519;
import io.shroud.admission.NetworkFiles;
import io.shroud.node.admission.ConsensusActor;
import io.shroud.node.admission.RevocationsActor;
import java.nio.file.Path;
import java.util.Optional;
import io.shroud.crypto.X25519;
import io.shroud.identity.NodeId;
import io.shroud.node.admission.ArteryTlsProvider;
import io.shroud.node.admission.RelayCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one node: prepares the data directory and identity key, starts the actor system
 * with {@link NodeGuardian} and the management endpoint, and blocks until the system
 * terminates (SIGTERM runs Pekko's coordinated shutdown: the node leaves the cluster first).
 */
public final class NodeMain {
  private static final Logger log = LoggerFactory.getLogger(NodeMain.class);

  private NodeMain() {}

  /** Starts a node with {@code config} (from {@link NodeConfig#load}); returns its system. */
  public static ActorSystem<?> start(Config config) {
    ShroudSettings settings = ShroudSettings.from(config);
    boolean client = ClientSettings.isClient(config);
    try {
      Files.createDirectories(settings.dataDir());
      Files.setPosixFilePermissions(settings.dataDir(), PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new SettingsException("shroud.data-dir", "cannot create " + settings.dataDir() + ": " + e.getMessage());
    }
    NodeKeyStore keyStore;
    Ed25519.KeyPair identity;
    X25519.KeyPair linkKey;
    try {
      keyStore = new NodeKeyStore(settings.dataDir(), new SecureRandom());
      identity = keyStore.loadOrCreateIdentity();
      linkKey = client ? null : keyStore.loadOrCreateLinkKey();
    } catch (UncheckedIOException | IllegalStateException e) {
      throw new SettingsException("shroud.data-dir", e.getMessage());
    }
    NodeId nodeId = NodeId.ofIdentityKey(identity.publicKey());
    log.info("{} id {} (data directory {})", client ? "client" : "node", nodeId, settings.dataDir());
    ActorSystem<?> system;
    if (client) {
      system = ActorSystem.create(ClientGuardian.create(clientSetup(config, settings, nodeId, keyStore)),
          NodeConfig.SYSTEM_NAME, ActorSystemSetup.create(BootstrapSetup.create(config)));
    } else {
      ActorSystemSetup setup = systemSetup(config, identity);
      system = ActorSystem.create(
          NodeGuardian.create(new NodeGuardian.Setup(settings, identity, linkKey, keyStore,
              FeatureSettings.links(config), FeatureSettings.circuits(config), FeatureSettings.dht(config),
              FeatureSettings.swarm(config), FeatureSettings.seeding(config), FeatureSettings.store(config),
              revocations(config, settings, identity), consensus(config, settings), Clock.systemUTC())),
          NodeConfig.SYSTEM_NAME, setup);
    }
    startManagement(system, settings);
    if (!client) {
      log.info(settings.forming().describe());
    }
    return system;
  }

  /**
   * A client's setup: its network ({@code shroud.network}, required: the consensus and every
   * relay's certificate are checked against it) and bootstrap relays. Refuses a relay's settings
   * that make no sense on a client (an authority key).
   */
  static ClientGuardian.Setup clientSetup(Config config, ShroudSettings settings, NodeId nodeId,
      NodeKeyStore keyStore) {
    ClientSettings client = ClientSettings.from(config);
    if (!config.getString(AUTHORITY_KEY).trim().isEmpty()) {
      throw new SettingsException(AUTHORITY_KEY, "a client is no authority: authorities are relays");
    }
    Path conf = AdmissionSettings.from(config).network().orElseThrow(() -> new SettingsException(
        AdmissionSettings.NETWORK, "a client needs its network's network.conf (--network FILE)"));
    NetworkDefinition network;
    try {
      network = NetworkDefinition.load(conf);
    } catch (AdmissionException e) {
      throw new SettingsException(AdmissionSettings.NETWORK, e.getMessage());
    }
    log.info("client of network \"{}\": no Artery, no cluster, no listening data port; bootstrap relays {}",
        network.name(), client.bootstrap());
    return new ClientGuardian.Setup(settings, client, network, nodeId, keyStore, FeatureSettings.links(config),
        FeatureSettings.circuits(config), FeatureSettings.swarm(config), FeatureSettings.seeding(config),
        Clock.systemUTC());
  }

  /** Installs the management token and starts the management endpoint; a bind failure stops the node. */
  private static void startManagement(ActorSystem<?> system, ShroudSettings settings) {
    String controlToken;
    try {
      controlToken = ControlCookie.install(settings.dataDir(), settings.managementToken(), new SecureRandom());
    } catch (IOException e) {
      system.terminate();
      throw new SettingsException("shroud.data-dir", "cannot write the management cookie "
          + settings.dataDir().resolve(ControlCookie.FILE) + ": " + e.getMessage());
    }
    NodeRuntime.get(system).setControlToken(controlToken);
    log.info("management token: {}", settings.managementToken().isEmpty()
        ? "cookie file " + settings.dataDir().resolve(ControlCookie.FILE) : "shroud.management.token");
    if (!settings.managementOnLoopback()) {
      log.warn("management endpoint on {}, not loopback: reachable from the network; /shroud/v1/ needs the token, "
          + "Host and Origin are checked, but it speaks plain HTTP (--management-host 127.0.0.1 keeps it local; "
          + "docs/deployment.md)", settings.managementAddress());
    }
    PekkoManagement.get(system).start().whenComplete((uri, failure) -> {
      if (failure != null) {
        log.error("management endpoint could not bind {}: {}", settings.managementAddress(), failure.getMessage());
        system.terminate();
      } else {
        log.info("management endpoint at {}", uri);
      }
    });
  }

  /**
   * Where the node's revocations actor reads and keeps the network's revocation list: beside
   * {@code network.conf} and in the data directory. Empty for a node without Artery TLS, which
   * belongs to no network ({@link #systemSetup} has refused a relay whose network does not load).
   */
  static Optional<RevocationsActor.Setup> revocations(Config config, ShroudSettings settings,
      Ed25519.KeyPair identity) {
    AdmissionSettings admission = AdmissionSettings.from(config);
    if (!AdmissionSettings.arteryTls(config) || admission.network().isEmpty()) {
      return Optional.empty();
    }
    Path conf = admission.network().get();
    try {
      return Optional.of(new RevocationsActor.Setup(NetworkDefinition.load(conf), conf.getParent(),
          settings.dataDir(), NodeId.ofIdentityKey(identity.publicKey())));
    } catch (AdmissionException e) {
      throw new SettingsException(AdmissionSettings.NETWORK, e.getMessage());
    }
  }

  /** The setting naming this relay's authority key. */
  public static final String AUTHORITY_KEY = "shroud.authority-key";

  /**
   * Where the node's consensus actor keeps the consensus, and the authority key it signs with if
   * {@code shroud.authority-key} names one. Refuses (one line) a key that does not load, that the
   * group or others may read, or that is not one of {@code network.conf}'s authorities. Empty for
   * a node that belongs to no network.
   */
  static Optional<ConsensusActor.Setup> consensus(Config config, ShroudSettings settings) {
    AdmissionSettings admission = AdmissionSettings.from(config);
    String keyPath = config.getString(AUTHORITY_KEY).trim();
    if (!AdmissionSettings.arteryTls(config) || admission.network().isEmpty()) {
      if (!keyPath.isEmpty()) {
        throw new SettingsException(AUTHORITY_KEY, "an authority belongs to a network: set shroud.network too");
      }
      return Optional.empty();
    }
    Path conf = admission.network().get();
    try {
      NetworkDefinition network = NetworkDefinition.load(conf);
      Optional<Ed25519.KeyPair> key = Optional.empty();
      if (!keyPath.isEmpty()) {
        Ed25519.KeyPair pair;
        try {
          pair = NetworkFiles.readAuthorityKey(Path.of(keyPath).toAbsolutePath().normalize());
        } catch (AdmissionException e) {
          throw new SettingsException(AUTHORITY_KEY, e.getMessage());
        }
        NetworkDefinition.Authority authority = network.authority(pair.publicKey()).orElseThrow(() ->
            new SettingsException(AUTHORITY_KEY, keyPath + " is not the key of an authority of network \""
                + network.name() + "\" (" + conf + ")"));
        log.info("directory authority {} of network \"{}\": measuring relays, voting and signing the consensus",
            authority.name(), network.name());
        key = Optional.of(pair);
      }
      return Optional.of(new ConsensusActor.Setup(network, settings.dataDir(), key, FeatureSettings.consensus(config),
          FeatureSettings.probeInterval(config)));
    } catch (AdmissionException e) {
      throw new SettingsException(AdmissionSettings.NETWORK, e.getMessage());
    }
  }

  /**
   * The setup of a node's actor system: {@code config}, and Artery's TLS provider with this node's
   * identity key. Refuses (one-line {@link SettingsException}) a relay whose Artery would not be
   * admitted: no network, or no valid certificate of it for this identity
   * ({@link AdmissionSettings#admit}). A node configured without Artery TLS gets no provider and a
   * warning: it is a stranger to every admitted network.
   */
  public static ActorSystemSetup systemSetup(Config config, Ed25519.KeyPair identity) {
    ShroudSettings settings = ShroudSettings.from(config);
    AdmissionSettings admission = AdmissionSettings.from(config);
    BootstrapSetup bootstrap = BootstrapSetup.create(config);
    if (!AdmissionSettings.arteryTls(config)) {
      log.warn("Artery runs WITHOUT TLS (pekko.remote.artery.transport = {}): no admitted relay accepts this node,"
          + " and anyone who reaches its cluster port can join it", config.getString("pekko.remote.artery.transport"));
      return ActorSystemSetup.create(bootstrap);
    }
    RelayCredentials creds = admission.admit(identity, settings.dataDir(), Instant.now());
    log.info("admitted to network \"{}\" as relay {}: certificate {} valid until {}", creds.network().name(),
        creds.nodeId().toHex(), admission.relayCertificate(), creds.certificate().getNotAfter().toInstant());
    return ActorSystemSetup.create(bootstrap,
        ArteryTlsProvider.setup(identity, admission.network().orElseThrow(), admission.relayCertificate()));
  }
}
