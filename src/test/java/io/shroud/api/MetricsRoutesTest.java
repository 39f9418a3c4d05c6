package io.shroud.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.testutil.MetricValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} as a node serves it ({@link ShroudRoutes} bound on loopback), spoken to
 * over raw sockets: it needs the node's token and a local Host like every other route, and
 * answers the Prometheus text format with every family of {@link NodeMetrics} and the JVM's.
 */
class MetricsRoutesTest {
  static final String TOKEN = "5e".repeat(32);
  static ActorTestKit testKit;
  static ServerBinding binding;
  static int port;

  @BeforeAll
  static void serve() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    testKit = ActorTestKit.create(ConfigFactory.parseMap(Map.of(
        "shroud.management.host", "127.0.0.1", "shroud.management.port", port)).withFallback(ConfigFactory.load()));
    io.shroud.node.NodeRuntime.get(testKit.system()).setControlToken(TOKEN);
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
  }

  record Response(int status, String headers, String body) {}

  static Response get(String path, String host, String auth) throws IOException {
    StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
    if (auth != null) {
      req.append("Authorization: ").append(auth).append("\r\n");
    }
    req.append("Connection: close\r\n\r\n");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int bodyAt = text.indexOf("\r\n\r\n");
      return new Response(Integer.parseInt(text.substring(9, 12)), text.substring(0, bodyAt),
          text.substring(bodyAt + 4));
    }
  }

  static String host() {
    return "127.0.0.1:" + port;
  }

  static Response scrape() throws IOException {
    Response r = get("/metrics", host(), "Bearer " + TOKEN);
    assertEquals(200, r.status(), r.body());
    return r;
  }

  @Test
  void aScrapeNeedsTheTokenAndALocalHost() throws IOException {
    Response none = get("/metrics", host(), null);
    assertEquals(401, none.status(), none.body());
    assertFalse(none.body().contains("shroud_"), "no metric leaks without the token");
    assertEquals(401, get("/metrics", host(), "Bearer " + "0".repeat(64)).status());
    assertEquals(401, get("/metrics", host(), "Basic " + TOKEN).status());
    assertEquals(403, get("/metrics", "rebound.attacker.example:" + port, "Bearer " + TOKEN).status());
    assertEquals(200, get("/metrics", "localhost:" + port, "Bearer " + TOKEN).status());
  }

  @Test
  void theScrapeIsPrometheusTextWithEveryFamily() throws IOException {
    Response r = scrape();
    // exactly the writer's spelling (charset values are case-insensitive, but some scrapers compare strings)
    assertTrue(r.headers().contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), r.headers());
    for (String family : List.of(
        "shroud_circuits_built_total counter", "shroud_circuits_failed_total counter",
        "shroud_circuit_build_seconds histogram", "shroud_relay_cells_total counter",
        "shroud_relay_bytes_total counter", "shroud_links_open gauge", "shroud_link_bytes_total counter",
        "shroud_dht_lookups_total counter", "shroud_dht_lookup_rounds histogram", "shroud_shares gauge",
        "shroud_downloads_started_total counter", "shroud_downloads_completed_total counter",
        "shroud_downloads_failed_total counter", "shroud_download_bytes_total counter",
        "shroud_pieces_verified_total counter", "shroud_pieces_failed_total counter",
        "shroud_blocks_failed_total counter", "shroud_source_strikes_total counter",
        "shroud_journal_write_seconds histogram", "jvm_memory_used_bytes gauge",
        "jvm_gc_collection_seconds summary")) {
      assertTrue(r.body().contains("# TYPE " + family + "\n"), family + " missing from\n" + r.body());
    }
    Map<String, Double> samples = MetricValues.samples(r.body());
    assertTrue(samples.get("jvm_memory_used_bytes{area=\"heap\"}") > 0, "heap in use");
    assertEquals(0.0, samples.get("shroud_relay_cells_total{direction=\"backward\"}"),
        "every label value is there from the start, at zero");
  }

  @Test
  void whatTheNodeRecordsShowsInTheNextScrape() throws IOException {
    NodeMetrics metrics = Metrics.get(testKit.system());
    double before = MetricValues.samples(scrape().body()).get("shroud_relay_cells_total{direction=\"forward\"}");
    metrics.relayed(NodeMetrics.RelayDirection.FORWARD, 509);
    metrics.relayed(NodeMetrics.RelayDirection.FORWARD, 509);
    Map<String, Double> after = MetricValues.samples(scrape().body());
    assertEquals(before + 2, after.get("shroud_relay_cells_total{direction=\"forward\"}"));
  }

  /** The anonymity rule: a label is one of a few names, its value one of an enum's, never an id or a hash. */
  @Test
  void labelsAreLowCardinalityEnumsOnly() throws IOException {
    Set<String> names = Set.of("reason", "direction", "outcome", "journal", "side", "le");
    Pattern label = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");
    for (String sample : MetricValues.samples(scrape().body()).keySet()) {
      if (!sample.startsWith("shroud_")) {
        continue;
      }
      Matcher m = label.matcher(sample);
      while (m.find()) {
        assertTrue(names.contains(m.group(1)), sample);
        assertTrue(m.group(2).matches("[a-z_]{1,20}|[0-9.E+\\-]+|\\+Inf"), sample);
      }
    }
  }

  @Test
  void eachActorSystemHasItsOwnRegistry() {
    ActorTestKit other = ActorTestKit.create();
    try {
      NodeMetrics mine = Metrics.get(testKit.system());
      NodeMetrics theirs = Metrics.get(other.system());
      assertNotSame(mine.registry(), theirs.registry());
      assertEquals(mine, Metrics.get(testKit.system()), "one per system");
      double before = MetricValues.value(mine, "shroud_downloads_started_total");
      theirs.downloadStarted();
      assertEquals(before, MetricValues.value(mine, "shroud_downloads_started_total"));
      assertEquals(1.0, MetricValues.value(theirs, "shroud_downloads_started_total"));
    } finally {
      other.shutdownTestKit();
    }
  }
}
