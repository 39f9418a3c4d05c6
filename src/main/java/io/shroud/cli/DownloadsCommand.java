package io.shroud.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shroud downloads [--json]}: lists a node's downloads, one line each. */
@Command(name = "downloads", mixinStandardHelpOptions = true, description = "List a node's downloads.")
final class DownloadsCommand implements Callable<Integer> {

  static final String HEADER = String.format("%-16s  %-20s  %6s  %11s  %7s  %s",
      "ID", "STATE", "DONE", "RATE", "SOURCES", "NAME");

  @CommandLine.Mixin
  ManagementOptions api;

  @Option(names = "--json", description = "print the node's JSON ({\"downloads\": […]}, docs/api.md)")
  boolean json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    JsonNode answer = StatusCommand.ManagementClient.get(api.url, "/shroud/v1/downloads", api.token());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(answer.toPrettyString());
      out.flush();
      return 0;
    }
    JsonNode downloads = answer.path("downloads");
    if (downloads.isEmpty()) {
      out.println("no downloads");
    } else {
      out.println(HEADER);
    }
    for (JsonNode d : downloads) {
      out.println(row(d));
    }
    out.flush();
    return 0;
  }

  /** id, state, percent done, rate, sources not banned, name (and the error of a failed one). */
  static String row(JsonNode d) {
    long total = d.path("bytesTotal").asLong();
    String percent = total > 0
        ? String.format("%5.1f%%", Math.min(100.0, 100.0 * d.path("bytesDone").asLong() / total)) : "-";
    String name = d.path("name").asText("");
    return String.format("%-16s  %-20s  %6s  %6.2f MB/s  %7d  %s%s", d.path("id").asText(), d.path("state").asText(),
        percent, d.path("rate").asLong() / 1e6, liveSources(d), name.isEmpty() ? d.path("outputPath").asText() : name,
        d.path("error").isTextual() ? "  (" + d.path("error").asText() + ")" : "");
  }

  /** Sources that are not banned: the ones that can still send pieces. */
  static int liveSources(JsonNode d) {
    int n = 0;
    for (JsonNode s : d.path("sources")) {
      if (!s.path("banned").asBoolean()) {
        n++;
      }
    }
    return n;
  }
}
