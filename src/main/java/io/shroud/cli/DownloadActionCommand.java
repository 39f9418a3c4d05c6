package io.shroud.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code shroud pause|resume|cancel ID}: one request on one download, then its state. ID may be
 * a prefix that only one of the node's downloads has, as git and docker allow; it is resolved
 * against {@code GET /shroud/v1/downloads}, so only an id the node listed goes into a path.
 */
abstract class DownloadActionCommand implements Callable<Integer> {

  @Parameters(paramLabel = "ID", description = "the download's id, or a prefix of it that no other download's id has")
  String id;

  @CommandLine.Mixin
  ManagementOptions api;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** The HTTP method, and what follows {@code /shroud/v1/downloads/{id}} in the path. */
  abstract String method();

  abstract String pathSuffix();

  @Override
  public Integer call() throws InterruptedException {
    String token = api.token();
    String fullId = resolve(StatusCommand.ManagementClient.get(api.url, "/shroud/v1/downloads", token), id);
    JsonNode view;
    try {
      view = StatusCommand.ManagementClient.send(api.url, "/shroud/v1/downloads/" + fullId + pathSuffix(), method(),
          null, token, 200);
    } catch (StatusCommand.ManagementClient.HttpError e) {
      if (e.status == 404) {
        throw new ShroudCommand.UserError("no such download: " + id);
      }
      throw e;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("%s  %s  %s%n", view.path("id").asText(fullId), view.path("state").asText(), view.path("name").asText());
    out.flush();
    return 0;
  }

  /** The one id in a {@code {"downloads": […]}} answer equal to, or else starting with, {@code given}. */
  static String resolve(JsonNode listing, String given) {
    if (given == null || given.isBlank()) {
      throw new ShroudCommand.UserError("give a download id (shroud downloads lists them)");
    }
    List<String> matches = new ArrayList<>();
    for (JsonNode d : listing.path("downloads")) {
      String candidate = d.path("id").asText();
      if (candidate.equals(given)) {
        return candidate;
      }
      if (candidate.startsWith(given)) {
        matches.add(candidate);
      }
    }
    if (matches.isEmpty()) {
      throw new ShroudCommand.UserError("no such download: " + given);
    }
    if (matches.size() > 1) {
      throw new ShroudCommand.UserError("ambiguous download id " + given + ": " + matches.size()
          + " downloads start so (" + String.join(", ", matches) + "); give more of it");
    }
    return matches.get(0);
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Pause a download (kept paused across node restarts) and print its state.")
  static final class Pause extends DownloadActionCommand {
    @Override
    String method() {
      return "POST";
    }

    @Override
    String pathSuffix() {
      return "/pause";
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused download and print its state.")
  static final class Resume extends DownloadActionCommand {
    @Override
    String method() {
      return "POST";
    }

    @Override
    String pathSuffix() {
      return "/resume";
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true,
      description = "Cancel a download (the node deletes its partial file) and print its state.")
  static final class Cancel extends DownloadActionCommand {
    @Override
    String method() {
      return "DELETE";
    }

    @Override
    String pathSuffix() {
      return "";
    }
  }
}
