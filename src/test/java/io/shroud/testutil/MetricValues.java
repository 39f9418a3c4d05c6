package io.shroud.testutil;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.shroud.metrics.NodeMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a node's metrics as a scrape shows them: every sample line of the text format, keyed by
 * its name and labels exactly as written ({@code shroud_relay_cells_total{direction="forward"}}).
 */
public final class MetricValues {
  private MetricValues() {}

  /** Every sample of one scrape of {@code metrics}. */
  public static Map<String, Double> scrape(NodeMetrics metrics) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return samples(out.toString(StandardCharsets.UTF_8));
  }

  /** The samples of a text-format scrape; comment lines are skipped. */
  public static Map<String, Double> samples(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }

  /** One sample's value; fails if the scrape has no such sample. */
  public static double value(NodeMetrics metrics, String sample) {
    Double v = scrape(metrics).get(sample);
    if (v == null) {
      throw new AssertionError("no sample " + sample + " in the scrape");
    }
    return v;
  }
}
