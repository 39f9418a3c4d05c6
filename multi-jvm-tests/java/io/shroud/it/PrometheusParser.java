package io.shroud.it;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Parses a {@code /metrics} scrape with the official Prometheus client's own parser, which the
 * Java client (1.x) does not have: {@code prometheus_client.parser.text_string_to_metric_families}
 * of the Python client, from Debian's {@code python3-prometheus-client} under the system's
 * {@code /usr/bin/python3} (.ci/run installs it). The parser raises on malformed input, and then
 * {@link #parse} fails the test with its error.
 */
final class PrometheusParser {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  /** Feeds the text on stdin; prints {"types": {family: type}, "samples": {name{labels}: value}}. */
  private static final String SCRIPT = """
      import json, sys
      from prometheus_client.parser import text_string_to_metric_families
      types, samples = {}, {}
      for family in text_string_to_metric_families(sys.stdin.read()):
          types[family.name] = family.type
          for s in family.samples:
              labels = ",".join('%s="%s"' % (k, v) for k, v in sorted(s.labels.items()))
              samples[s.name + ("{" + labels + "}" if labels else "")] = s.value
      json.dump({"types": types, "samples": samples}, sys.stdout)
      """;

  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build(); // Python writes NaN and Infinity so

  /**
   * What the parser found: each family's type by its name ({@code shroud_download_bytes} for
   * the counter {@code shroud_download_bytes_total}), and every sample's value by its name and
   * labels, labels sorted ({@code shroud_relay_cells_total{direction="forward"}}).
   */
  record Scrape(Map<String, String> types, Map<String, Double> samples) {
    double value(String sample) {
      Double v = samples.get(sample);
      if (v == null) {
        throw new AssertionError("the parsed scrape has no sample " + sample);
      }
      return v;
    }
  }

  private PrometheusParser() {}

  static Scrape parse(String text) throws IOException, InterruptedException {
    if (!Files.isExecutable(PYTHON)) {
      throw new AssertionError(PYTHON + " is missing: install Debian's python3-prometheus-client (.ci/run does)");
    }
    Process p = new ProcessBuilder(PYTHON.toString(), "-c", SCRIPT).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(text.getBytes(StandardCharsets.UTF_8));
    }
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the Prometheus parser did not finish");
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("the Prometheus client's parser refused the scrape (exit " + p.exitValue() + "):\n"
          + err + "\n--- scrape ---\n" + text);
    }
    JsonNode result = JSON.readTree(out);
    Map<String, String> types = new LinkedHashMap<>();
    result.path("types").fields().forEachRemaining(e -> types.put(e.getKey(), e.getValue().asText()));
    Map<String, Double> samples = new LinkedHashMap<>();
    result.path("samples").fields().forEachRemaining(e -> samples.put(e.getKey(), e.getValue().asDouble()));
    return new Scrape(types, samples);
  }
}
