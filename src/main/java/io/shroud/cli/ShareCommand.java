package io.shroud.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shroud.content.PieceLengths;
import io.shroud.store.Redundancy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shroud share FILE [--public] [--piece-length N] [--torrent OUT [--hybrid]]}: shares a
 * file on a node, prints its link, and for a public share can save its {@code .torrent}.
 */
@Command(name = "share", mixinStandardHelpOptions = true,
    description = "Share a file (encrypted unless --public) or a folder (--public) and print its link.")
final class ShareCommand implements Callable<Integer> {

  @Parameters(paramLabel = "FILE|DIR",
      description = "the file or folder to share (the node reads it from its own disk)")
  Path file;

  @Option(names = "--public", description = "share unencrypted: plain BEP 52 info-hash, anyone can read it")
  boolean isPublic;

  @Option(names = "--piece-length", paramLabel = "BYTES",
      description = "piece length: a power of two from 16384 to 16777216 (default: libtorrent's choice for the size)")
  Long pieceLength;

  @Option(names = "--torrent", paramLabel = "OUT",
      description = "also save the public share's .torrent (BEP 52 v2) to OUT")
  Path torrent;

  @Option(names = "--hybrid", description = "with --torrent: a hybrid v1+v2 .torrent that v1 clients read too")
  boolean hybrid;

  @Option(names = "--store", description = "also store it in the network: erasure-coded fragments that relays keep, "
      + "so it outlives this node (docs/protocol.md §12)")
  boolean store;

  @Option(names = "--redundancy", paramLabel = "K+M",
      description = "with --store: stripes of K pieces and M parity fragments (default 4+2)")
  String redundancy;

  @CommandLine.Mixin
  ManagementOptions api;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException, IOException {
    if (pieceLength != null && PieceLengths.problem(pieceLength) != null) {
      throw new ShroudCommand.UserError("--piece-length: " + PieceLengths.problem(pieceLength));
    }
    if (hybrid && torrent == null) {
      throw new ShroudCommand.UserError("--hybrid says what kind of .torrent --torrent OUT saves: give --torrent");
    }
    if (torrent != null && !isPublic) {
      throw new ShroudCommand.UserError("only a public share has a .torrent (an encrypted one's key is in its link): add --public");
    }
    if (redundancy != null && !store) {
      throw new ShroudCommand.UserError("--redundancy says how --store codes the share: give --store");
    }
    if (redundancy != null) {
      try {
        Redundancy.parse(redundancy);
      } catch (IllegalArgumentException e) {
        throw new ShroudCommand.UserError("--redundancy: " + e.getMessage());
      }
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode()
        .put("path", file.toAbsolutePath().normalize().toString())
        .put("public", isPublic);
    if (pieceLength != null) {
      body.put("pieceLength", pieceLength);
    }
    JsonNode share = StatusCommand.ManagementClient.send(api.url, "/shroud/v1/shares", "POST", body.toString(), api.token(), 201);
    var out = spec.commandLine().getOut();
    out.println(share.path("link").asText());
    spec.commandLine().getErr().printf("shared %s (%s, %d bytes, info-hash %s)%n",
        share.path("name").asText(), share.path("encrypted").asBoolean() ? "encrypted" : "public",
        share.path("length").asLong(), share.path("infoHash").asText());
    if (torrent != null) {
      byte[] bytes = StatusCommand.ManagementClient.getBytes(api.url, "/shroud/v1/shares/"
          + share.path("infoHash").asText() + "/torrent" + (hybrid ? "?hybrid=true" : ""), api.token());
      Files.write(torrent, bytes);
      spec.commandLine().getErr().printf("saved the %s .torrent to %s%n", hybrid ? "hybrid (v1+v2)" : "v2", torrent);
    }
    if (store) {
      ObjectNode ask = JsonNodeFactory.instance.objectNode();
      if (redundancy != null) {
        ask.put("redundancy", redundancy);
      }
      JsonNode stored = StatusCommand.ManagementClient.send(api.url, "/shroud/v1/shares/"
          + share.path("infoHash").asText() + "/store", "POST", ask.toString(), api.token(), 200);
      spec.commandLine().getErr().printf("stored in the network: %d fragments in %d stripes on %d relays; "
          + "the manifest in %d chunks (%d copies), its root on %d DHT nodes%n", stored.path("fragments").asInt(),
          stored.path("stripes").asInt(), stored.path("storers").asInt(), stored.path("manifestChunks").asInt(),
          stored.path("manifestCopies").asInt(), stored.path("dhtNodes").asInt());
    }
    out.flush();
    return 0;
  }
}
