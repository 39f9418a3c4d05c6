package io.shroud.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The network of a local network ({@code shroud devnet}, {@code shroud demo}, the multi-JVM
 * tests): made once in {@code <dir>/network} with {@link #AUTHORITIES} authorities, exactly as
 * {@code shroud network init} makes one, and every node admitted to it (a relay certificate in its
 * data directory, as {@code shroud network admit --data-dir} writes) before it starts. Clients
 * need no admission: {@link #clientArgs}; they start once the relays' consensus lists every
 * relay ({@link #awaitConsensusListingAll}).
 */
public final class LocalAdmission {
  /** Where a local network keeps its network directory, under its base directory. */
  public static final String DIRECTORY = "network";
  /** Authorities of a local network; the issue's devnet has its first three nodes as them. */
  public static final int AUTHORITIES = 3;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON = new ObjectMapper();

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
   * The {@code shroud node} arguments a client of the network in {@code networkDir} needs besides
   * its {@link LocalNode#bootstrapArgs bootstrap relays}: the network's {@code network.conf} (trust
   * root and authorities, to verify the relays and the consensus), and no certificate.
   */
  public static List<String> clientArgs(Path networkDir) {
    return networkArgs(networkDir);
  }

  /**
   * True once {@code relay} holds a consensus signed by at least two authorities that lists every
   * one of {@code relayIds} (hex node ids, from each relay's {@code GET /shroud/v1/node}). A
   * network's first consensus may list only the relays probed by then (docs/design.md §8.2), and
   * a client builds paths from the consensus only: clients start once this holds. False while
   * the relay is unreachable or holds no consensus.
   */
  public static boolean consensusListsAll(LocalNode relay, Set<String> relayIds) {
    Optional<JsonNode> consensus = relay.get("/shroud/v1/consensus").filter(r -> r.statusCode() == 200)
        .flatMap(r -> parse(r.body()));
    return consensus.isPresent() && listsAll(consensus.get(), relayIds);
  }

  /** True if {@code consensus} (its JSON view) is signed by two or more and lists every one of {@code relayIds}. */
  static boolean listsAll(JsonNode consensus, Set<String> relayIds) {
    Set<String> listed = new HashSet<>();
    consensus.path("relays").forEach(r -> listed.add(r.path("nodeId").asText()));
    return consensus.path("signedBy").size() >= 2 && listed.containsAll(relayIds);
  }

  /**
   * Waits until every one of {@code relays} holds a consensus {@linkplain #consensusListsAll
   * listing} every relay of {@code relays}: at most a period or two of the authorities (30 s each
   * with {@link #CONSENSUS_JVM_OPTIONS}). False if {@code timeout} passes first or a relay exits.
   */
  public static boolean awaitConsensusListingAll(List<LocalNode> relays, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<String> ids = new HashSet<>();
    for (LocalNode relay : relays) {
      Optional<String> id;
      while ((id = nodeId(relay)).isEmpty()) {
        if (!relay.isRunning() || System.nanoTime() > deadline) {
          return false;
        }
        Thread.sleep(500);
      }
      ids.add(id.get());
    }
    for (LocalNode relay : relays) {
      while (!consensusListsAll(relay, ids)) {
        if (!relay.isRunning() || System.nanoTime() > deadline) {
          return false;
        }
        Thread.sleep(1000);
      }
    }
    return true;
  }

  /** The node id {@code node}'s {@code GET /shroud/v1/node} shows, if it answers. */
  public static Optional<String> nodeId(LocalNode node) {
    return node.get("/shroud/v1/node").filter(r -> r.statusCode() == 200).flatMap(r -> parse(r.body()))
        .map(n -> n.path("nodeId").asText()).filter(id -> !id.isEmpty());
  }

  private static Optional<JsonNode> parse(String body) {
    try {
      return Optional.of(JSON.readTree(body));
    } catch (IOException notJson) {
      return Optional.empty();
    }
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
