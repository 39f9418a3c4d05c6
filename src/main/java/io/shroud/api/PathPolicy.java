package io.shroud.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which files the management API may share and where a download may write: a share's file or
 * folder must lie under one of the share roots and an output under one of the download roots,
 * neither may lie in the node's data directory (keys, journal, ciphertext, the token), and a
 * shared folder may not hold it, whatever the roots say. Paths are judged by where they really are: normalised, and every part
 * that exists resolved with {@link Path#toRealPath} (symbolic links followed), so neither
 * {@code ..} nor a link leads out. The allowed path handed on is that resolved path.
 *
 * <p>Pure apart from reading the file system's links; the roots are injected.
 */
public final class PathPolicy {
  /** The path to use, or why not (HTTP-like status: 400 for a malformed path, 403 for a forbidden one). */
  public sealed interface Decision {}

  public record Allowed(Path path) implements Decision {}

  public record Refused(int status, String reason) implements Decision {}

  private final List<Path> shareRoots;
  private final List<Path> downloadRoots;
  private final Path dataDir;

  public PathPolicy(List<Path> shareRoots, List<Path> downloadRoots, Path dataDir) {
    this.shareRoots = real(shareRoots);
    this.downloadRoots = real(downloadRoots);
    this.dataDir = real(List.of(dataDir)).get(0);
  }

  /** May the file at {@code requested} be shared? Allowed carries its real path. */
  public Decision share(String requested) {
    Decision parsed = absolute(requested);
    if (!(parsed instanceof Allowed a)) {
      return parsed;
    }
    Path lexical = a.path();
    Decision early = judge(lexical, shareRoots, "share", "shroud.management.share-roots");
    if (early instanceof Refused) {
      return early;
    }
    Path real;
    try {
      real = lexical.toRealPath();
    } catch (NoSuchFileException e) {
      return new Refused(400, "no such file: " + lexical);
    } catch (IOException e) {
      return new Refused(400, "the node cannot resolve " + lexical + ": " + e.getClass().getSimpleName());
    }
    Decision d = judge(real, shareRoots, "share", "shroud.management.share-roots");
    if (d instanceof Allowed && dataDir.startsWith(real)) {
      // a folder share takes every file under it: one holding the data directory would share the keys
      return new Refused(403, "share " + real + " holds the node's data directory (keys, journal, ciphertext, "
          + "token): never shareable");
    }
    return d instanceof Refused ? d : new Allowed(real);
  }

  /**
   * May a download write {@code requested}? The file itself need not exist (it must not, the
   * download checks); its existing ancestors are resolved, and the output itself must not be a
   * symbolic link. Allowed carries the resolved path.
   */
  public Decision output(String requested) {
    Decision parsed = absolute(requested);
    if (!(parsed instanceof Allowed a)) {
      return parsed;
    }
    Path lexical = a.path();
    if (lexical.getFileName() == null) {
      return new Refused(400, "output must name a file, got " + lexical);
    }
    Decision early = judge(lexical, downloadRoots, "output", "shroud.management.download-roots");
    if (early instanceof Refused) {
      return early;
    }
    if (Files.isSymbolicLink(lexical)) {
      return new Refused(403, "output " + lexical + " is a symbolic link: the node does not write through links");
    }
    Path resolved;
    try {
      resolved = resolveExisting(lexical);
    } catch (IOException e) {
      return new Refused(400, "the node cannot resolve " + lexical + ": " + e.getClass().getSimpleName());
    }
    Decision d = judge(resolved, downloadRoots, "output", "shroud.management.download-roots");
    return d instanceof Refused ? d : new Allowed(resolved);
  }

  private static Decision absolute(String requested) {
    Path p;
    try {
      p = Path.of(requested);
    } catch (InvalidPathException e) {
      return new Refused(400, "bad path: " + e.getMessage());
    }
    if (!p.isAbsolute()) {
      return new Refused(400, "path must be absolute, got " + requested);
    }
    return new Allowed(p.normalize());
  }

  private Decision judge(Path p, List<Path> roots, String what, String setting) {
    if (p.startsWith(dataDir)) {
      return new Refused(403, what + " " + p + " is inside the node's data directory (keys, journal, "
          + "ciphertext, token): never shareable and never an output");
    }
    for (Path root : roots) {
      if (p.startsWith(root)) {
        return new Allowed(p);
      }
    }
    return new Refused(403, what + " " + p + " is outside " + setting + " " + roots);
  }

  /** The longest existing ancestor (or the path itself) by its real path, then the rest. */
  static Path resolveExisting(Path absolute) throws IOException {
    Path existing = absolute;
    List<Path> rest = new ArrayList<>();
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      rest.add(0, existing.getFileName());
      existing = existing.getParent();
    }
    Path resolved = existing == null ? absolute.getRoot() : existing.toRealPath();
    for (Path part : rest) {
      resolved = resolved.resolve(part);
    }
    return resolved;
  }

  private static List<Path> real(List<Path> dirs) {
    List<Path> out = new ArrayList<>();
    for (Path d : dirs) {
      try {
        out.add(resolveExisting(d.toAbsolutePath().normalize()));
      } catch (IOException e) {
        out.add(d.toAbsolutePath().normalize());
      }
    }
    return List.copyOf(out);
  }
}
