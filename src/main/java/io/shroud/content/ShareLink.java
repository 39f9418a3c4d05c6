package io.shroud.content;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A share link: a BEP 9 magnet URI naming the v2 info-hash, plus Shroud's {@code x.} parameters
 * that let a downloader verify every piece from the link alone and, for an encrypted share,
 * decrypt it:
 *
 * <pre>
 * magnet:?xt=urn:btmh:1220&lt;64 hex info-hash&gt;
 *        &amp;dn=&lt;name&gt;               public shares only, optional (RFC 3986 %-encoded)
 *        &amp;xl=&lt;length&gt;           public shares only, optional (for other clients)
 *        &amp;x.pl=&lt;piece length&gt;     decimal
 *        &amp;x.len=&lt;length&gt;         decimal, bytes the network carries (ciphertext length)
 *        &amp;x.root=&lt;64 hex&gt;         pieces root; absent exactly when x.len is 0
 *        &amp;x.k=&lt;43 base64url&gt;      encrypted shares: the share key
 *        &amp;x.m=&lt;base64url&gt;         encrypted shares: the sealed manifest
 * </pre>
 *
 * {@link #parse} (via {@link Magnet#parse}) is strict about these: every rule breach, and a link
 * whose parameters rebuild an info dictionary with a different SHA-256 than {@code xt}, is a
 * {@link ShareLinkException}. A public link may also carry other clients' parameters
 * ({@code tr}, {@code ws}, a v1 {@code xt}, …), which are ignored; an encrypted one may not.
 * Its {@link #toString()} leaves the key out.
 */
public final class ShareLink {
  /** Longest link accepted, in characters (room for a magnet with a long tracker list). */
  public static final int MAX_LENGTH = 8192;
  /** The name the info dictionary of every encrypted share carries (the real one is in the manifest). */
  public static final String ENCRYPTED_NAME = "shroud-encrypted";
  private static final String PREFIX = MagnetQuery.PREFIX;
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
      sb.append("&dn=").append(MagnetQuery.encode(displayName));
    }
    if (key == null) {
      sb.append("&xl=").append(geometry.length());
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

  /**
   * Parses and checks a link that carries the share's metadata: an encrypted Shroud link, or a
   * public one with {@code x.pl}/{@code x.len}/{@code x.root}; see {@link Magnet#parse} for the
   * rules. A magnet naming the info-hash only is refused with {@link Magnet#NO_METADATA}.
   */
  public static ShareLink parse(String link) {
    return Magnet.parse(link).requireShareLink();
  }

  /** A parsed link whose rebuilt info dictionary, when it has one, must hash to {@code infoHash}. */
  static ShareLink checked(byte[] infoHash, PieceGeometry geometry, byte[] root, String dn,
      ShareKey key, byte[] manifest) {
    ShareLink parsed = new ShareLink(infoHash, geometry, root, dn, key, manifest);
    parsed.infoDict().ifPresent(info -> {
      if (!MessageDigest.isEqual(info.infoHash(), infoHash)) {
        throw new ShareLinkException("link parameters do not match its info-hash");
      }
    });
    return parsed;
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
