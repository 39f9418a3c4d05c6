package io.shroud.cli;

import com.typesafe.config.Config;
import io.shroud.node.NodeConfig;
import io.shroud.node.NodeMain;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shroud node}: runs a node in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run a Shroud node: a relay (joins the cluster through its seed nodes, or forms one), "
        + "or with --client a client that only dials relays.")
final class NodeCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "HOCON file with settings (see conf/application.conf)")
  Path config;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "keys, journal and piece data (default ~/.shroud)")
  String dataDir;

  @Option(names = "--host", description = "address to bind and advertise; the management endpoint follows it "
      + "unless --management-host is given (default 127.0.0.1)")
  String host;

  @Option(names = "--cluster-port", paramLabel = "PORT", description = "Artery (control plane) port (default 25520)")
  Integer clusterPort;

  @Option(names = "--data-port", paramLabel = "PORT", description = "data-plane port (default 7400)")
  Integer dataPort;

  @Option(names = "--management-host", paramLabel = "HOST", description = "management HTTP address (default: the --host address)")
  String managementHost;

  @Option(names = "--management-port", paramLabel = "PORT", description = "management HTTP port (default 8558)")
  Integer managementPort;

  @Option(names = "--share-root", paramLabel = "DIR",
      description = "a directory whose files may be shared; repeatable (default: your home directory)")
  List<String> shareRoots;

  @Option(names = "--download-root", paramLabel = "DIR",
      description = "a directory downloads may write under; repeatable (default: your home directory)")
  List<String> downloadRoots;

  @Option(names = "--seed", paramLabel = "HOST:PORT",
      description = "a seed relay's cluster address; repeatable; every relay gets the same seeds in the same order")
  List<String> seeds;

  @Option(names = "--network", paramLabel = "FILE",
      description = "the network's network.conf (required: Artery accepts only this network's relays)")
  String network;

  @Option(names = "--certificate", paramLabel = "FILE",
      description = "this relay's certificate from `shroud network admit` (default <data-dir>/relay.crt)")
  String certificate;

  @Option(names = "--authority-key", paramLabel = "FILE",
      description = "this relay's authority key (secret/authority-N.key of `shroud network init`): it then measures"
          + " relays, votes and signs the consensus")
  String authorityKey;

  @Option(names = "--client", description = "run as a client: no cluster, no listening data port, no certificate;"
      + " dials --bootstrap relays, fetches the consensus and downloads through circuits (docs/deployment.md)")
  boolean client;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "a client's bootstrap relay: its data-plane address; repeatable")
  List<String> bootstrap;

  @Option(names = "--journal", paramLabel = "KIND", description = "h2 (default) or postgres")
  String journal;

  @Option(names = "--bandwidth", paramLabel = "SIZE", description = "relay bandwidth to advertise per second, e.g. 50MiB (default 10MiB)")
  String bandwidth;

  @Override
  public Integer call() {
    Config cfg = NodeConfig.load(overrides(), Optional.ofNullable(config));
    ActorSystem<?> system = NodeMain.start(cfg);
    system.getWhenTerminated().toCompletableFuture().join();
    return 0;
  }

  /** The settings the flags give, by path; a flag not given leaves its setting to the files. */
  Map<String, Object> overrides() {
    Map<String, Object> o = new HashMap<>();
    put(o, "shroud.data-dir", dataDir);
    put(o, "shroud.host", host);
    put(o, "shroud.cluster-port", clusterPort);
    put(o, "shroud.data-port", dataPort);
    put(o, "shroud.management.host", managementHost);
    put(o, "shroud.management.port", managementPort);
    put(o, "shroud.journal.kind", journal);
    put(o, "shroud.advertised-bandwidth", bandwidth);
    if (network != null) {
      o.put("shroud.network", absolute(network));
    }
    if (certificate != null) {
      o.put("shroud.relay-certificate", absolute(certificate));
    }
    if (authorityKey != null) {
      o.put("shroud.authority-key", absolute(authorityKey));
    }
    if (shareRoots != null) {
      o.put("shroud.management.share-roots", shareRoots.stream().map(NodeCommand::absolute).toList());
    }
    if (downloadRoots != null) {
      o.put("shroud.management.download-roots", downloadRoots.stream().map(NodeCommand::absolute).toList());
    }
    if (client) {
      o.put("shroud.role", "client");
    }
    if (bootstrap != null) {
      o.put("shroud.bootstrap", List.copyOf(bootstrap));
    }
    if (seeds != null) {
      o.put("shroud.seed-nodes", List.copyOf(seeds));
    }
    return o;
  }

  private static String absolute(String dir) {
    return Path.of(dir).toAbsolutePath().normalize().toString();
  }

  private static void put(Map<String, Object> o, String key, Object value) {
    if (value != null) {
      o.put(key, value);
    }
  }
}
