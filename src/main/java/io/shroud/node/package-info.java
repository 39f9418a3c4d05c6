/**
 * The node process: {@code NodeMain}, {@code NodeGuardian} (spawns, supervises and watches the
 * node's long-lived actors), settings ({@code ShroudSettings}, {@code NodeConfig}), the
 * replicated directory of signed descriptors ({@code DirectoryActor}), the node's keys and guards
 * ({@code KeysActor}), and the health checks the management endpoint serves.
 *
 * <p>Layer 7: it may use every package below (swarm, lookup, circuit, dht, link, wire, layer 1);
 * it must not import {@code api} or {@code cli}. ArchitectureTest checks.
 */
package io.shroud.node;
