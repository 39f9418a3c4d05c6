package io.shroud.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shroud fetch LINK -o PATH [--hops N]}: downloads a share through a node, with a live
 * progress bar (percent, rate, ETA, sources), and ends with the path, size and SHA-256.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true,
    description = "Download a share anonymously through onion circuits.")
final class FetchCommand implements Callable<Integer> {

  @Parameters(paramLabel = "LINK", description = "the share link (magnet:?xt=urn:btmh:…)")
  String link;

  @Option(names = {"-o", "--output"}, required = true, description = "where the node writes the file")
  Path output;

  @Option(names = "--hops", description = "relays per circuit, 1-4 (default ${DEFAULT-VALUE})", defaultValue = "3")
  int hops;

  @CommandLine.Mixin
  ManagementOptions api;

  @Option(names = "--timeout", description = "give up after this long (default ${DEFAULT-VALUE})", defaultValue = "PT2H")
  Duration timeout;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    ObjectNode body = JsonNodeFactory.instance.objectNode()
        .put("link", link)
        .put("output", output.toAbsolutePath().normalize().toString())
        .put("hops", hops);
    String token = api.token();
    JsonNode started = StatusCommand.ManagementClient.send(api.url, "/shroud/v1/downloads", "POST", body.toString(), token, 201);
    String id = started.path("id").asText();
    PrintWriter err = spec.commandLine().getErr();
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode view = started;
    while (System.nanoTime() < deadline) {
      view = StatusCommand.ManagementClient.get(api.url, "/shroud/v1/downloads/" + id, token);
      err.print("\r" + progressLine(view));
      err.flush();
      String state = view.path("state").asText();
      if (state.equals("COMPLETE") || state.equals("FAILED") || state.equals("CANCELLED")) {
        break;
      }
      Thread.sleep(500);
    }
    err.println();
    String state = view.path("state").asText();
    if (!state.equals("COMPLETE")) {
      throw new ShroudCommand.UserError("download " + id + " " + state.toLowerCase()
          + (view.path("error").isTextual() ? ": " + view.path("error").asText() : ""));
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("path    %s%nsize    %d bytes%nsha256  %s%n", view.path("outputPath").asText(),
        view.path("bytesTotal").asLong(), view.path("sha256").asText());
    out.flush();
    return 0;
  }

  /** One line: bar, percent, rate, ETA, sources. */
  static String progressLine(JsonNode v) {
    long done = v.path("bytesDone").asLong();
    long total = Math.max(1, v.path("bytesTotal").asLong());
    double fraction = Math.min(1.0, (double) done / total);
    int width = 30;
    int filled = (int) Math.round(fraction * width);
    long rate = v.path("rate").asLong();
    String eta = rate > 0 ? formatDuration((total - done) / rate) : "--:--";
    int sources = 0;
    for (JsonNode s : v.path("sources")) {
      if (!s.path("banned").asBoolean()) {
        sources++;
      }
    }
    return String.format("[%s%s] %5.1f%%  %7.2f MB/s  ETA %s  sources %d  %-12s",
        "#".repeat(filled), ".".repeat(width - filled), fraction * 100, rate / 1e6, eta, sources,
        v.path("state").asText().toLowerCase());
  }

  static String formatDuration(long seconds) {
    return seconds >= 3600
        ? String.format("%d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60)
        : String.format("%d:%02d", seconds / 60, seconds % 60);
  }
}
