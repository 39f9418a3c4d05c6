package io.shroud.content;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A share link: a BEP 9 magnet URI naming the v2 info-hash, plus Shroud's {@code x.} parameters
 * that let a downloader verify every piece from the link alone and, for an encrypted share,
 * decrypt it:
 *
 * <pre>
 * magnet:?xt=urn:btmh:1220&lt;64 hex info-hash&gt;
 *        &amp;dn=&lt;name&gt;               public shares only, optional
 *        &amp;x.pl=&lt;piece length&gt;     decimal
 *        &amp;x.len=&lt;length&gt;         decimal, bytes the network carries (ciphertext length)
 *        &amp;x.root=&lt;64 hex&gt;         pieces root; absent exactly when x.len is 0
 *        &amp;x.k=&lt;43 base64url&gt;      encrypted shares: the share key
 *        &amp;x.m=&lt;base64url&gt;         encrypted shares: the sealed manifest
 * </pre>
 *
 * {@link #parse} is strict: every rule breach, and a link whose parameters rebuild an info
 * dictionary with a different SHA-256 than {@code xt}, is a {@link ShareLinkException}. Its
 * {@link #toString()} leaves the key out.
 */
public final class ShareLink {
  /** Longest link accepted, in characters. */
  public static final int MAX_LENGTH = 2048;
  /** The name the info dictionary of every encrypted share carries (the real one is in the manifest). */
  public static final String ENCRYPTED_NAME = "shroud-encrypted";
  private static final String PREFIX = "magnet:?";
  private static final String XT_PREFIX = "urn:btmh:1220";

  private final byte[] infoHash;
  private final PieceGeometry geometry;
  private final byte[] piecesRoot;
  private final String displayName;
  private final ShareKey key;
  private final byte[] sealedManifest;

  private ShareLink(byte[] infoHash, PieceGeometry geometry, byte[] piecesRoot,
      String displayName, ShareKey key, byte[] sealedManifest) {
    this.infoHash = infoHash;
    this.geometry = geometry;
    this.piecesRoot = piecesRoot;
    this.displayName = displayName;
    this.key = key;
    this.sealedManifest = sealedManifest;
  }

  /** The link of a public share; {@code info} must carry no manifest. */
  public static ShareLink forPublic(InfoDict info) {
    if (info.sealedManifest().isPresent()) {
      throw new IllegalArgumentException("a public share has no manifest");
    }
    return new ShareLink(info.infoHash(), info.geometry(), info.piecesRoot().orElse(null),
        info.name(), null, null);
  }

  /** The link of an encrypted share; {@code info} must carry its sealed manifest. */
  public static ShareLink forEncrypted(InfoDict info, ShareKey key) {
    return new ShareLink(info.infoHash(), info.geometry(), info.piecesRoot().orElse(null), null,
        key, info.sealedManifest().orElseThrow(
            () -> new IllegalArgumentException("an encrypted share needs a manifest")));
  }

  public byte[] infoHash() {
    return infoHash.clone();
  }

  public String infoHashHex() {
    return HexFormat.of().formatHex(infoHash);
  }

  public PieceGeometry geometry() {
    return geometry;
  }

  /** The pieces root, absent for an empty file. */
  public Optional<byte[]> piecesRoot() {
    return Optional.ofNullable(piecesRoot).map(byte[]::clone);
  }

  /** The {@code dn} of a public share, if the link has one. */
  public Optional<String> displayName() {
    return Optional.ofNullable(displayName);
  }

  public boolean encrypted() {
    return key != null;
  }

  public Optional<ShareKey> key() {
    return Optional.ofNullable(key);
  }

  public Optional<byte[]> sealedManifest() {
    return Optional.ofNullable(sealedManifest).map(byte[]::clone);
  }

  /**
   * The info dictionary rebuilt from the link, when the link carries enough (always for an
   * encrypted share; for a public one only with {@code dn}). Its SHA-256 equals {@link #infoHash()}.
   */
  public Optional<InfoDict> infoDict() {
    if (key != null) {
      return Optional.of(new InfoDict(ENCRYPTED_NAME, geometry, piecesRoot, sealedManifest));
    }
    if (displayName != null) {
      return Optional.of(new InfoDict(displayName, geometry, piecesRoot, null));
    }
    return Optional.empty();
  }

  /** Opens the manifest of an encrypted share. */
  public Manifest openManifest() throws ContentDecryptionException {
    if (key == null) {
      throw new IllegalStateException("a public share has no manifest");
    }
    return Manifest.open(key, Manifest.associatedData(geometry, piecesRoot), sealedManifest);
  }

  /** The link as text. */
  public String format() {
    StringBuilder sb = new StringBuilder(PREFIX).append("xt=").append(XT_PREFIX)
        .append(infoHashHex());
    if (displayName != null) {
      sb.append("&dn=").append(percentEncode(displayName));
    }
    sb.append("&x.pl=").append(geometry.pieceLength()).append("&x.len=").append(geometry.length());
    if (piecesRoot != null) {
      sb.append("&x.root=").append(HexFormat.of().formatHex(piecesRoot));
    }
    if (key != null) {
      sb.append("&x.k=").append(key.toBase64Url()).append("&x.m=")
          .append(Base64.getUrlEncoder().withoutPadding().encodeToString(sealedManifest));
    }
    return sb.toString();
  }

  /** Parses and checks a link; see the class comment for the rules. */
  public static ShareLink parse(String link) {
    if (link == null) {
      throw new ShareLinkException("link is null");
    }
    if (link.length() > MAX_LENGTH) {
      throw new ShareLinkException(
          "link is " + link.length() + " characters, above the limit of " + MAX_LENGTH);
    }
    if (!link.startsWith(PREFIX)) {
      throw new ShareLinkException("link does not start with 'magnet:?'");
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (String part : link.substring(PREFIX.length()).split("&", -1)) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new ShareLinkException("parameter without a name or '=': '" + clip(part) + "'");
      }
      String name = part.substring(0, eq);
      if (!ShareLinkParams.KNOWN.contains(name)) {
        throw new ShareLinkException("unknown parameter '" + clip(name) + "'");
      }
      if (params.put(name, part.substring(eq + 1)) != null) {
        throw new ShareLinkException("parameter '" + name + "' appears twice");
      }
    }
    String xt = ShareLinkParams.require(params, "xt");
    if (!xt.startsWith(XT_PREFIX)) {
      throw new ShareLinkException(
          "xt is not 'urn:btmh:1220…' (a SHA-256 multihash of the v2 info-hash)");
    }
    byte[] infoHash = ShareLinkParams.hex32(xt.substring(XT_PREFIX.length()), "xt info-hash");
    int pieceLength = (int) ShareLinkParams.decimal(params, "x.pl", PieceGeometry.MAX_PIECE_LENGTH);
    long length = ShareLinkParams.decimal(params, "x.len", PieceGeometry.MAX_LENGTH);
    PieceGeometry geometry;
    try {
      geometry = new PieceGeometry(length, pieceLength);
    } catch (IllegalArgumentException e) {
      throw new ShareLinkException("x.pl: " + e.getMessage());
    }
    String rootText = params.get("x.root");
    if ((length == 0) != (rootText == null)) {
      throw new ShareLinkException(length == 0
          ? "x.root must be absent for an empty file" : "missing parameter 'x.root'");
    }
    byte[] root = rootText == null ? null : ShareLinkParams.hex32(rootText, "x.root");
    String k = params.get("x.k");
    String m = params.get("x.m");
    if ((k == null) != (m == null)) {
      throw new ShareLinkException("x.k and x.m must appear together");
    }
    ShareLink parsed;
    if (k != null) {
      if (params.containsKey("dn")) {
        throw new ShareLinkException("dn is not allowed on an encrypted share (the name is sealed)");
      }
      ShareKey key;
      try {
        key = ShareKey.fromBase64Url(k);
      } catch (IllegalArgumentException e) {
        throw new ShareLinkException("x.k: " + e.getMessage());
      }
      byte[] manifest = ShareLinkParams.base64Url(m, "x.m", Manifest.MAX_SEALED_LENGTH);
      parsed = new ShareLink(infoHash, geometry, root, null, key, manifest);
    } else {
      String dn = params.containsKey("dn") ? percentDecode(params.get("dn")) : null;
      if (dn != null && FileNames.problem(dn) != null) {
        throw new ShareLinkException("dn: " + FileNames.problem(dn));
      }
      parsed = new ShareLink(infoHash, geometry, root, dn, null, null);
    }
    parsed.infoDict().ifPresent(info -> {
      if (!MessageDigest.isEqual(info.infoHash(), infoHash)) {
        throw new ShareLinkException("link parameters do not match its info-hash");
      }
    });
    return parsed;
  }

  private static String clip(String s) {
    String t = s.length() > 24 ? s.substring(0, 24) + "…" : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }

  static String percentEncode(String s) {
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

  static String percentDecode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new ShareLinkException("dn has a truncated %-escape");
        }
        int hi = s.charAt(i + 1) < 0x80 ? Character.digit(s.charAt(i + 1), 16) : -1;
        int lo = s.charAt(i + 2) < 0x80 ? Character.digit(s.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw new ShareLinkException("dn has a bad %-escape");
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else if (c < 0x80 && ShareLinkParams.unreserved(c)) {
        out.write(c);
      } else {
        throw new ShareLinkException("dn has a character that must be %-escaped");
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .decode(ByteBuffer.wrap(out.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw new ShareLinkException("dn is not UTF-8");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShareLink l && format().equals(l.format());
  }

  @Override
  public int hashCode() {
    return infoHashHex().hashCode();
  }

  @Override
  public String toString() {
    return "ShareLink[" + infoHashHex() + (encrypted() ? ", encrypted" : ", public") + "]";
  }
}
