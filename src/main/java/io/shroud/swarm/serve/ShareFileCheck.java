package io.shroud.swarm.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Checks a path a person asked to share, and whether a shared file changed since. Pure
 * apart from reading file attributes.
 */
final class ShareFileCheck {
  private ShareFileCheck() {}

  /** What the file looked like when it was shared: size and modification time. */
  record Fingerprint(long size, long modifiedMillis) {}

  /** Why a path cannot be shared, as a message for a 4xx answer; empty when it can. */
  static Optional<String> problem(Path path) {
    if (!path.isAbsolute()) {
      return Optional.of("path must be absolute: " + path);
    }
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.exists(path)) {
      return Optional.of("no such file: " + path);
    }
    if (Files.isDirectory(path)) {
      return Optional.of("is a directory, not a file: " + path);
    }
    if (!Files.isRegularFile(path)) {
      return Optional.of("not a regular file: " + path);
    }
    if (!Files.isReadable(path)) {
      return Optional.of("the node cannot read " + path);
    }
    return Optional.empty();
  }

  /** The file's current fingerprint, or empty if it is gone or unreadable. */
  static Optional<Fingerprint> fingerprint(Path path) {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      return Optional.of(new Fingerprint(a.size(), a.lastModifiedTime().toMillis()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Why a shared file is stale (changed or gone since it was shared), or empty if it is not. */
  static Optional<String> staleness(Path path, Fingerprint whenShared) {
    Optional<Fingerprint> now = fingerprint(path);
    if (now.isEmpty()) {
      return Optional.of("file is gone or unreadable");
    }
    if (now.get().size() != whenShared.size()) {
      return Optional.of("file size changed from " + whenShared.size() + " to " + now.get().size());
    }
    if (now.get().modifiedMillis() != whenShared.modifiedMillis()) {
      return Optional.of("file was modified since it was shared");
    }
    return Optional.empty();
  }
}
