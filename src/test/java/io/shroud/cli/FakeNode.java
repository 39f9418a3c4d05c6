package io.shroud.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import picocli.CommandLine;

/**
 * A fake management endpoint on 127.0.0.1, port 0: answers canned JSON per method and path, and
 * refuses like the real one (docs/api.md) a request without {@code Authorization: Bearer TOKEN}
 * (401) and a POST/PUT/DELETE without {@code Content-Type: application/json} or
 * {@code application/x-bittorrent} (415). It records every request it gets, with its query and body.
 */
final class FakeNode implements AutoCloseable {
  static final String TOKEN = "6f1c".repeat(16);

  record Request(String method, String path, String authorization) {}

  /** A request with what {@link Request} leaves out: its query, content type and body. */
  record Sent(String method, String path, String query, String contentType, byte[] body) {}

  record Result(int code, String out, String err) {}

  private record Answer(int status, String body) {}

  final List<Request> requests = new CopyOnWriteArrayList<>();
  final List<Sent> sent = new CopyOnWriteArrayList<>();
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final HttpServer server;

  FakeNode() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers {@code method path} with {@code status} and {@code body} from now on. */
  FakeNode answer(String method, String path, int status, String body) {
    answers.put(method + " " + path, new Answer(status, body));
    return this;
  }

  /** The requests other than GETs, as "METHOD path". */
  List<String> changes() {
    return requests.stream().filter(r -> !r.method().equals("GET")).map(r -> r.method() + " " + r.path()).toList();
  }

  /** Runs {@code shroud args… --url <this> --token TOKEN} in this JVM, capturing out and err. */
  Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--url", url(), "--token", TOKEN));
    return shroud(all.toArray(String[]::new));
  }

  /** Runs {@code shroud args…} in this JVM, capturing out and err. */
  static Result shroud(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = ShroudCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private void handle(HttpExchange x) throws IOException {
    String method = x.getRequestMethod();
    String path = x.getRequestURI().getRawPath();
    String auth = x.getRequestHeaders().getFirst("Authorization");
    String contentType = x.getRequestHeaders().getFirst("Content-Type");
    requests.add(new Request(method, path, auth));
    sent.add(new Sent(method, path, x.getRequestURI().getRawQuery(), contentType, x.getRequestBody().readAllBytes()));
    Answer a;
    if (!("Bearer " + TOKEN).equals(auth)) {
      a = new Answer(401, "{\"status\":401,\"error\":\"missing or wrong token\"}");
    } else if (!method.equals("GET") && !"application/json".equals(contentType)
        && !"application/x-bittorrent".equals(contentType)) {
      a = new Answer(415, "{\"status\":415,\"error\":\"Content-Type must be application/json\"}");
    } else {
      a = answers.getOrDefault(method + " " + path, new Answer(404, "{\"status\":404,\"error\":\"not found\"}"));
    }
    byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(a.status(), body.length);
    x.getResponseBody().write(body);
    x.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
