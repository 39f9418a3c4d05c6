package io.shroud.cli;

import io.shroud.node.ControlCookie;
import io.shroud.node.NodeConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How a {@code shroud} command reaches a node's management endpoint: its URL and its token.
 * The token is {@code --token}, else {@code SHROUD_TOKEN}, else the node's cookie file
 * {@code <data-dir>/control.token} (data directory {@code --data-dir}, default the one
 * {@code shroud node} uses), so a command run by the node's owner needs no flag at all.
 */
final class ManagementOptions {
  static final String TOKEN_ENV = "SHROUD_TOKEN";

  @Option(names = "--url", description = "the node's management URL (default ${DEFAULT-VALUE})",
      defaultValue = "http://127.0.0.1:8558")
  String url;

  @Option(names = "--token", description = "the node's management token (default: $" + TOKEN_ENV
      + ", else the cookie file <data-dir>/" + ControlCookie.FILE + ")")
  String token;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "the node's data directory, where its token cookie is (default: as `shroud node`, ~/.shroud)")
  Path dataDir;

  /** The token to send, or null when there is none (the node will answer 401 and say so). */
  String token() {
    return resolve(token, System.getenv(TOKEN_ENV), dataDir != null ? dataDir : defaultDataDir()).orElse(null);
  }

  static Optional<String> resolve(String flag, String env, Path dataDir) {
    if (flag != null && !flag.isBlank()) {
      return Optional.of(flag.trim());
    }
    if (env != null && !env.isBlank()) {
      return Optional.of(env.trim());
    }
    return dataDir == null ? Optional.empty() : ControlCookie.read(dataDir);
  }

  static Path defaultDataDir() {
    try {
      return Path.of(NodeConfig.load(Map.of(), Optional.empty()).getString("shroud.data-dir")).toAbsolutePath();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
