package io.shroud.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shroud status}: prints a node's {@code /shroud/v1/node} readably. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a node's state.")
final class StatusCommand implements Callable<Integer> {

  @CommandLine.Mixin
  ManagementOptions api;

  @Option(names = "--json", description = "print the raw JSON")
  boolean json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    JsonNode node = ManagementClient.get(api.url, "/shroud/v1/node", api.token());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(node.toPrettyString());
      return 0;
    }
    out.printf("node        %s%n", node.path("nodeId").asText());
    out.printf("version     %s (protocol %d)%n", node.path("version").asText(), node.path("protocolVersion").asInt());
    out.printf("status      %s, up %s%n", node.path("selfStatus").asText(), uptime(node.path("uptimeSeconds").asLong()));
    boolean client = "client".equals(node.path("role").asText());
    if (client) {
      out.printf("role        client: no cluster, no listening data port%n");
    } else {
      out.printf("cluster     %s%n", node.path("clusterAddress").asText());
      out.printf("data plane  %s%n", node.path("dataAddress").asText());
    }
    out.printf("management  %s%n", node.path("managementAddress").asText());
    out.printf("journal     %s%n", node.path("journal").asText());
    out.printf("directory   %d verified descriptors%n", node.path("directorySize").asInt());
    if (client) {
      out.flush();
      return 0;
    }
    out.printf("members     %d up%n", node.path("membersUp").asInt());
    for (JsonNode m : node.path("members")) {
      out.printf("  %-22s %-8s %s%n", m.path("address").asText(), m.path("status").asText(),
          m.path("reachable").asBoolean() ? "reachable" : "UNREACHABLE");
    }
    out.flush();
    return 0;
  }

  private static String uptime(long seconds) {
    return String.format("%dh%02dm%02ds", seconds / 3600, (seconds / 60) % 60, seconds % 60);
  }

  /** A small blocking client for the management endpoint. */
  static final class ManagementClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ManagementClient() {}

    static JsonNode get(String base, String path, String token) throws InterruptedException {
      return send(base, path, "GET", null, token, 200);
    }

    /**
     * Sends one request and returns its JSON body; any status other than {@code expected}
     * becomes a one-line {@link HttpError} with the node's message.
     */
    static JsonNode send(String base, String path, String method, String jsonBody, String token, int expected)
        throws InterruptedException {
      URI uri;
      try {
        uri = URI.create(base.replaceAll("/+$", "") + path);
      } catch (IllegalArgumentException e) {
        throw new ShroudCommand.UserError("bad --url " + base + ": " + e.getMessage());
      }
      try {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(30))
            .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(jsonBody))
            .header("Content-Type", "application/json");
        if (token != null && !token.isEmpty()) {
          b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> rsp = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (rsp.statusCode() != expected) {
          String message = rsp.body();
          try {
            message = MAPPER.readTree(rsp.body()).path("error").asText(rsp.body());
          } catch (IOException notJson) {
            // keep the raw body
          }
          if (rsp.statusCode() == 401) {
            message += token == null || token.isEmpty()
                ? " (no token found: pass --token, set " + ManagementOptions.TOKEN_ENV + ", or --data-dir of the node)"
                : " (pass the node's token with --token or " + ManagementOptions.TOKEN_ENV
                    + ", or its data directory with --data-dir)";
          }
          throw new HttpError(rsp.statusCode(), method + " " + path + " failed (" + rsp.statusCode() + "): " + message);
        }
        return MAPPER.readTree(rsp.body());
      } catch (IOException e) {
        throw new ShroudCommand.UserError("cannot reach " + uri + ": " + e);
      }
    }

    /** GETs raw bytes (a {@code .torrent}); any status but 200 is a one-line {@link HttpError}. */
    static byte[] getBytes(String base, String path, String token) throws InterruptedException {
      return exchange(base, path, "GET", null, null, token, 200);
    }

    /** POSTs {@code body} as {@code contentType} and returns the JSON answer. */
    static JsonNode sendBytes(String base, String path, String contentType, byte[] body, String token, int expected)
        throws InterruptedException {
      try {
        return MAPPER.readTree(exchange(base, path, "POST", contentType, body, token, expected));
      } catch (IOException e) {
        throw new ShroudCommand.UserError("the node's answer to " + path + " is not JSON");
      }
    }

    private static byte[] exchange(String base, String path, String method, String contentType, byte[] body,
        String token, int expected) throws InterruptedException {
      URI uri;
      try {
        uri = URI.create(base.replaceAll("/+$", "") + path);
      } catch (IllegalArgumentException e) {
        throw new ShroudCommand.UserError("bad --url " + base + ": " + e.getMessage());
      }
      try {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(30))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
          b.header("Content-Type", contentType);
        }
        if (token != null && !token.isEmpty()) {
          b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<byte[]> rsp = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (rsp.statusCode() != expected) {
          String text = new String(rsp.body(), java.nio.charset.StandardCharsets.UTF_8);
          String message = text;
          try {
            message = MAPPER.readTree(text).path("error").asText(text);
          } catch (IOException notJson) {
            // keep the raw body
          }
          throw new HttpError(rsp.statusCode(), method + " " + path + " failed (" + rsp.statusCode() + "): " + message);
        }
        return rsp.body();
      } catch (IOException e) {
        throw new ShroudCommand.UserError("cannot reach " + uri + ": " + e);
      }
    }

    /** The node answered, but not with the status asked for: a command may tell a 404 from the rest. */
    static final class HttpError extends ShroudCommand.UserError {
      final int status;

      HttpError(int status, String message) {
        super(message);
        this.status = status;
      }
    }
  }
}
