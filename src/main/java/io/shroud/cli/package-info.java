/**
 * The {@code shroud} command (picocli): node, status, devnet, share, shares, fetch,
 * downloads, pause, resume, cancel, ui, demo, completion.
 *
 * <p>Layer 8, the top: it talks to nodes over HTTP and starts node processes; no actors live
 * here (ArchitectureTest checks), and nothing imports it.
 */
package io.shroud.cli;
