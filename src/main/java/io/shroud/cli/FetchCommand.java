package io.shroud.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shroud.content.Magnet;
import io.shroud.content.ShareLinkException;
import io.shroud.content.TorrentFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shroud fetch LINK|FILE.torrent -o PATH [--hops N]}: downloads a share through a node
 * (a {@code .torrent} is read here and uploaded to the node, which checks it), with a live
 * progress bar (percent, rate, ETA, sources), and ends with the path, size and SHA-256.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true,
    description = "Download a share anonymously through onion circuits.")
final class FetchCommand implements Callable<Integer> {

  @Parameters(paramLabel = "LINK|FILE.torrent",
      description = "the share link (magnet:?xt=urn:btmh:…) or a v2/hybrid .torrent (a file or a folder)")
  String link;

  @Option(names = {"-o", "--output"}, required = true,
      description = "where the node writes the file (for a folder: the directory it creates)")
  Path output;

  @Option(names = {"--files", "--select-file"}, paramLabel = "N,M-K",
      description = "a folder's files to fetch, numbered from 1 in the folder's order (as aria2's --select-file)")
  String files;

  @Option(names = "--hops", description = "relays per circuit, 1-4 (default ${DEFAULT-VALUE})", defaultValue = "3")
  int hops;

  @Option(names = "--no-seed", description = "do not share the file once it is complete (the node seeds what it "
      + "fetches, hidden, unless told not to)")
  boolean noSeed;

  @CommandLine.Mixin
  ManagementOptions api;

  @Option(names = "--timeout", description = "give up after this long (default ${DEFAULT-VALUE})", defaultValue = "PT2H")
  Duration timeout;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    String token = api.token();
    JsonNode started = start(token);
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
    if (view.path("files").isArray()) {
      long fetched = 0;
      for (JsonNode f : view.path("files")) {
        fetched += f.path("selected").asBoolean() ? 1 : 0;
      }
      out.printf("path    %s%nfiles   %d of %d%nsize    %d bytes%n", view.path("outputPath").asText(), fetched,
          view.path("files").size(), view.path("bytesTotal").asLong());
    } else {
      out.printf("path    %s%nsize    %d bytes%nsha256  %s%n", view.path("outputPath").asText(),
          view.path("bytesTotal").asLong(), view.path("sha256").asText());
    }
    out.flush();
    return 0;
  }

  /** Starts the download: a link as JSON, a {@code .torrent} file as its bytes. */
  private JsonNode start(String token) throws InterruptedException {
    String out = output.toAbsolutePath().normalize().toString();
    if (!link.startsWith("magnet:")) {
      Path file = Path.of(link);
      if (!Files.isRegularFile(file)) {
        throw new ShroudCommand.UserError(link + " is neither a magnet link nor a .torrent file");
      }
      byte[] torrent;
      try {
        if (Files.size(file) > TorrentFile.MAX_BYTES) {
          throw new ShroudCommand.UserError(link + " is larger than a .torrent may be");
        }
        torrent = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new ShroudCommand.UserError("cannot read " + link + ": " + e.getMessage());
      }
      String query = "?output=" + URLEncoder.encode(out, StandardCharsets.UTF_8) + "&hops=" + hops
          + (files == null ? "" : "&files=" + URLEncoder.encode(files, StandardCharsets.UTF_8))
          + (noSeed ? "&seed=false" : "");
      return StatusCommand.ManagementClient.sendBytes(api.url, "/shroud/v1/downloads" + query,
          "application/x-bittorrent", torrent, token, 201);
    }
    try {
      Magnet.parse(link); // a bare magnet is fine: the node fetches its metadata from the providers
    } catch (ShareLinkException e) {
      throw new ShroudCommand.UserError("bad link: " + e.getMessage());
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("link", link).put("output", out).put("hops", hops);
    if (files != null) {
      body.put("files", files);
    }
    if (noSeed) {
      body.put("seed", false);
    }
    return StatusCommand.ManagementClient.send(api.url, "/shroud/v1/downloads", "POST", body.toString(), token, 201);
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
