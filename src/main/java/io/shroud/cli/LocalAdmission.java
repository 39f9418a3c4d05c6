package io.shroud.cli;

import io.shroud.admission.AdmissionException;
import io.shroud.admission.NetworkDefinition;
import io.shroud.admission.NetworkFiles;
import io.shroud.admission.Pem;
import io.shroud.admission.RelayCertificates;
import io.shroud.admission.TrustRootKey;
import io.shroud.content.DurableFiles;
import io.shroud.node.NodeKeyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The network of a local network ({@code shroud devnet}, {@code shroud demo}, the multi-JVM
 * tests): made once in {@code <dir>/network} with {@link #AUTHORITIES} authorities, exactly as
 * {@code shroud network init} makes one, and every node admitted to it (a relay certificate in its
 * data directory, as {@code shroud network admit --data-dir} writes) before it starts.
 */
public final class LocalAdmission {
  /** Where a local network keeps its network directory, under its base directory. */
  public static final String DIRECTORY = "network";
  /** Authorities of a local network; the issue's devnet has its first three nodes as them. */
  public static final int AUTHORITIES = 3;

  private static final SecureRandom RANDOM = new SecureRandom();

  private LocalAdmission() {}

  /**
   * The network directory under {@code baseDir}: {@code baseDir/network}, created (named
   * {@code name}) unless it already holds a network, which is then used as it is.
   */
  public static Path network(Path baseDir, String name) {
    Path dir = baseDir.resolve(DIRECTORY).toAbsolutePath();
    try {
      if (!Files.exists(dir.resolve(NetworkFiles.CONF))) {
        Files.createDirectories(dir.getParent());
        NetworkFiles.init(dir, name, AUTHORITIES, Clock.systemUTC(), RANDOM);
      }
      return dir;
    } catch (AdmissionException e) {
      throw new IllegalStateException("cannot create the local network in " + dir + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the local network in " + dir, e);
    }
  }

  /** The {@code shroud node} arguments of a node of the network in {@code networkDir}. */
  public static List<String> networkArgs(Path networkDir) {
    return List.of("--network", networkDir.resolve(NetworkFiles.CONF).toAbsolutePath().toString());
  }

  /**
   * The {@code shroud node} arguments of node {@code index} (1-based) of the network in
   * {@code networkDir}: {@link #networkArgs}, and for nodes 1..{@link #AUTHORITIES} (the seeds)
   * their authority key, {@code secret/authority-<index>.key}.
   */
  public static List<String> nodeArgs(Path networkDir, int index) {
    List<String> args = new java.util.ArrayList<>(networkArgs(networkDir));
    if (index >= 1 && index <= AUTHORITIES) {
      args.add("--authority-key");
      args.add(networkDir.resolve(NetworkFiles.SECRET).resolve("authority-" + index + ".key").toAbsolutePath()
          .toString());
    }
    return List.copyOf(args);
  }

  /**
   * JVM options giving a short-lived local network a consensus soon (docs/deployment.md,
   * "Authorities and the consensus"): no uptime needed for Guard or Stable, any number of relays
   * per /24, a consensus every 30 s valid for 5 minutes, each relay probed every 10 s.
   */
  public static final List<String> CONSENSUS_JVM_OPTIONS = List.of(
      "-Dshroud.consensus.stable-min-uptime=0s", "-Dshroud.consensus.guard-min-uptime=0s",
      "-Dshroud.consensus.max-per-slash24=64", "-Dshroud.consensus.fresh-for=30s",
      "-Dshroud.consensus.valid-for=5m", "-Dshroud.consensus.probe-interval=10s");

  /**
   * Admits the node whose data directory is {@code dataDir} (its identity key is made there if it
   * has none yet): a certificate for the default validity at {@code dataDir/relay.crt}.
   */
  public static Path admit(Path networkDir, Path dataDir) {
    try {
      NetworkDefinition def = NetworkFiles.loadDefinition(networkDir);
      TrustRootKey root = NetworkFiles.loadTrustRootKey(networkDir, def);
      byte[] key = new NodeKeyStore(dataDir, RANDOM).loadOrCreateIdentity().publicKey();
      Instant now = Instant.now();
      X509Certificate cert = RelayCertificates.issue(root, key, NetworkFiles.notBefore(now),
          now.plus(RelayCertificates.DEFAULT_VALIDITY), RANDOM);
      Path file = dataDir.resolve("relay.crt");
      DurableFiles.writeAtomically(file, Pem.certificate(cert).getBytes(StandardCharsets.US_ASCII));
      return file;
    } catch (AdmissionException e) {
      throw new IllegalStateException("cannot admit " + dataDir + " to " + networkDir + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the relay certificate of " + dataDir, e);
    }
  }
}
