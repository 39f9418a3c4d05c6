package io.shroud.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shroud share FILE [--public]}: shares a file on a node and prints its link. */
@Command(name = "share", mixinStandardHelpOptions = true,
    description = "Share a file (encrypted unless --public) and print its link.")
final class ShareCommand implements Callable<Integer> {

  @Parameters(paramLabel = "FILE", description = "the file to share (the node reads it from its own disk)")
  Path file;

  @Option(names = "--public", description = "share unencrypted: plain BEP 52 info-hash, anyone can read it")
  boolean isPublic;

  @CommandLine.Mixin
  ManagementOptions api;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    ObjectNode body = JsonNodeFactory.instance.objectNode()
        .put("path", file.toAbsolutePath().normalize().toString())
        .put("public", isPublic);
    JsonNode share = StatusCommand.ManagementClient.send(api.url, "/shroud/v1/shares", "POST", body.toString(), api.token(), 201);
    var out = spec.commandLine().getOut();
    out.println(share.path("link").asText());
    spec.commandLine().getErr().printf("shared %s (%s, %d bytes, info-hash %s)%n",
        share.path("name").asText(), share.path("encrypted").asBoolean() ? "encrypted" : "public",
        share.path("length").asLong(), share.path("infoHash").asText());
    out.flush();
    return 0;
  }
}
