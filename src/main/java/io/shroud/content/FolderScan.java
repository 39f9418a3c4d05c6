package io.shroud.content;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The files of a directory to be shared as a folder: every regular file under it, at any depth,
 * with its path under the directory, in BEP 52 file-tree order (components compared as UTF-8
 * bytes). Refused with an {@link IllegalArgumentException} saying which and why: a symbolic link
 * or special file anywhere (a link could point outside the folder, and a downloader could not
 * write it back safely), a path component a {@code .torrent} may not carry
 * ({@link TorrentPaths}), more than {@link Metainfo#MAX_FILES} files, more than 2^40 bytes, or
 * no file at all. Empty directories carry nothing in BEP 52 and are left out, as libtorrent
 * does. Blocking I/O.
 */
public final class FolderScan {
  /**
   * One file found.
   *
   * @param path components under the scanned directory
   * @param file where it is
   * @param length its size when scanned
   * @param executable the owner may execute it (BEP 47 {@code attr "x"}, as libtorrent records it)
   */
  public record Found(List<String> path, Path file, long length, boolean executable) {
    public Found {
      path = List.copyOf(path);
    }
  }

  private FolderScan() {}

  /** Scans {@code dir}; see the class comment for what is refused. */
  public static List<Found> scan(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException("not a directory: " + dir);
    }
    String top = dir.getFileName() == null ? "" : dir.getFileName().toString();
    String topProblem = TorrentPaths.problem(top);
    if (topProblem != null) {
      throw new IllegalArgumentException("the folder's name cannot be shared: " + topProblem);
    }
    List<Found> found = new ArrayList<>();
    long[] total = {0};
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
        if (!d.equals(dir)) {
          check(dir, d);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
        List<String> path = check(dir, f);
        if (attrs.isSymbolicLink()) {
          throw new IllegalArgumentException("'" + String.join("/", path)
              + "' is a symbolic link: a shared folder may hold regular files and directories only");
        }
        if (!attrs.isRegularFile()) {
          throw new IllegalArgumentException("'" + String.join("/", path) + "' is not a regular file");
        }
        if (found.size() == Metainfo.MAX_FILES) {
          throw new IllegalArgumentException("a folder may hold at most " + Metainfo.MAX_FILES + " files");
        }
        total[0] += attrs.size();
        if (total[0] > PieceGeometry.MAX_LENGTH) {
          throw new IllegalArgumentException("the folder's files add up to more than 1 TiB");
        }
        found.add(new Found(path, f, attrs.size(), executable(f)));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
        throw e;
      }
    });
    if (found.isEmpty()) {
      throw new IllegalArgumentException("the folder holds no file: " + dir);
    }
    found.sort(Comparator.comparing(Found::path, FolderScan::compareTreeOrder));
    return found;
  }

  /** The path of {@code p} under {@code dir}, every component checked. */
  private static List<String> check(Path dir, Path p) {
    List<String> path = new ArrayList<>();
    dir.relativize(p).forEach(c -> path.add(c.toString()));
    try {
      TorrentPaths.check(path);
    } catch (BencodeException e) {
      throw new IllegalArgumentException(e.getMessage().replaceFirst("^unsafe path", "cannot share"));
    }
    return path;
  }

  private static boolean executable(Path f) throws IOException {
    PosixFileAttributeView posix = Files.getFileAttributeView(f, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    return posix != null && posix.readAttributes().permissions().contains(PosixFilePermission.OWNER_EXECUTE);
  }

  /** Depth-first in key order: component by component, as UTF-8 bytes, unsigned. */
  static int compareTreeOrder(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = java.util.Arrays.compareUnsigned(a.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8),
          b.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }
}
