package io.shroud.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.testutil.MetricValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code conf/grafana-shroud.json} is a Grafana dashboard over what a node really exposes: it
 * parses, every query names only series a scrape of {@link NodeMetrics} (with the JVM's) has,
 * rate() and quantiles are taken only over counters and histograms, and every Shroud metric has
 * a panel.
 */
class GrafanaDashboardTest {
  static final Path DASHBOARD = Path.of("conf/grafana-shroud.json");
  static final Pattern METRIC = Pattern.compile("\\b(?:shroud|jvm|process)_[a-z0-9_]+");
  static final Pattern RATED = Pattern.compile("\\b(?:rate|increase)\\(\\s*([a-z0-9_]+)");
  static JsonNode dashboard;
  static final List<String> EXPRS = new ArrayList<>();
  static final Set<String> EXPOSED = new HashSet<>();

  @BeforeAll
  static void load() throws Exception {
    dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        EXPRS.add(target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        EXPRS.add(variable.path("query").asText());
      }
    }
    NodeMetrics metrics = new NodeMetrics();
    metrics.registerJvm();
    for (String sample : MetricValues.scrape(metrics).keySet()) {
      EXPOSED.add(sample.replaceAll("\\{.*", ""));
    }
  }

  @Test
  void itIsADashboardOfPanelsWithQueries() {
    assertEquals("shroud-node", dashboard.path("uid").asText());
    assertFalse(dashboard.path("title").asText().isEmpty());
    Set<Integer> ids = new HashSet<>();
    int withQueries = 0;
    for (JsonNode panel : dashboard.path("panels")) {
      assertTrue(ids.add(panel.path("id").asInt()), "panel ids are unique: " + panel.path("id"));
      if (!panel.path("type").asText().equals("row")) {
        assertTrue(panel.path("targets").size() > 0, panel.path("title") + " has no query");
        withQueries++;
      }
    }
    assertTrue(withQueries >= 10, "panels: " + withQueries);
  }

  @Test
  void everyQueryNamesOnlySeriesTheNodeExposes() {
    for (String expr : EXPRS) {
      Matcher m = METRIC.matcher(expr);
      assertTrue(m.find(), "names no metric: " + expr);
      do {
        assertTrue(EXPOSED.contains(m.group()), m.group() + " is not exposed (in " + expr + ")");
      } while (m.find());
    }
  }

  @Test
  void ratesAreOfCountersAndQuantilesOfHistogramBuckets() {
    for (String expr : EXPRS) {
      Matcher rated = RATED.matcher(expr);
      while (rated.find()) {
        assertTrue(rated.group(1).matches(".*_(total|bucket|sum|count)"), "rate of a gauge: " + expr);
      }
      if (expr.contains("histogram_quantile")) {
        assertTrue(expr.contains("sum by (le") && expr.contains("_bucket{"), "a quantile over buckets by le: " + expr);
      }
    }
  }

  @Test
  void everyShroudMetricHasAPanelAndTheJvmsHeapAndGcDo() {
    Set<String> families = new TreeSet<>();
    for (String name : EXPOSED) {
      if (name.startsWith("shroud_")) {
        families.add(name.replaceAll("_(bucket|sum|count)$", ""));
      }
    }
    Set<String> queried = new HashSet<>();
    String all = String.join("\n", EXPRS);
    Matcher m = METRIC.matcher(all);
    while (m.find()) {
      queried.add(m.group().replaceAll("_(bucket|sum|count)$", ""));
    }
    for (String family : families) {
      assertTrue(queried.contains(family), family + " has no panel in " + DASHBOARD);
    }
    assertTrue(all.contains("jvm_memory_used_bytes{") && all.contains("area=\"heap\""), "a heap panel");
    assertTrue(all.contains("jvm_gc_collection_seconds"), "a GC panel");
  }
}
