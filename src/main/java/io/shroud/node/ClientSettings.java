package io.shroud.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.shroud.identity.DataAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * What makes a node a client (docs/deployment.md, "Running a client at home"): {@code shroud.role
 * = client} and the data-plane addresses of its bootstrap relays ({@code shroud.bootstrap}). A
 * client runs no Artery and no cluster, listens on no data port, and belongs to a network only
 * through its {@code network.conf}.
 */
public record ClientSettings(List<InetSocketAddress> bootstrap) {
  public static final String ROLE = "shroud.role";
  public static final String BOOTSTRAP = "shroud.bootstrap";

  public ClientSettings {
    bootstrap = List.copyOf(bootstrap);
  }

  /** True when {@code shroud.role} is {@code client}; refuses a role that is neither. */
  public static boolean isClient(Config config) {
    String role = config.getString(ROLE).trim().toLowerCase(Locale.ROOT);
    return switch (role) {
      case "client" -> true;
      case "relay" -> false;
      default -> throw new SettingsException(ROLE, "must be relay or client, got \"" + role + "\"");
    };
  }

  /** A client's settings: at least one bootstrap relay, each an IP literal and a port. */
  public static ClientSettings from(Config config) {
    List<String> values;
    try {
      values = config.getStringList(BOOTSTRAP);
    } catch (ConfigException e) {
      throw new SettingsException(BOOTSTRAP, "must be a list of \"host:port\" strings");
    }
    if (values.isEmpty()) {
      throw new SettingsException(BOOTSTRAP, "a client needs at least one bootstrap relay "
          + "(--bootstrap HOST:PORT, a relay's data-plane address)");
    }
    return new ClientSettings(values.stream().map(v -> {
      ShroudSettings.HostPort hp = ShroudSettings.HostPort.parse(v.trim(), BOOTSTRAP);
      if (!DataAddress.isLiteralHost(hp.host())) {
        throw new SettingsException(BOOTSTRAP, "must be an IP address and port, got \"" + v + "\"");
      }
      return new InetSocketAddress(hp.host(), hp.port());
    }).toList());
  }
}
