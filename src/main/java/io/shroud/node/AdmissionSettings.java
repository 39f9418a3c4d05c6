package io.shroud.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.shroud.admission.AdmissionException;
import io.shroud.admission.NetworkDefinition;
import io.shroud.crypto.Ed25519;
import io.shroud.node.admission.RelayCredentials;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a relay finds its network and its admission: {@code shroud.network} (the network's
 * {@code network.conf}) and {@code shroud.relay-certificate} (default
 * {@code <data-dir>/relay.crt}). {@link #from} checks the form of both; {@link #admit} checks,
 * once the identity key is known, that the node may start at all.
 */
public record AdmissionSettings(Optional<Path> network, Path relayCertificate) {
  public static final String NETWORK = "shroud.network";
  public static final String RELAY_CERTIFICATE = "shroud.relay-certificate";
  /** Artery's transport when its connections are mutual TLS. */
  public static final String TLS_TRANSPORT = "tls-tcp";

  /** The two settings of {@code config}, as absolute paths. */
  public static AdmissionSettings from(Config config) {
    String network = string(config, NETWORK);
    String cert = string(config, RELAY_CERTIFICATE);
    if (cert.isBlank()) {
      throw new SettingsException(RELAY_CERTIFICATE, "must not be empty (default: <data-dir>/relay.crt)");
    }
    return new AdmissionSettings(
        network.isBlank() ? Optional.empty() : Optional.of(path(NETWORK, network)),
        path(RELAY_CERTIFICATE, cert));
  }

  /** Whether Artery runs over TLS in {@code config} (the default; a node may only be a stranger without). */
  public static boolean arteryTls(Config config) {
    return TLS_TRANSPORT.equals(config.getString("pekko.remote.artery.transport"));
  }

  /**
   * The node's credentials, or a {@link SettingsException} saying in one line what is missing and
   * what to run: no network, an unreadable {@code network.conf}, or a relay certificate that is
   * missing, not this network's, expired, or for another identity.
   */
  public RelayCredentials admit(Ed25519.KeyPair identity, Path dataDir, Instant now) {
    if (network.isEmpty()) {
      throw new SettingsException(NETWORK, "not set: a relay belongs to a network. Start it with --network"
          + " <dir>/network.conf of an existing network, or create one with `shroud network init --dir <dir>`");
    }
    Path conf = network.get();
    try {
      NetworkDefinition.load(conf);
    } catch (AdmissionException e) {
      throw new SettingsException(NETWORK, e.getMessage());
    }
    try {
      return RelayCredentials.load(conf, relayCertificate, identity, now);
    } catch (AdmissionException e) {
      Path dir = conf.toAbsolutePath().getParent();
      throw new SettingsException(RELAY_CERTIFICATE, e.getMessage() + ". The network's operator admits this node"
          + " with `shroud network admit --dir " + dir + " --data-dir " + dataDir + "`"
          + (relayCertificate.equals(dataDir.toAbsolutePath().normalize().resolve("relay.crt")) ? "" : " (and puts the relay.crt it writes at "
          + relayCertificate + ")"));
    }
  }

  private static String string(Config config, String path) {
    try {
      return config.getString(path);
    } catch (ConfigException.Missing e) {
      throw new SettingsException(path, "is missing");
    } catch (ConfigException e) {
      throw new SettingsException(path, "must be a file path (a string)");
    }
  }

  private static Path path(String setting, String value) {
    try {
      return Path.of(value).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new SettingsException(setting, "\"" + value + "\" is not a path");
    }
  }
}
