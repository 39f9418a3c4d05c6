package io.shroud.cli;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import io.shroud.node.NodeKeyStore;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shroud identity}: the node id and identity public key of a data directory, from the
 * node's own key store (the key is made there if the directory has none). Never prints private
 * material.
 */
@Command(name = "identity", mixinStandardHelpOptions = true, versionProvider = ShroudCommand.Version.class,
    description = {"Print a node's id and identity public key (creating the key if the data directory has none).",
        "Give the key to the network operator: shroud network admit --identity-key KEY"})
final class IdentityCommand implements Callable<Integer> {
  @Option(names = "--data-dir", required = true, paramLabel = "NODEDIR", description = "the node's data directory")
  Path dataDir;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    boolean existed = Files.exists(dataDir.resolve("keys").resolve("identity.key"));
    Ed25519.KeyPair identity;
    try {
      identity = new NodeKeyStore(dataDir, NetworkCommand.random).loadOrCreateIdentity();
    } catch (UncheckedIOException | IllegalStateException e) {
      throw new ShroudCommand.UserError(e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("node id       %s%n", NodeId.ofIdentityKey(identity.publicKey()).toHex());
    out.printf("identity key  %s%n", HexFormat.of().formatHex(identity.publicKey()));
    if (!existed) {
      out.printf("(new identity key created in %s)%n", dataDir.resolve("keys").resolve("identity.key"));
    }
    out.flush();
    return 0;
  }
}
