/** The {@code shroud} command (picocli): node, status, devnet. No actors live here. */
package io.shroud.cli;
