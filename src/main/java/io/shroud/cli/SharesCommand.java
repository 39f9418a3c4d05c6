package io.shroud.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shroud shares}: lists what a node shares. */
@Command(name = "shares", mixinStandardHelpOptions = true, description = "List a node's shares.")
final class SharesCommand implements Callable<Integer> {

  @CommandLine.Mixin
  ManagementOptions api;

  @Option(names = "--links", description = "also print each share's link (it holds the key; asked of /shroud/v1/shares/{infohash}/link)")
  boolean links;

  @Option(names = "--json", description = "print the node's JSON ({\"shares\": […]}, docs/api.md); with --links each \"link\" is filled in")
  boolean json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    String token = api.token();
    JsonNode answer = StatusCommand.ManagementClient.get(api.url, "/shroud/v1/shares", token);
    JsonNode shares = answer.path("shares");
    var out = spec.commandLine().getOut();
    if (json) {
      for (JsonNode s : shares) {
        if (links && s instanceof ObjectNode share) {
          share.put("link", link(share.path("infoHash").asText(), token));
        }
      }
      out.println(answer.toPrettyString());
      out.flush();
      return 0;
    }
    if (shares.isEmpty()) {
      out.println("no shares");
    }
    for (JsonNode s : shares) {
      out.printf("%s  %-9s %12d B  %s%s%n", s.path("infoHash").asText().substring(0, 16),
          s.path("encrypted").asBoolean() ? "encrypted" : "public", s.path("length").asLong(),
          s.path("path").asText(), s.path("stale").asBoolean() ? "  STALE: " + s.path("staleReason").asText() : "");
      if (links) {
        out.println("  " + link(s.path("infoHash").asText(), token));
      }
    }
    out.flush();
    return 0;
  }

  private String link(String infoHash, String token) throws InterruptedException {
    return StatusCommand.ManagementClient.get(api.url, "/shroud/v1/shares/" + infoHash + "/link", token)
        .path("link").asText();
  }
}
