package io.shroud.content;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Any magnet link a person may hand Shroud, parsed: a Shroud link (its {@link ShareLink}) or a
 * magnet from another BitTorrent client that names only the v2 info-hash.
 *
 * <ul>
 *   <li>An <b>encrypted</b> Shroud link (it has {@code x.k}/{@code x.m}) carries the key and
 *       keeps its strict parameter set: only {@code xt x.pl x.len x.root x.k x.m}, each once.
 *   <li>A <b>public</b> link or magnet needs one {@code xt=urn:btmh:1220<64 hex>}. It may carry a
 *       v1 hash too ({@code xt=urn:btih:}, hybrid magnets), {@code dn}, {@code xl}, any number of
 *       {@code tr}, {@code ws}, {@code x.pe}, {@code so}, and any other parameter, which is
 *       ignored (BEP 9). With Shroud's {@code x.pl x.len x.root} it is a full {@link ShareLink}
 *       whose metadata is checked against the info-hash; with none of them it names the
 *       info-hash only: {@link #shareLink()} is empty, {@link #metadataKnown()} false.
 * </ul>
 *
 * {@code dn}, {@code xt}, {@code xl} and Shroud's parameters may each appear once.
 */
public final class Magnet {
  /**
   * Why a magnet without Shroud's metadata parameters is refused where the metadata must be in
   * the link itself ({@link ShareLink#parse}); a download accepts it and fetches the metadata
   * from the providers.
   */
  public static final String NO_METADATA = "this link carries no metadata (x.pl, x.len, x.root),"
      + " only the info-hash: a download fetches the metadata from the providers, but here the"
      + " Shroud link or the .torrent of the share is needed";

  private static final String BTMH = "urn:btmh:";
  private static final String BTIH = "urn:btih:";
  private static final String SHA256_MULTIHASH = "1220";

  private final byte[] infoHash;
  private final byte[] v1InfoHash;
  private final String displayName;
  private final Long exactLength;
  private final List<String> trackers;
  private final List<String> webSeeds;
  private final ShareLink shareLink;
  private final ShareKey folderKey;

  private Magnet(byte[] infoHash, byte[] v1InfoHash, String displayName, Long exactLength,
      List<String> trackers, List<String> webSeeds, ShareLink shareLink) {
    this(infoHash, v1InfoHash, displayName, exactLength, trackers, webSeeds, shareLink, null);
  }

  private Magnet(byte[] infoHash, byte[] v1InfoHash, String displayName, Long exactLength,
      List<String> trackers, List<String> webSeeds, ShareLink shareLink, ShareKey folderKey) {
    this.folderKey = folderKey;
    this.infoHash = infoHash;
    this.v1InfoHash = v1InfoHash;
    this.displayName = displayName;
    this.exactLength = exactLength;
    this.trackers = List.copyOf(trackers);
    this.webSeeds = List.copyOf(webSeeds);
    this.shareLink = shareLink;
  }

  /** The v2 info-hash ({@code xt=urn:btmh:1220…}). */
  public byte[] infoHash() {
    return infoHash.clone();
  }

  public String infoHashHex() {
    return HexFormat.of().formatHex(infoHash);
  }

  /** The v1 info-hash of a hybrid magnet ({@code xt=urn:btih:}), if it has one. */
  public Optional<byte[]> v1InfoHash() {
    return Optional.ofNullable(v1InfoHash).map(byte[]::clone);
  }

  public Optional<String> displayName() {
    return Optional.ofNullable(displayName);
  }

  /** {@code xl}: the length the magnet claims (a hint until metadata is known). */
  public OptionalLong exactLength() {
    return exactLength == null ? OptionalLong.empty() : OptionalLong.of(exactLength);
  }

  /** {@code tr} values, decoded, in order (Shroud uses no trackers; kept for display). */
  public List<String> trackers() {
    return trackers;
  }

  /** {@code ws} values, decoded, in order (unused by Shroud). */
  public List<String> webSeeds() {
    return webSeeds;
  }

  /**
   * The key of an encrypted folder ({@code x.fk}): its info dictionary is fetched from the
   * seeders and opened with it ({@link Folder#parse}). A secret, like an encrypted link's key.
   */
  public Optional<ShareKey> folderKey() {
    return Optional.ofNullable(folderKey);
  }

  /** True when the magnet carries the share's metadata, so a download can start from it alone. */
  public boolean metadataKnown() {
    return shareLink != null;
  }

  /** The Shroud link, when the metadata is known; empty for a magnet that names the info-hash only. */
  public Optional<ShareLink> shareLink() {
    return Optional.ofNullable(shareLink);
  }

  /** The Shroud link, or a {@link ShareLinkException} saying {@link #NO_METADATA}. */
  public ShareLink requireShareLink() {
    if (shareLink == null) {
      throw new ShareLinkException(NO_METADATA);
    }
    return shareLink;
  }

  /** Parses any magnet; see the class comment for the rules. */
  public static Magnet parse(String text) {
    List<MagnetQuery.Param> params = MagnetQuery.split(text, ShareLink.MAX_LENGTH);
    if (params.stream().anyMatch(p -> p.raw().equals("x.fk"))) {
      return encryptedFolder(params);
    }
    if (params.stream().anyMatch(p -> p.raw().equals("x.k") || p.raw().equals("x.m"))) {
      ShareLink link = encrypted(params);
      return new Magnet(link.infoHash(), null, null, null, List.of(), List.of(), link);
    }
    Map<String, String> once = new HashMap<>();
    List<String> btmh = new ArrayList<>();
    List<String> btih = new ArrayList<>();
    List<String> trackers = new ArrayList<>();
    List<String> webSeeds = new ArrayList<>();
    for (MagnetQuery.Param p : params) {
      switch (p.name()) {
        case "xt" -> {
          if (p.value().startsWith(BTMH)) {
            btmh.add(p.value());
          } else if (p.value().startsWith(BTIH)) {
            btih.add(p.value());
          } // other URNs (ed2k, sha1, …) name other networks: ignored
        }
        case "dn", "xl", "x.pl", "x.len", "x.root" -> {
          if (once.put(p.name(), p.value()) != null) {
            throw new ShareLinkException("parameter '" + p.name() + "' appears twice");
          }
        }
        case "tr" -> lenient(p.value()).ifPresent(trackers::add);
        case "ws" -> lenient(p.value()).ifPresent(webSeeds::add);
        default -> { } // x.pe, so, dht and anything unknown: ignored (BEP 9)
      }
    }
    if (btmh.isEmpty()) {
      throw new ShareLinkException(btih.isEmpty() ? "missing parameter 'xt'"
          : "a v1-only magnet (xt=urn:btih:) has no SHA-256 info-hash: Shroud needs"
              + " xt=urn:btmh:1220… (a v2 or hybrid torrent)");
    }
    if (btmh.size() > 1 || btih.size() > 1) {
      throw new ShareLinkException("parameter 'xt' appears twice for the same hash type");
    }
    byte[] infoHash = v2Hash(btmh.get(0));
    byte[] v1 = btih.isEmpty() ? null : v1Hash(btih.get(0));
    String dn = once.containsKey("dn") ? MagnetQuery.decode(once.get("dn"), "dn") : null;
    if (dn != null && FileNames.problem(dn) != null) {
      throw new ShareLinkException("dn: " + FileNames.problem(dn));
    }
    Long xl = once.containsKey("xl")
        ? ShareLinkParams.decimal("xl", once.get("xl"), PieceGeometry.MAX_LENGTH) : null;
    ShareLink link = null;
    if (ShareLinkParams.METADATA.stream().anyMatch(once::containsKey)) {
      link = ShareLink.checked(infoHash, geometry(once), root(once), dn, null, null);
      if (xl != null && xl != link.geometry().length()) {
        throw new ShareLinkException("xl and x.len disagree");
      }
    }
    return new Magnet(infoHash, v1, dn, xl, trackers, webSeeds, link);
  }

  /** An encrypted folder's link: exactly {@code xt} and {@code x.fk}, each once. */
  private static Magnet encryptedFolder(List<MagnetQuery.Param> params) {
    Map<String, String> map = new HashMap<>();
    for (MagnetQuery.Param p : params) {
      if (!p.raw().equals("xt") && !p.raw().equals("x.fk")) {
        throw new ShareLinkException("unknown parameter '" + MagnetQuery.clip(p.raw())
            + "': an encrypted folder's link carries only xt and x.fk");
      }
      if (map.put(p.raw(), p.value()) != null) {
        throw new ShareLinkException("parameter '" + p.raw() + "' appears twice");
      }
    }
    byte[] infoHash = v2Hash(ShareLinkParams.require(map, "xt"));
    ShareKey key;
    try {
      key = ShareKey.fromBase64Url(map.get("x.fk"));
    } catch (IllegalArgumentException e) {
      throw new ShareLinkException("x.fk: " + e.getMessage());
    }
    return new Magnet(infoHash, null, null, null, List.of(), List.of(), null, key);
  }

  private static ShareLink encrypted(List<MagnetQuery.Param> params) {
    Map<String, String> map = new HashMap<>();
    for (MagnetQuery.Param p : params) {
      if (p.raw().equals("dn")) {
        throw new ShareLinkException("dn is not allowed on an encrypted share (the name is sealed)");
      }
      if (!ShareLinkParams.ENCRYPTED.contains(p.raw())) {
        throw new ShareLinkException("unknown parameter '" + MagnetQuery.clip(p.raw())
            + "': an encrypted link carries only xt, x.pl, x.len, x.root, x.k and x.m");
      }
      if (map.put(p.raw(), p.value()) != null) {
        throw new ShareLinkException("parameter '" + p.raw() + "' appears twice");
      }
    }
    byte[] infoHash = v2Hash(ShareLinkParams.require(map, "xt"));
    PieceGeometry geometry = geometry(map);
    byte[] root = root(map);
    String k = map.get("x.k");
    String m = map.get("x.m");
    if (k == null || m == null) {
      throw new ShareLinkException("x.k and x.m must appear together");
    }
    ShareKey key;
    try {
      key = ShareKey.fromBase64Url(k);
    } catch (IllegalArgumentException e) {
      throw new ShareLinkException("x.k: " + e.getMessage());
    }
    byte[] manifest = ShareLinkParams.base64Url(m, "x.m", Manifest.MAX_SEALED_LENGTH);
    return ShareLink.checked(infoHash, geometry, root, null, key, manifest);
  }

  private static byte[] v2Hash(String xt) {
    if (!xt.startsWith(BTMH + SHA256_MULTIHASH)) {
      throw new ShareLinkException(
          "xt is not 'urn:btmh:1220…' (a SHA-256 multihash of the v2 info-hash)");
    }
    return ShareLinkParams.hex32(xt.substring(BTMH.length() + SHA256_MULTIHASH.length()),
        "xt info-hash");
  }

  /** A v1 hash: 40 hex characters or 32 base32 ones (both forms are in use). */
  private static byte[] v1Hash(String xt) {
    String h = xt.substring(BTIH.length());
    if (h.length() == 40 && h.chars().allMatch(c -> c < 0x80 && Character.digit(c, 16) >= 0)) {
      return HexFormat.of().parseHex(h);
    }
    if (h.length() == 32) {
      byte[] b = base32(h);
      if (b != null) {
        return b;
      }
    }
    throw new ShareLinkException("xt=urn:btih: must be 40 hex or 32 base32 characters");
  }

  private static byte[] base32(String s) {
    byte[] out = new byte[20];
    long buffer = 0;
    int bits = 0;
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      int c = Character.toUpperCase(s.charAt(i));
      int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= '2' && c <= '7' ? c - '2' + 26 : -1;
      if (v < 0) {
        return null;
      }
      buffer = buffer << 5 | v;
      bits += 5;
      if (bits >= 8) {
        out[n++] = (byte) (buffer >> (bits - 8));
        bits -= 8;
      }
    }
    return out;
  }

  private static PieceGeometry geometry(Map<String, String> map) {
    int pieceLength = (int) ShareLinkParams.decimal(map, "x.pl", PieceGeometry.MAX_PIECE_LENGTH);
    long length = ShareLinkParams.decimal(map, "x.len", PieceGeometry.MAX_LENGTH);
    try {
      return new PieceGeometry(length, pieceLength);
    } catch (IllegalArgumentException e) {
      throw new ShareLinkException("x.pl: " + e.getMessage());
    }
  }

  private static byte[] root(Map<String, String> map) {
    long length = Long.parseLong(map.get("x.len"));
    String rootText = map.get("x.root");
    if ((length == 0) != (rootText == null)) {
      throw new ShareLinkException(length == 0
          ? "x.root must be absent for an empty file" : "missing parameter 'x.root'");
    }
    return rootText == null ? null : ShareLinkParams.hex32(rootText, "x.root");
  }

  /** Decodes a parameter Shroud does not use; one that does not decode is dropped, as libtorrent does. */
  private static Optional<String> lenient(String value) {
    try {
      String v = MagnetQuery.decode(value, "value");
      return v.isEmpty() ? Optional.empty() : Optional.of(v);
    } catch (ShareLinkException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "Magnet[" + infoHashHex() + (shareLink == null ? ", metadata unknown"
        : shareLink.encrypted() ? ", encrypted" : ", public") + "]";
  }
}
