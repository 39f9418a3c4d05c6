package io.shroud.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.shroud.metrics.NodeMetrics;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The helper {@link SwarmIT} checks scrapes with: the Python client's parser reads what the node
 * writes, and refuses what is not the text format. Skipped where Debian's
 * python3-prometheus-client is not installed (.ci/run installs it; SwarmIT then fails instead).
 */
class PrometheusParserTest {
  @BeforeAll
  static void needsThePythonClient() throws Exception {
    boolean present = PrometheusParser.PYTHON.toFile().canExecute()
        && new ProcessBuilder(PrometheusParser.PYTHON.toString(), "-c", "import prometheus_client").start().waitFor() == 0;
    assumeTrue(present, "/usr/bin/python3 with prometheus_client (Debian: python3-prometheus-client) is not installed");
  }

  @Test
  void theNodesScrapeParsesWithEveryFamilyTypedAndTheCountsAsRecorded() throws Exception {
    NodeMetrics metrics = new NodeMetrics();
    metrics.registerJvm();
    metrics.blockVerified(16384);
    metrics.blockVerified(100);
    metrics.circuitBuilt(2_000_000_000L);
    metrics.relayed(NodeMetrics.RelayDirection.BACKWARD, 4075);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());

    PrometheusParser.Scrape scrape = PrometheusParser.parse(out.toString(StandardCharsets.UTF_8));
    assertEquals("counter", scrape.types().get("shroud_download_bytes"));
    assertEquals("histogram", scrape.types().get("shroud_circuit_build_seconds"));
    assertEquals("gauge", scrape.types().get("shroud_links_open"));
    assertEquals(16484.0, scrape.value("shroud_download_bytes_total"));
    assertEquals(1.0, scrape.value("shroud_circuit_build_seconds_bucket{le=\"2.5\"}"));
    assertEquals(0.0, scrape.value("shroud_circuit_build_seconds_bucket{le=\"1.0\"}"));
    assertEquals(4075.0, scrape.value("shroud_relay_bytes_total{direction=\"backward\"}"));
    assertTrue(scrape.value("jvm_memory_used_bytes{area=\"heap\"}") > 0);
  }

  @Test
  void malformedTextIsRefused() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> PrometheusParser.parse("# TYPE x counter\nx_total{le=\"1\" 3\n"));
    assertTrue(e.getMessage().contains("refused"), e.getMessage());
  }
}
