package io.shroud.swarm.fetch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The checks on a download's output path before anything starts (the API checked the roots). */
final class OutputPaths {
  private OutputPaths() {}

  /** Why {@code outputPath} cannot be a download's output: not absolute, or its directory missing; empty if it can. */
  static Optional<String> problem(String outputPath) {
    if (outputPath == null || outputPath.isBlank()) {
      return Optional.of("output path is required");
    }
    Path p;
    try {
      p = Path.of(outputPath);
    } catch (RuntimeException e) {
      return Optional.of("bad output path: " + e.getMessage());
    }
    if (!p.isAbsolute()) {
      return Optional.of("output path must be absolute: " + outputPath);
    }
    Path dir = p.normalize().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      return Optional.of("output directory does not exist: " + dir);
    }
    return Optional.empty();
  }
}
