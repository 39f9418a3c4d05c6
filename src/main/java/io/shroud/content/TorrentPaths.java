package io.shroud.content;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The rules every path component of a {@code .torrent} must meet before any of it may name a file
 * on disk, so that a path from a stranger can only ever name a file inside the download
 * directory, the same file on every common file system:
 *
 * <ul>
 *   <li>not empty, not {@code .} or {@code ..}: they name the directory itself or climb out of it;
 *   <li>no {@code /} or {@code \}: separators would split one component into several (and a
 *       leading one makes the path absolute); no {@code :}: on Windows {@code C:x} is
 *       drive-relative and {@code a:b} an alternate data stream of {@code a};
 *   <li>no NUL or other control character (C0 and DEL): NUL ends a name in the OS's C API, the
 *       others corrupt terminals and logs that show the name;
 *   <li>at most {@value FileNames#MAX_BYTES} bytes of UTF-8: the name limit of ext4, NTFS, APFS;
 *   <li>not a Windows device name ({@code CON PRN AUX NUL COM0-9 LPT0-9}, any case, with or
 *       without an extension): Windows opens the device instead of a file;
 *   <li>not ending in a space or a dot: Windows drops them, so {@code a.} and {@code a} would be
 *       the same file.
 * </ul>
 *
 * A whole path is at most {@link #MAX_PATH_BYTES} bytes. Characters merely invalid on Windows
 * ({@code < > " | ? *}) are allowed: they cannot escape the directory, and refusing them would
 * refuse ordinary names such as {@code What?.mp3}; writing such a file on Windows fails cleanly.
 */
public final class TorrentPaths {
  /** Longest path (components joined by {@code /}) in UTF-8 bytes: Linux's PATH_MAX. */
  public static final int MAX_PATH_BYTES = 4096;
  private static final Set<String> DEVICES = Set.of("CON", "PRN", "AUX", "NUL",
      "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
      "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9");

  private TorrentPaths() {}

  /** Why {@code component} may not be a path component, or null when it may. */
  public static String problem(String component) {
    if (component.isEmpty()) {
      return "an empty component is not allowed";
    }
    if (component.equals(".") || component.equals("..")) {
      return "'" + component + "' is not allowed (it names or climbs out of the directory)";
    }
    for (int i = 0; i < component.length(); i++) {
      char c = component.charAt(i);
      if (c == '/' || c == '\\') {
        return "a component may not contain a path separator";
      }
      if (c == ':') {
        return "a component may not contain ':' (a drive or stream name on Windows)";
      }
      if (c < 0x20 || c == 0x7f) {
        return "a component may not contain NUL or another control character";
      }
    }
    if (component.getBytes(StandardCharsets.UTF_8).length > FileNames.MAX_BYTES) {
      return "a component may be at most " + FileNames.MAX_BYTES + " bytes";
    }
    int dot = component.indexOf('.');
    String stem = (dot < 0 ? component : component.substring(0, dot)).stripTrailing();
    if (DEVICES.contains(stem.toUpperCase(Locale.ROOT))) {
      return "'" + stem + "' is a Windows device name";
    }
    char last = component.charAt(component.length() - 1);
    if (last == ' ' || last == '.') {
      return "a component may not end in a space or a dot";
    }
    return null;
  }

  /** Checks every component of {@code path}; the error names the whole path, shown safely. */
  public static void check(List<String> path) {
    if (path.isEmpty()) {
      throw new BencodeException("a file has an empty path", -1);
    }
    int bytes = 0;
    for (String component : path) {
      String p = problem(component);
      if (p != null) {
        throw new BencodeException("unsafe path '" + show(path) + "': " + p, -1);
      }
      bytes += component.getBytes(StandardCharsets.UTF_8).length + 1;
    }
    if (bytes - 1 > MAX_PATH_BYTES) {
      throw new BencodeException("path '" + show(path) + "' is longer than " + MAX_PATH_BYTES
          + " bytes", -1);
    }
  }

  /** The path for an error message: components joined by '/', control characters as '?', clipped. */
  static String show(List<String> path) {
    String joined = String.join("/", path).replaceAll("[\\x00-\\x1f\\x7f]", "?");
    return joined.length() > 120 ? joined.substring(0, 120) + "…" : joined;
  }
}
