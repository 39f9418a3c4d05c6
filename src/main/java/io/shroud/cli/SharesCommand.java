package io.shroud.cli;

import com.fasterxml.jackson.databind.JsonNode;
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

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    String token = api.token();
    JsonNode shares = StatusCommand.ManagementClient.get(api.url, "/shroud/v1/shares", token).path("shares");
    var out = spec.commandLine().getOut();
    if (shares.isEmpty()) {
      out.println("no shares");
    }
    for (JsonNode s : shares) {
      out.printf("%s  %-9s %12d B  %s%s%n", s.path("infoHash").asText().substring(0, 16),
          s.path("encrypted").asBoolean() ? "encrypted" : "public", s.path("length").asLong(),
          s.path("path").asText(), s.path("stale").asBoolean() ? "  STALE: " + s.path("staleReason").asText() : "");
      if (links) {
        String infoHash = s.path("infoHash").asText();
        out.println("  " + StatusCommand.ManagementClient.get(api.url, "/shroud/v1/shares/" + infoHash + "/link", token)
            .path("link").asText());
      }
    }
    out.flush();
    return 0;
  }
}
