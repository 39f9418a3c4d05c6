package io.shroud.api;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics}: the node's {@link NodeMetrics} and the JVM's, in the Prometheus text
 * format (0.0.4) as the Prometheus Java client writes it. {@link ShroudRoutes} serves it behind
 * the same {@link RequestGuard} as {@code /shroud/v1/}: a scrape needs the node's token.
 */
final class MetricsRoutes extends AllDirectives {
  private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();
  /**
   * {@code text/plain; version=0.0.4; charset=utf-8}, exactly as the writer says: Pekko renders
   * its own UTF-8 charset as {@code UTF-8}, so the charset is the writer's own spelling.
   */
  static final ContentType CONTENT_TYPE = contentType(WRITER.getContentType());

  private final NodeMetrics metrics;

  /** The metrics of {@code system}'s node, with the JVM's metrics added to its registry. */
  MetricsRoutes(ActorSystem<?> system) {
    this.metrics = Metrics.get(system);
    metrics.registerJvm();
  }

  /** Answers a GET with one scrape of the registry. */
  Route scrape() {
    return complete(HttpResponse.create().withEntity(CONTENT_TYPE, text(metrics)));
  }

  static ContentType contentType(String writers) {
    ContentType parsed = ContentTypes.parse(writers);
    String charset = writers.replaceAll("(?i).*;\\s*charset=([^;\\s]+).*", "$1");
    return ((MediaType.WithOpenCharset) parsed.mediaType()).toContentType(HttpCharsets.custom(charset));
  }

  /** One scrape of {@code metrics}' registry in the text format. */
  static byte[] text(NodeMetrics metrics) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      WRITER.write(out, metrics.registry().scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not throw
    }
    return out.toByteArray();
  }
}
