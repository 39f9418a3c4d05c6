/**
 * The node's Prometheus metrics: {@link io.shroud.metrics.NodeMetrics}, one registry and its
 * metric objects per node, recorded from the hot paths of every layer above, and
 * {@link io.shroud.metrics.Metrics}, the actor-system extension that gives each node (each
 * {@code ActorSystem}) its own. Exposed by {@code api.MetricsRoutes} at {@code GET /metrics}
 * (docs/api.md, "Metrics").
 *
 * <p>Anonymity rule: a label value is always one of the enums in {@code NodeMetrics}; there is
 * no method taking a free string, so no info-hash, node id, address, path or key can become a
 * label and reveal what a node fetched, shared or whom it talked to.
 *
 * <p>Layer 1: it imports nothing of Shroud. Only {@code Metrics}, the extension holder, names
 * Pekko. ArchitectureTest checks both.
 */
package io.shroud.metrics;
