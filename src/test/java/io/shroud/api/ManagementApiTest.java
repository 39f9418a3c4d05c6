package io.shroud.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.shroud.circuit.CircuitsActor;
import io.shroud.dht.DhtActor;
import io.shroud.identity.NodeId;
import io.shroud.link.Links;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.node.ControlCookie;
import io.shroud.node.DirectoryActor;
import io.shroud.node.EchoActor;
import io.shroud.node.KeysActor;
import io.shroud.node.NodeConfig;
import io.shroud.node.NodeRuntime;
import io.shroud.node.ShroudSettings;
import io.shroud.swarm.fetch.DownloadsActor;
import io.shroud.swarm.serve.SharesActor;
import io.shroud.testutil.PersistenceTestConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The management routes as a node serves them — {@link ShroudRoutes} bound with Pekko HTTP on
 * loopback, a real {@link SharesActor} behind them — spoken to over raw sockets, so every header
 * (Host, Origin, Content-Type, Authorization) is exactly what a hostile client would send.
 */
class ManagementApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static Path tmp;
  static Path home;
  static Path dataDir;
  static Path outside;
  static int port;
  static String token;
  static ActorTestKit testKit;
  static ServerBinding binding;
  static TestProbe<DownloadsActor.Command> downloads;
  static TestProbe<RecordLookupsActor.Command> lookups;

  @BeforeAll
  static void serve() throws Exception {
    tmp = Files.createTempDirectory("shroud-api-test-").toRealPath();
    home = Files.createDirectories(tmp.resolve("home"));
    dataDir = Files.createDirectories(home.resolve(".shroud"));
    Files.createDirectories(dataDir.resolve("keys"));
    Files.writeString(dataDir.resolve("keys/identity.key"), "not a real key");
    outside = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.writeString(outside.resolve("passwd"), "root:x:0:0");
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Map<String, Object> shroud = new LinkedHashMap<>();
    shroud.put("shroud.data-dir", dataDir.toString());
    shroud.put("shroud.management.host", "127.0.0.1");
    shroud.put("shroud.management.port", port);
    shroud.put("shroud.management.share-roots", List.of(home.toString()));
    shroud.put("shroud.management.download-roots", List.of(home.resolve("downloads").toString()));
    ShroudSettings settings = ShroudSettings.from(NodeConfig.load(shroud, Optional.empty()));
    Config config = ConfigFactory.parseMap(shroud).withFallback(PersistenceTestConfig.CONFIG);
    testKit = ActorTestKit.create(config);
    token = ControlCookie.install(dataDir, "", new SecureRandom());
    NodeRuntime runtime = NodeRuntime.get(testKit.system());
    runtime.setControlToken(token);
    downloads = testKit.createTestProbe();
    lookups = testKit.createTestProbe();
    runtime.set(new NodeRuntime.Handles(NodeId.ofIdentityKey(new byte[] {7}), settings, Instant.now(),
        testKit.<DirectoryActor.Command>createTestProbe().getRef(), testKit.<KeysActor.Command>createTestProbe().getRef(),
        testKit.spawn(SharesActor.create(NodeId.ofIdentityKey(new byte[] {7}), dataDir, Clock.systemUTC())),
        testKit.<Links.Command>createTestProbe().getRef(), testKit.<CircuitsActor.Command>createTestProbe().getRef(),
        testKit.<EchoActor.Command>createTestProbe().getRef(), testKit.<DhtActor.Command>createTestProbe().getRef(),
        lookups.getRef(), downloads.getRef()));
    ShroudRoutes routes = new ShroudRoutes((ExtendedActorSystem) Adapter.toClassic(testKit.system()));
    binding = Http.get(testKit.system()).newServerAt("127.0.0.1", port)
        .bind(routes.routes(ManagementRouteProviderSettings.create(Uri.create("http://127.0.0.1:" + port))))
        .toCompletableFuture().get();
  }

  @AfterAll
  static void stop() throws Exception {
    if (binding != null) {
      binding.unbind().toCompletableFuture().get();
    }
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
    try (Stream<Path> walk = Files.walk(tmp)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** @param head the status line and headers */
  record Response(int status, String head, String body) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  /** One HTTP/1.1 request with exactly these headers (null: header left out). */
  static Response raw(String method, String path, String host, String origin, String auth, String contentType,
      String body) throws IOException {
    return raw(method, path, host, origin, auth, contentType, body, false);
  }

  static Response raw(String method, String path, String host, String origin, String auth, String contentType,
      String body, boolean chunked) throws IOException {
    return raw(method, path, host, origin, auth, contentType,
        body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), chunked);
  }

  static Response raw(String method, String path, String host, String origin, String auth, String contentType,
      byte[] payload, boolean chunked) throws IOException {
    StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
    if (host != null) {
      req.append("Host: ").append(host).append("\r\n");
    }
    if (origin != null) {
      req.append("Origin: ").append(origin).append("\r\n");
    }
    if (auth != null) {
      req.append("Authorization: ").append(auth).append("\r\n");
    }
    if (contentType != null) {
      req.append("Content-Type: ").append(contentType).append("\r\n");
    }
    if (chunked) {
      req.append("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    } else {
      req.append("Content-Length: ").append(payload.length).append("\r\nConnection: close\r\n\r\n");
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
      if (chunked) {
        for (int from = 0; from < payload.length; from += 1000) {
          int n = Math.min(1000, payload.length - from);
          out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(payload, from, n);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      } else {
        try {
          out.write(payload);
        } catch (java.net.SocketException e) {
          // the server may answer an oversized body (413) and close before it is all sent: read the answer
        }
      }
      try {
        out.flush();
      } catch (java.net.SocketException e) {
        // as above
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int status = Integer.parseInt(text.substring(9, 12));
      int bodyAt = text.indexOf("\r\n\r\n");
      return new Response(status, bodyAt < 0 ? text : text.substring(0, bodyAt),
          bodyAt < 0 ? "" : text.substring(bodyAt + 4));
    }
  }

  static String host() {
    return "127.0.0.1:" + port;
  }

  static Response get(String path) throws IOException {
    return raw("GET", path, host(), null, "Bearer " + token, null, null);
  }

  static Response post(String path, String json) throws IOException {
    return raw("POST", path, host(), null, "Bearer " + token, "application/json", json);
  }

  static void assertError(Response r, int status, String part) throws IOException {
    assertEquals(status, r.status(), r.body());
    JsonNode body = r.json();
    assertEquals(status, body.path("status").asInt(), r.body());
    assertTrue(body.path("error").asText().contains(part), r.body());
    assertFalse(r.body().contains(token), "the token is never echoed");
  }

  static String shareBody(Path p) {
    return JSON.createObjectNode().put("path", p.toString()).toString();
  }

  @Test
  void everyRouteGetIncludedNeedsTheToken() throws IOException {
    assertError(raw("GET", "/shroud/v1/shares", host(), null, null, null, null), 401, "missing token");
    assertError(raw("GET", "/shroud/v1/node", host(), null, "Bearer " + "0".repeat(64), null, null), 401, "wrong token");
    assertError(raw("GET", "/shroud/v1/no-such-route", host(), null, null, null, null), 401, "token");
    assertError(raw("POST", "/shroud/v1/shares", host(), null, null, "application/json",
        shareBody(home)), 401, "token");
    assertEquals(200, get("/shroud/v1/shares").status());
  }

  @Test
  void theTokenIsTheOneInTheCookieFile() throws IOException {
    assertEquals(Optional.of(token), ControlCookie.read(dataDir));
    assertEquals(200, raw("GET", "/shroud/v1/shares", host(), null, "Bearer " + ControlCookie.read(dataDir).orElseThrow(),
        null, null).status());
  }

  @Test
  void textPlainOnAMutatingRouteIs415() throws IOException {
    Path f = Files.writeString(home.resolve("plain.txt"), "hello");
    assertError(raw("POST", "/shroud/v1/shares", host(), null, "Bearer " + token, "text/plain", shareBody(f)),
        415, "application/json");
    assertError(raw("DELETE", "/shroud/v1/shares/" + "0".repeat(64), host(), null, "Bearer " + token, null, null),
        415, "application/json");
  }

  @Test
  void aForeignHostIs403() throws IOException {
    assertError(raw("GET", "/shroud/v1/shares", "rebound.attacker.example:" + port, null, "Bearer " + token, null, null),
        403, "Host");
    assertEquals(200, raw("GET", "/shroud/v1/shares", "localhost:" + port, null, "Bearer " + token, null, null).status());
  }

  @Test
  void aForeignOriginIs403() throws IOException {
    Path f = Files.writeString(home.resolve("origin.txt"), "hello");
    assertError(raw("POST", "/shroud/v1/shares", host(), "http://attacker.example", "Bearer " + token,
        "application/json", shareBody(f)), 403, "Origin");
    assertEquals(200, raw("GET", "/shroud/v1/shares", host(), "http://" + host(), "Bearer " + token, null, null).status());
  }

  @Test
  void anOversizeBodyIs413NotANoSuchRoute() throws IOException {
    String big = "{\"path\":\"" + "a".repeat(ShroudRoutes.MAX_BODY_BYTES) + "\"}";
    assertError(post("/shroud/v1/shares", big), 413, "bound");
    assertError(post("/shroud/v1/downloads", big), 413, "bound");
    // the same without a Content-Length: read up to the bound, then refused
    assertError(raw("POST", "/shroud/v1/shares", host(), null, "Bearer " + token, "application/json", big, true),
        413, "bound");
    Path f = Files.writeString(home.resolve("chunked.txt"), "small");
    assertEquals(201, raw("POST", "/shroud/v1/shares", host(), null, "Bearer " + token, "application/json",
        shareBody(f), true).status(), "a small chunked body is fine");
  }

  @Test
  void theNodesKeyFileIsNeverShared() throws IOException {
    assertError(post("/shroud/v1/shares", shareBody(dataDir.resolve("keys/identity.key"))), 403, "data directory");
  }

  @Test
  void aFileOutsideTheShareRootsIs403() throws IOException {
    assertError(post("/shroud/v1/shares", shareBody(outside.resolve("passwd"))), 403,
        "outside shroud.management.share-roots");
  }

  @Test
  void dotDotAndSymbolicLinkEscapesAre403() throws IOException {
    assertError(post("/shroud/v1/shares", "{\"path\":\"" + home + "/../elsewhere/passwd\"}"), 403, "outside");
    Path link = home.resolve("looks-harmless.txt");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, outside.resolve("passwd"));
    assertError(post("/shroud/v1/shares", shareBody(link)), 403, "outside");
    Path keys = home.resolve("keys-link");
    Files.deleteIfExists(keys);
    Files.createSymbolicLink(keys, dataDir.resolve("keys"));
    assertError(post("/shroud/v1/shares", shareBody(keys.resolve("identity.key"))), 403, "data directory");
  }

  @Test
  void anOutputOutsideTheDownloadRootsIs403AndNoDownloadStarts() throws IOException {
    String link = "magnet:?xt=urn:btmh:1220" + "ab".repeat(32);
    assertError(post("/shroud/v1/downloads", JSON.createObjectNode().put("link", link)
        .put("output", outside.resolve("authorized_keys").toString()).toString()), 403, "outside shroud.management.download-roots");
    // home is a share root but not a download root here
    assertError(post("/shroud/v1/downloads", JSON.createObjectNode().put("link", link)
        .put("output", home.resolve("x.bin").toString()).toString()), 403, "outside");
    assertError(post("/shroud/v1/downloads", JSON.createObjectNode().put("link", link)
        .put("output", home.resolve("downloads/../.shroud/keys/identity.key").toString()).toString()), 403, "data directory");
    downloads.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void viewsNeverShowAKeyTheCreationAndTheLinkRouteDo() throws IOException {
    Path f = Files.write(home.resolve("secret.bin"), new byte[40_000]);
    Response created = post("/shroud/v1/shares", shareBody(f));
    assertEquals(201, created.status(), created.body());
    String link = created.json().path("link").asText();
    String infoHash = created.json().path("infoHash").asText();
    assertTrue(link.contains("x.k="), link);

    Response list = get("/shroud/v1/shares");
    assertEquals(200, list.status());
    assertFalse(list.body().contains("x.k="), list.body());
    JsonNode listed = null;
    for (JsonNode s : list.json().path("shares")) {
      if (s.path("infoHash").asText().equals(infoHash)) {
        listed = s;
      }
    }
    assertTrue(listed != null && listed.path("link").isNull() && listed.path("encrypted").asBoolean()
        && listed.path("path").asText().equals(f.toString()), list.body());

    Response byRoute = get("/shroud/v1/shares/" + infoHash + "/link");
    assertEquals(200, byRoute.status(), byRoute.body());
    assertEquals(link, byRoute.json().path("link").asText());
    assertError(raw("GET", "/shroud/v1/shares/" + infoHash + "/link", host(), null, null, null, null), 401, "token");
    assertError(get("/shroud/v1/shares/" + "0".repeat(64) + "/link"), 404, "no share");
  }

  /** Each JSON route answers a body it cannot use with 400 and the reason, and asks no actor. */
  @Test
  void badJsonBodiesAre400WithTheReasonOnEveryRoute() throws IOException {
    assertError(post("/shroud/v1/shares", "not json"), 400, "body is not JSON");
    assertError(post("/shroud/v1/shares", "[1]"), 400, "body needs a \"path\" string");
    assertError(post("/shroud/v1/shares", "{\"path\":\"/x\",\"public\":\"yes\"}"), 400,
        "\"public\" must be true or false");

    assertError(post("/shroud/v1/downloads", "{"), 400, "body is not JSON");
    assertError(post("/shroud/v1/downloads", "{\"link\":\"x\"}"), 400, "body needs \"link\" and \"output\" strings");
    assertError(post("/shroud/v1/downloads", "{\"link\":\"x\",\"output\":\"/y\",\"hops\":9}"), 400,
        "hops must be 1 to 4");
    downloads.expectNoMessage(Duration.ofMillis(200));

    assertError(post("/shroud/v1/circuits", "nope"), 400, "body is not JSON");
    assertError(post("/shroud/v1/circuits", "[]"), 400, "body must be a JSON object");
    assertError(post("/shroud/v1/circuits", "{\"destination\":\"zz\"}"), 400,
        "destination: node id must be 64 hex characters");
    assertError(post("/shroud/v1/circuits", "{\"hops\":\"3\"}"), 400, "hops must be 1 to 4");
    assertError(post("/shroud/v1/circuits", "{\"echoBytes\":-1}"), 400, "echoBytes must be 0 to 16777216");

    String record = "/shroud/v1/dht/records/" + "ab".repeat(32);
    assertError(put(record, "x"), 400, "body is not JSON");
    assertError(put(record, "{}"), 400, "body needs exactly one of \"value\" (text) or \"valueBase64\"");
    assertError(put(record, "{\"valueBase64\":\"!!\"}"), 400, "valueBase64 is not base64");
    assertError(put(record, "{\"value\":\"" + "v".repeat(1025) + "\"}"), 400, "value is too large: 1025 > 1024 bytes");
    assertError(put(record, "{\"value\":\"a\",\"ttlSeconds\":0}"), 400, "ttlSeconds must be a positive whole number");
    assertError(put("/shroud/v1/dht/records/abc", "{}"), 400, "key must be 64 hex characters, got 3");
  }

  /**
   * A record lookup from the API runs through a circuit unless {@code ?via=direct} asks for the
   * node's own DHT queries: they would tell the nodes asked which keys this node looks for.
   */
  @Test
  void aRecordLookupRunsThroughACircuitByDefault() throws Exception {
    java.util.concurrent.CompletableFuture<Response> answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return get("/shroud/v1/dht/records/" + "cd".repeat(32));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    RecordLookupsActor.LookupRecord asked = lookups.expectMessageClass(RecordLookupsActor.LookupRecord.class,
        Duration.ofSeconds(10));
    assertEquals(3, asked.hops(), "three hops unless ?hops says otherwise");
    asked.replyTo().tell(new io.shroud.lookup.RecordLookup(java.util.List.of(), java.util.List.of("a", "b", "c"), null));
    Response r = answer.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(404, r.status(), r.body());
    assertEquals("circuit", r.json().path("via").asText(), r.body());
  }

  static Response put(String path, String json) throws IOException {
    return raw("PUT", path, host(), null, "Bearer " + token, "application/json", json);
  }
}
