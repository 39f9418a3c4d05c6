package io.shroud.content;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/** Parameter-level checks for {@link ShareLink#parse}. */
final class ShareLinkParams {
  /** Every parameter an encrypted link may carry: it holds the key, so nothing else is let in. */
  static final Set<String> ENCRYPTED = Set.of("xt", "x.pl", "x.len", "x.root", "x.k", "x.m");
  /** The parameters that carry a share's metadata in a link (all three, or none: a bare magnet). */
  static final Set<String> METADATA = Set.of("x.pl", "x.len", "x.root");

  private ShareLinkParams() {}

  static String require(Map<String, String> params, String name) {
    String v = params.get(name);
    if (v == null) {
      throw new ShareLinkException("missing parameter '" + name + "'");
    }
    return v;
  }

  static byte[] hex32(String s, String what) {
    if (s.length() != 64) {
      throw new ShareLinkException(what + " must be 64 hex characters, got " + s.length());
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0 || s.charAt(i) > 0x7f) {
        throw new ShareLinkException(what + " has a character that is not hex");
      }
    }
    return HexFormat.of().parseHex(s);
  }

  static long decimal(Map<String, String> params, String name, long max) {
    return decimal(name, require(params, name), max);
  }

  static long decimal(String name, String s, long max) {
    if (s.isEmpty() || s.length() > 19 || (s.length() > 1 && s.charAt(0) == '0')
        || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new ShareLinkException(name + " is not a canonical decimal number");
    }
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) { // 19 canonical digits past Long.MAX_VALUE
      v = Long.MAX_VALUE;
    }
    if (v > max || v == Long.MAX_VALUE) {
      throw new ShareLinkException(name + " is above the limit of " + max);
    }
    return v;
  }

  static byte[] base64Url(String s, String what, int maxBytes) {
    if (s.isEmpty() || s.length() > (maxBytes * 4 + 2) / 3) {
      throw new ShareLinkException(what + " has an impossible length");
    }
    byte[] b;
    try {
      b = Base64.getUrlDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new ShareLinkException(what + " is not base64url");
    }
    if (!Base64.getUrlEncoder().withoutPadding().encodeToString(b).equals(s)) {
      throw new ShareLinkException(what + " is not canonical unpadded base64url");
    }
    return b;
  }

  static boolean unreserved(int c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }
}
