/**
 * Management HTTP routes under {@code /shroud/v1/} and their JSON views, and the Prometheus
 * scrape at {@code /metrics} (docs/api.md).
 *
 * <p>Layer 8, the top: it may use every package but {@code cli}; nothing imports it (Pekko
 * Management loads {@code ShroudRoutes} by name from the configuration).
 */
package io.shroud.api;
