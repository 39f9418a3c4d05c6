package io.shroud.content;

import java.nio.charset.StandardCharsets;

/**
 * The rule for file names carried in info dictionaries, manifests and links, so that a name
 * received from a stranger can be used as a single path element when saving: 1 to
 * {@link #MAX_BYTES} bytes of UTF-8, no {@code /}, {@code \}, NUL or other control characters,
 * and not {@code .} or {@code ..}.
 */
public final class FileNames {
  /** Longest name in UTF-8 bytes (the common file-system limit). */
  public static final int MAX_BYTES = 255;

  private FileNames() {}

  /** Returns the reason {@code name} is unacceptable, or {@code null} if it is fine. */
  public static String problem(String name) {
    if (name == null || name.isEmpty()) {
      return "file name is empty";
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return "file name is longer than " + MAX_BYTES + " bytes";
    }
    if (name.equals(".") || name.equals("..")) {
      return "file name is '.' or '..'";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) {
        return "file name contains a separator or control character";
      }
      if (Character.isSurrogate(c)
          && !(Character.isHighSurrogate(c)
              && i + 1 < name.length()
              && Character.isLowSurrogate(name.charAt(++i)))) {
        return "file name contains an unpaired surrogate";
      }
    }
    return null;
  }

  /** Returns {@code name} if acceptable; otherwise throws {@link IllegalArgumentException}. */
  public static String check(String name) {
    String p = problem(name);
    if (p != null) {
      throw new IllegalArgumentException(p);
    }
    return name;
  }
}
