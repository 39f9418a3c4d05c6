package io.shroud.cli;

import io.shroud.admission.AdmissionException;
import io.shroud.admission.NetworkDefinition;
import io.shroud.admission.NetworkFiles;
import io.shroud.admission.RevocationList;
import io.shroud.content.DurableFiles;
import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shroud network revoke}: adds node ids to the network's revocation list
 * ({@code DIR/revocations.pem}, next serial) and signs it; with no ids, adds signatures to the
 * current list unchanged (how authorities who each hold their own key co-sign).
 */
@Command(name = "revoke", mixinStandardHelpOptions = true, versionProvider = ShroudCommand.Version.class,
    description = {"Revoke relays: write the next signed revocation list to DIR/revocations.pem.",
        "Signs with every DIR/secret/authority-N.key, or only with the --authority-key files given.",
        "In a real deployment each authority holds its own key: the first runs this with the node ids,",
        "the others run it on the same file without ids to add their signatures."})
final class RevokeCommand implements Callable<Integer> {
  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "the network directory")
  Path dir;

  @Option(names = "--authority-key", paramLabel = "FILE",
      description = "an authority's private key (PKCS#8 PEM) to sign with; repeatable (default: DIR/secret/authority-*.key)")
  List<Path> authorityKeys = new ArrayList<>();

  @Parameters(paramLabel = "NODEID", arity = "0..*", description = "node ids to revoke (64 hex); none: co-sign the current list")
  List<String> nodeIds = new ArrayList<>();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    List<NodeId> ids = new ArrayList<>();
    for (String s : nodeIds) {
      try {
        ids.add(NodeId.fromHex(s));
      } catch (IllegalArgumentException e) {
        throw new ShroudCommand.UserError("not a node id: " + clip(s) + " (" + e.getMessage() + ")");
      }
    }
    try {
      NetworkDefinition def = NetworkFiles.loadDefinition(dir);
      List<Ed25519.KeyPair> keys = signingKeys(def);
      Path file = dir.resolve(NetworkFiles.REVOCATIONS);
      RevocationList current = current(file, def);
      RevocationList list;
      if (ids.isEmpty()) {
        if (current == null) {
          throw new ShroudCommand.UserError("no node ids given and no " + file + " to co-sign");
        }
        list = current;
      } else {
        RevocationList base = current != null ? current
            : RevocationList.unsigned(def.id(), 0, NetworkCommand.clock.instant(), List.of());
        list = base.next(ids, NetworkCommand.clock.instant());
      }
      for (Ed25519.KeyPair k : keys) {
        list = list.sign(k);
      }
      DurableFiles.writeAtomically(file, list.armor().getBytes(StandardCharsets.US_ASCII));
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      report(def, list, file);
      return 0;
    } catch (AdmissionException | IllegalArgumentException e) {
      throw new ShroudCommand.UserError(e.getMessage());
    } catch (IOException e) {
      throw new ShroudCommand.UserError("cannot write the revocation list: " + e.getMessage());
    }
  }

  private void report(NetworkDefinition def, RevocationList list, Path file) {
    PrintWriter out = spec.commandLine().getOut();
    out.printf("serial       %d%n", list.serial());
    out.printf("revoked      %d node ids%n", list.revoked().size());
    int valid;
    try {
      valid = list.verify(def);
      out.printf("signatures   %d of %d authorities (%d needed): nodes accept it%n", valid,
          def.authorities().size(), def.revocationThreshold());
    } catch (AdmissionException e) {
      out.printf("signatures   NOT ENOUGH: %s%n", e.getMessage());
      out.printf("             have other authorities run: shroud network revoke --dir DIR --authority-key THEIR.key%n");
    }
    out.printf("written      %s  publish it to the nodes%n", file);
    out.flush();
  }

  /** The current list in {@code file}, which must be of this network (its signatures are not required). */
  private static RevocationList current(Path file, NetworkDefinition def) throws AdmissionException, IOException {
    if (!Files.exists(file)) {
      return null;
    }
    RevocationList list;
    try {
      list = RevocationList.dearmor(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (AdmissionException e) {
      throw new AdmissionException(file + ": " + e.getMessage());
    }
    if (!Arrays.equals(list.networkId(), def.id())) {
      throw new AdmissionException(file + " is a revocation list of another network");
    }
    return list;
  }

  private List<Ed25519.KeyPair> signingKeys(NetworkDefinition def) throws AdmissionException {
    List<Ed25519.KeyPair> keys = new ArrayList<>();
    if (authorityKeys.isEmpty()) {
      keys.addAll(NetworkFiles.loadAuthorityKeys(dir));
      if (keys.isEmpty()) {
        throw new AdmissionException("no authority keys in " + dir.resolve(NetworkFiles.SECRET)
            + "; give --authority-key FILE");
      }
    } else {
      for (Path p : authorityKeys) {
        keys.add(NetworkFiles.readAuthorityKey(p));
      }
    }
    for (int i = 0; i < keys.size(); i++) {
      if (def.authority(keys.get(i).publicKey()).isEmpty()) {
        String where = authorityKeys.isEmpty() ? "a key in " + dir.resolve(NetworkFiles.SECRET) : authorityKeys.get(i).toString();
        throw new AdmissionException(where + " (public key " + HexFormat.of().formatHex(keys.get(i).publicKey())
            + ") is not an authority of " + def.name());
      }
    }
    return keys;
  }

  private static String clip(String s) {
    String p = s.replaceAll("[^\\x20-\\x7e]", "?");
    return p.length() > 70 ? p.substring(0, 70) + "..." : p;
  }
}
