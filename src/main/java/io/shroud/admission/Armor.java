package io.shroud.admission;

import java.util.Base64;

/**
 * The ASCII armor of the documents the authorities sign (docs/protocol.md §10.4): lines outside
 * the block are comments; the block is padded base64 in lines of 64 characters between a
 * {@code -----BEGIN SHROUD <KIND>-----} and a {@code -----END SHROUD <KIND>-----} line; CR LF is
 * accepted; exactly one block; the text is bounded before anything is decoded.
 *
 * @param what the document's name in messages ("revocation list")
 */
record Armor(String what, String begin, String end, int maxChars) {
  /** {@code comment} (one line, no line break) then the block. */
  String armor(String comment, byte[] encoded) {
    StringBuilder s = new StringBuilder();
    s.append("# ").append(comment).append('\n');
    s.append(begin).append('\n');
    String b64 = Base64.getEncoder().encodeToString(encoded);
    for (int i = 0; i < b64.length(); i += 64) {
      s.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
    }
    return s.append(end).append('\n').toString();
  }

  /** The bytes inside the one block of {@code text}. */
  byte[] dearmor(String text) throws AdmissionException {
    if (text == null || text.length() > maxChars) {
      throw new AdmissionException(what + " armor is missing or longer than " + maxChars + " characters");
    }
    int from = lineIndex(text, begin);
    int to = lineIndex(text, end);
    if (from < 0 || to < 0 || to < from) {
      throw new AdmissionException("no " + begin + " ... " + end + " block");
    }
    if (text.indexOf(begin, from + begin.length()) >= 0) {
      throw new AdmissionException("more than one " + what + " block");
    }
    String inner = text.substring(from + begin.length(), to);
    StringBuilder b64 = new StringBuilder(inner.length());
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (c == '\n' || c == '\r') {
        continue;
      }
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=')) {
        throw new AdmissionException(what + " armor holds a character that is not base64");
      }
      b64.append(c);
    }
    if (b64.length() % 4 != 0) {
      throw new AdmissionException(what + " armor is not padded base64");
    }
    try {
      return Base64.getDecoder().decode(b64.toString());
    } catch (IllegalArgumentException e) {
      throw new AdmissionException(what + " armor is not valid base64");
    }
  }

  /** Where {@code marker} starts a line of its own in {@code text}, or -1. */
  private static int lineIndex(String text, String marker) {
    int from = 0;
    while (true) {
      int i = text.indexOf(marker, from);
      if (i < 0) {
        return -1;
      }
      boolean startsLine = i == 0 || text.charAt(i - 1) == '\n';
      int after = i + marker.length();
      boolean endsLine = after == text.length() || text.charAt(after) == '\n' || text.charAt(after) == '\r';
      if (startsLine && endsLine) {
        return i;
      }
      from = i + 1;
    }
  }
}
