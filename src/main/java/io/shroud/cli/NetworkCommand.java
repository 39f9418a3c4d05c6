package io.shroud.cli;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import io.shroud.admission.AdmissionException;
import io.shroud.admission.NetworkDefinition;
import io.shroud.admission.NetworkFiles;
import io.shroud.admission.Pem;
import io.shroud.admission.RelayCertificates;
import io.shroud.admission.TrustRootKey;
import io.shroud.content.DurableFiles;
import io.shroud.identity.NodeId;
import io.shroud.node.NodeKeyStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shroud network init|admit|revoke}: the operator's side of network admission
 * (docs/deployment.md, "A network: init, authorities, admitting, revoking").
 */
@Command(name = "network", mixinStandardHelpOptions = true, versionProvider = ShroudCommand.Version.class,
    description = "Create a network, admit relays to it, revoke them.",
    subcommands = {NetworkCommand.Init.class, NetworkCommand.Admit.class, RevokeCommand.class})
final class NetworkCommand implements Runnable {
  /** The clock and randomness of the network and identity commands. */
  static final Clock clock = Clock.systemUTC();
  static final SecureRandom random = new SecureRandom();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code shroud network init}. */
  @Command(name = "init", mixinStandardHelpOptions = true, versionProvider = ShroudCommand.Version.class,
      description = {"Create a network: its trust root, its authorities' keys and network.conf.",
          "Refuses a directory that already holds a network."})
  static final class Init implements Callable<Integer> {
    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "the network directory to create")
    Path dir;

    @Option(names = "--name", defaultValue = "shroud", description = "network name (default ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--authorities", defaultValue = "3", description = "number of authorities (default ${DEFAULT-VALUE})")
    int authorities;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      NetworkDefinition def;
      try {
        def = NetworkFiles.init(dir, name, authorities, clock, random);
      } catch (AdmissionException | IllegalArgumentException e) {
        throw new ShroudCommand.UserError(e.getMessage());
      } catch (IOException e) {
        throw new ShroudCommand.UserError("cannot create the network in " + dir + ": " + e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.printf("network      %s%n", def.name());
      out.printf("network id   %s%n", def.idHex());
      out.printf("authorities  %d (a revocation list needs %d of them)%n", def.authorities().size(),
          def.revocationThreshold());
      out.printf("public       %s  give it to every node (setting shroud.network)%n", dir.resolve(NetworkFiles.CONF));
      out.printf("secret       %s  trust root and authority keys: keep offline, back up;%n",
          dir.resolve(NetworkFiles.SECRET) + "/");
      out.printf("             in a real deployment hand each authority-N.key to its own authority operator%n");
      out.printf("next:%n");
      out.printf("  on each relay:  shroud identity --data-dir NODEDIR%n");
      out.printf("  here:           shroud network admit --dir %s --identity-key KEY   (then copy the .crt to"
          + " NODEDIR/relay.crt)%n", dir);
      out.printf("  to revoke:      shroud network revoke --dir %s NODEID   (then publish %s)%n", dir,
          dir.resolve(NetworkFiles.REVOCATIONS));
      out.flush();
      return 0;
    }
  }

  /** {@code shroud network admit}. */
  @Command(name = "admit", mixinStandardHelpOptions = true, versionProvider = ShroudCommand.Version.class,
      description = {"Issue a relay certificate, signed by the network's trust root, bound to the relay's identity key."})
  static final class Admit implements Callable<Integer> {
    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "the network directory")
    Path dir;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Relay relay;

    static final class Relay {
      @Option(names = "--data-dir", paramLabel = "NODEDIR",
          description = "the relay's data directory (its identity key is read, or created)")
      Path dataDir;

      @Option(names = "--identity-key", paramLabel = "HEX",
          description = "the relay's identity public key, 64 hex (from `shroud identity`)")
      String identityKey;
    }

    @Option(names = "--validity", defaultValue = "90d", description = "how long the certificate is valid (default ${DEFAULT-VALUE})")
    String validity;

    @Option(names = "--out", paramLabel = "FILE",
        description = "where to write the certificate (default NODEDIR/relay.crt, or DIR/relays/NODEID.crt)")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Duration lifetime = duration(validity);
      try {
        NetworkDefinition def = NetworkFiles.loadDefinition(dir);
        TrustRootKey root = NetworkFiles.loadTrustRootKey(dir, def);
        byte[] key = relay.dataDir != null
            ? new NodeKeyStore(relay.dataDir, random).loadOrCreateIdentity().publicKey()
            : identityKey(relay.identityKey);
        NodeId id = NodeId.ofIdentityKey(key);
        Instant now = clock.instant();
        Instant notAfter = now.plus(lifetime);
        if (notAfter.isAfter(def.trustRoot().getNotAfter().toInstant())) {
          throw new ShroudCommand.UserError("--validity " + validity + " reaches past the trust root's expiry "
              + def.trustRoot().getNotAfter().toInstant());
        }
        X509Certificate cert = RelayCertificates.issue(root, key, NetworkFiles.notBefore(now), notAfter, random);
        Path file = out != null ? out
            : relay.dataDir != null ? relay.dataDir.resolve("relay.crt")
            : dir.resolve("relays").resolve(id.toHex() + ".crt");
        java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
        DurableFiles.writeAtomically(file, Pem.certificate(cert).getBytes(StandardCharsets.US_ASCII));
        PrintWriter w = spec.commandLine().getOut();
        w.printf("node id      %s%n", id.toHex());
        w.printf("serial       %s%n", cert.getSerialNumber().toString(16));
        w.printf("valid until  %s%n", cert.getNotAfter().toInstant());
        w.printf("certificate  %s%n", file);
        w.flush();
        return 0;
      } catch (AdmissionException e) {
        throw new ShroudCommand.UserError(e.getMessage());
      } catch (IOException e) {
        throw new ShroudCommand.UserError("cannot write the certificate: " + e.getMessage());
      }
    }

    private Duration duration(String text) {
      Duration d;
      try {
        d = ConfigFactory.parseString("v = " + ConfigUtil.quoteString(text)).getDuration("v");
      } catch (ConfigException e) {
        throw new ShroudCommand.UserError("--validity " + text + " is not a duration (e.g. 90d, 12h)");
      }
      if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(3653)) > 0) {
        throw new ShroudCommand.UserError("--validity must be more than 0 and at most 10 years, got " + text);
      }
      return d;
    }

    private static byte[] identityKey(String hex) {
      if (hex.length() != 64) {
        throw new ShroudCommand.UserError("--identity-key must be 64 hex characters, got " + hex.length());
      }
      try {
        return HexFormat.of().parseHex(hex);
      } catch (IllegalArgumentException e) {
        throw new ShroudCommand.UserError("--identity-key is not hex");
      }
    }
  }
}
