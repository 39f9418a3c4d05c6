package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShareLinkTest {
  static final byte[] ROOT = HexFormat.of().parseHex(
      "a6afc68433e9fdae982aca6335acacf4a2ef9c9c8511b8212b38cc0987702d18");

  static ShareLink publicLink() {
    return ShareLink.forPublic(new InfoDict("hello world é.txt",
        new PieceGeometry(328680, 65536), ROOT, null));
  }

  static ShareLink encryptedLink() throws Exception {
    ShareKey key = ShareKey.of(new byte[32]);
    PieceGeometry g = new PieceGeometry(328680, 65536);
    byte[] sealed = new Manifest("secret.txt", 328680, "text/plain", new byte[32])
        .seal(key, Manifest.associatedData(g, ROOT), new java.security.SecureRandom());
    return ShareLink.forEncrypted(new InfoDict(ShareLink.ENCRYPTED_NAME, g, ROOT, sealed), key);
  }

  @Test
  void publicLinkRoundTripsAndRebuildsTheInfoDict() {
    ShareLink l = publicLink();
    String text = l.format();
    assertTrue(text.startsWith("magnet:?xt=urn:btmh:1220" + l.infoHashHex() + "&dn=hello%20world%20%C3%A9.txt&xl=328680&x.pl=65536&x.len=328680&x.root="), text);
    ShareLink p = ShareLink.parse(text);
    assertEquals(l, p);
    assertEquals("hello world é.txt", p.displayName().orElseThrow());
    assertFalse(p.encrypted());
    assertArrayEquals(l.infoHash(), p.infoDict().orElseThrow().infoHash());
  }

  @Test
  void encryptedLinkRoundTripsAndHidesTheKeyFromToString() throws Exception {
    ShareLink l = encryptedLink();
    ShareLink p = ShareLink.parse(l.format());
    assertEquals(l, p);
    assertTrue(p.encrypted());
    assertEquals("secret.txt", p.openManifest().name());
    assertFalse(p.toString().contains(p.key().orElseThrow().toBase64Url()));
    assertFalse(p.format().contains("dn="));
  }

  @Test
  void linkWithoutDnIsAcceptedButCannotRebuildTheInfoDict() {
    String text = publicLink().format().replaceAll("&dn=[^&]*", "");
    ShareLink p = ShareLink.parse(text);
    assertTrue(p.infoDict().isEmpty());
    assertTrue(p.piecesRoot().isPresent());
  }

  private static String replace(String link, String param, String value) {
    return link.replaceAll("([?&])" + java.util.regex.Pattern.quote(param) + "=[^&]*",
        "$1" + param + "=" + value);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "bad scheme | http | does not start with 'magnet:?'",
    "missing xt | noxt | missing parameter 'xt'",
    "v1 urn | v1 | urn:btmh:1220",
    "bad multihash prefix | mh | urn:btmh:1220",
    "short hex | shorthex | 64 hex characters",
    "bad hex | badhex | not hex",
    "duplicate | dup | appears twice",
    "xl disagrees with x.len | xl | xl and x.len disagree",
    "partial metadata | nolen | missing parameter 'x.len'",
    "two v2 hashes | twoxt | appears twice",
    "empty param | empty | without a name",
    "piece length not power of two | pl | x.pl",
    "piece length with leading zero | pl0 | canonical decimal",
    "length too big | len | above the limit",
    "piece length past a long | plhuge | above the limit",
    "missing root | noroot | missing parameter 'x.root'",
    "root wrong length | rootlen | x.root must be 64",
    "info-hash mismatch | mismatch | do not match its info-hash",
    "dn with slash | dnslash | separator",
    "dn bad escape | dnesc | bad %-escape",
    "dn raw space | dnspace | must be %-escaped",
    "truncated | truncated | x.root must be 64",
  })
  void rejectsPublic(String what, String mutation, String message) {
    String ok = publicLink().format();
    String bad = switch (mutation) {
      case "http" -> ok.replace("magnet:?", "http://?");
      case "noxt" -> ok.replaceAll("xt=[^&]*&", "");
      case "v1" -> ok.replace("urn:btmh:1220", "urn:btih:");
      case "mh" -> ok.replace("urn:btmh:1220", "urn:btmh:1120");
      case "shorthex" -> ok.replaceAll("(xt=urn:btmh:1220[0-9a-f]{60})[0-9a-f]{4}", "$1");
      case "badhex" -> ok.replaceAll("(xt=urn:btmh:1220[0-9a-f]{60})[0-9a-f]{4}", "$1zzzz");
      case "dup" -> ok + "&x.pl=65536";
      case "xl" -> replace(ok, "xl", "1");
      case "nolen" -> ok.replaceAll("&x.len=[^&]*", "");
      case "twoxt" -> ok + "&xt.1=urn:btmh:1220" + "ab".repeat(32);
      case "empty" -> ok + "&";
      case "pl" -> replace(ok, "x.pl", "65535");
      case "pl0" -> replace(ok, "x.pl", "065536");
      case "len" -> replace(ok, "x.len", "99999999999999999");
      case "plhuge" -> replace(ok, "x.pl", "9999999999999999998"); // found by ShareLinkFuzzTest
      case "noroot" -> ok.replaceAll("&x.root=[^&]*", "");
      case "rootlen" -> replace(ok, "x.root", "abcd");
      case "mismatch" -> replace(ok, "x.len", "328681");
      case "dnslash" -> replace(ok, "dn", "a%2Fb");
      case "dnesc" -> replace(ok, "dn", "a%G1");
      case "dnspace" -> replace(ok, "dn", "a b");
      case "truncated" -> ok.substring(0, ok.length() - 10);
      default -> throw new IllegalArgumentException(mutation);
    };
    ShareLinkException e = assertThrows(ShareLinkException.class, () -> ShareLink.parse(bad));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "key too short | short | x.k: share key must be 43",
    "key bad chars | chars | x.k",
    "key without manifest | nom | must appear together",
    "manifest not base64url | m | x.m",
    "dn on encrypted | dn | dn is not allowed",
    "tracker on encrypted | tr | unknown parameter 'tr'",
    "xl on encrypted | xl | unknown parameter 'xl'",
    "suffixed xt on encrypted | xt1 | unknown parameter 'xt.1'",
    "duplicate on encrypted | dup | appears twice",
    "manifest altered | malt | do not match its info-hash",
  })
  void rejectsEncrypted(String what, String mutation, String message) throws Exception {
    String ok = encryptedLink().format();
    String bad = switch (mutation) {
      case "short" -> replace(ok, "x.k", "AAAA");
      case "chars" -> replace(ok, "x.k", "+".repeat(43));
      case "nom" -> ok.replaceAll("&x.m=[^&]*", "");
      case "m" -> replace(ok, "x.m", "***");
      case "dn" -> ok + "&dn=x";
      case "tr" -> ok + "&tr=udp%3A%2F%2Ft";
      case "xl" -> ok + "&xl=328680";
      case "xt1" -> ok + "&xt.1=urn:btih:" + "ab".repeat(20);
      case "dup" -> ok + "&x.pl=65536";
      case "malt" -> ok.replaceAll("(x.m=)(.)", "$1" + (ok.contains("x.m=A") ? "B" : "A"));
      default -> throw new IllegalArgumentException(mutation);
    };
    ShareLinkException e = assertThrows(ShareLinkException.class, () -> ShareLink.parse(bad));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertFalse(e.getMessage().contains(ShareKey.of(new byte[32]).toBase64Url()));
  }

  @Test
  void rejectsOversizedLinks() {
    String big = publicLink().format() + "&x.m=" + "A".repeat(ShareLink.MAX_LENGTH);
    ShareLinkException e = assertThrows(ShareLinkException.class, () -> ShareLink.parse(big));
    assertTrue(e.getMessage().contains("above the limit of " + ShareLink.MAX_LENGTH));
  }

  @Test
  void randomMutationsOnlyEverThrowShareLinkException() throws Exception {
    String ok = encryptedLink().format();
    Random r = new Random(42);
    for (int i = 0; i < 5000; i++) {
      char[] c = ok.toCharArray();
      c[r.nextInt(c.length)] = (char) r.nextInt(0x3000);
      try {
        ShareLink.parse(new String(c));
      } catch (ShareLinkException expected) {
        // fine
      }
    }
  }
}
