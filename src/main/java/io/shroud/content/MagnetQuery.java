package io.shroud.content;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The query of a {@code magnet:?} URI split into its parameters, in order, with the bounds and
 * the percent-decoding every magnet shares; what the parameters mean is {@link Magnet}'s job.
 *
 * <p>Names are kept as written, except that a standard name with a numeric suffix
 * ({@code xt.1}, {@code tr.2}) loses the suffix, as libtorrent does (BEP 9 and the magnet
 * scheme allow it). Values are decoded the way libtorrent's {@code unescape_string} does:
 * {@code %XX} is a byte, {@code +} a space, any other visible character itself; control
 * characters, spaces and a broken {@code %}-escape are errors for the parameters Shroud reads.
 */
final class MagnetQuery {
  static final String PREFIX = "magnet:?";
  /** Most parameters one magnet may carry (a long tracker list fits). */
  static final int MAX_PARAMS = 128;
  /** Standard names that may carry a numeric suffix. */
  private static final Set<String> SUFFIXABLE =
      Set.of("xt", "dn", "xl", "tr", "ws", "as", "xs", "kt", "mt", "so", "dht");

  /** One {@code name=value}; {@code raw} is the name as written, {@code value} still escaped. */
  record Param(String name, String raw, String value) {}

  private MagnetQuery() {}

  static List<Param> split(String link, int maxLength) {
    if (link == null) {
      throw new ShareLinkException("link is null");
    }
    if (link.length() > maxLength) {
      throw new ShareLinkException(
          "link is " + link.length() + " characters, above the limit of " + maxLength);
    }
    if (!link.startsWith(PREFIX)) {
      throw new ShareLinkException("link does not start with 'magnet:?'");
    }
    List<Param> params = new ArrayList<>();
    for (String part : link.substring(PREFIX.length()).split("&", -1)) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new ShareLinkException("parameter without a name or '=': '" + clip(part) + "'");
      }
      if (params.size() == MAX_PARAMS) {
        throw new ShareLinkException("link has more than " + MAX_PARAMS + " parameters");
      }
      String raw = part.substring(0, eq);
      params.add(new Param(canonicalName(raw), raw, part.substring(eq + 1)));
    }
    return params;
  }

  /** {@code xt.1} → {@code xt}; Shroud's own {@code x.*} names and unknown names stay as written. */
  static String canonicalName(String raw) {
    int dot = raw.indexOf('.');
    if (dot > 0 && dot < raw.length() - 1 && SUFFIXABLE.contains(raw.substring(0, dot))
        && raw.substring(dot + 1).chars().allMatch(c -> c >= '0' && c <= '9')) {
      return raw.substring(0, dot);
    }
    return raw;
  }

  /** Decodes a value as UTF-8 text; {@code what} names it in the error. */
  static String decode(String s, String what) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new ShareLinkException(what + " has a truncated %-escape");
        }
        int hi = s.charAt(i + 1) < 0x80 ? Character.digit(s.charAt(i + 1), 16) : -1;
        int lo = s.charAt(i + 2) < 0x80 ? Character.digit(s.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw new ShareLinkException(what + " has a bad %-escape");
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else if (c == '+') {
        out.write(' ');
      } else if (c > 0x20 && c < 0x7f) {
        out.write(c);
      } else {
        throw new ShareLinkException(what + " has a character that must be %-escaped");
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .decode(ByteBuffer.wrap(out.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw new ShareLinkException(what + " is not UTF-8");
    }
  }

  /** RFC 3986 percent-encoding: every byte but the unreserved {@code A-Z a-z 0-9 - . _ ~}. */
  static String encode(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (ShareLinkParams.unreserved(c)) {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }

  static String clip(String s) {
    String t = s.length() > 24 ? s.substring(0, 24) + "…" : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
