package io.shroud.hidden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shroud.content.InfoDict;
import io.shroud.content.Magnet;
import io.shroud.content.Manifest;
import io.shroud.content.PieceGeometry;
import io.shroud.content.ShareKey;
import io.shroud.content.ShareLink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** §11.2: S, L_n and D_n, checked against an independent RFC 5869 HKDF over the JDK's HMAC. */
class ShareSecretTest {
  static final HexFormat HEX = HexFormat.of();
  /** The info-hash of docs/protocol.md §7.5's worked example. */
  static final byte[] INFO_HASH = HEX.parseHex("2c13bbb978cbe04b0aa705daae9800a1eb18eef2112e609948e9dc01bba79803");
  static final String PUBLIC_LINK = "magnet:?xt=urn:btmh:1220" + HEX.formatHex(INFO_HASH)
      + "&dn=kat.bin&xl=1&x.pl=16384&x.len=1&x.root=ca358758f6d27e6cf45272937977a748fd88391db679ceda7dc7bf1f005ee879";

  @Test
  void publicSecretIsHkdfOfTheInfoHash() throws Exception {
    assertArrayEquals(hkdf(INFO_HASH, ascii("shroud/v1/hs-secret")), ShareSecret.ofPublic(INFO_HASH).bytes());
  }

  @Test
  void encryptedSecretIsHkdfOfInfoHashAndKey() throws Exception {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0x5a);
    byte[] ikm = ByteBuffer.allocate(64).put(INFO_HASH).put(key).array();
    ShareSecret s = ShareSecret.ofEncrypted(INFO_HASH, ShareKey.of(key));
    assertArrayEquals(hkdf(ikm, ascii("shroud/v1/hs-secret")), s.bytes());
    assertNotEquals(ShareSecret.ofPublic(INFO_HASH), s, "the key must change the secret");
  }

  @Test
  void aLinkAndItsMagnetGiveTheSecretOfTheirKind() throws Exception {
    assertEquals(ShareSecret.ofPublic(INFO_HASH), ShareSecret.of(ShareLink.parse(PUBLIC_LINK)));
    assertEquals(ShareSecret.ofPublic(INFO_HASH), ShareSecret.of(Magnet.parse(PUBLIC_LINK)));
    String bare = "magnet:?xt=urn:btmh:1220" + HEX.formatHex(INFO_HASH) + "&tr=udp://t.example:1";
    assertEquals(ShareSecret.ofPublic(INFO_HASH), ShareSecret.of(Magnet.parse(bare)));

    ShareKey key = ShareKey.of(HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
    PieceGeometry g = new PieceGeometry(1000, 16384);
    byte[] root = new byte[32];
    root[0] = 1;
    byte[] sealed = new Manifest("a.txt", 1000, "text/plain", new byte[32])
        .seal(key, Manifest.associatedData(g, root), new SecureRandom());
    ShareLink encrypted = ShareLink.forEncrypted(new InfoDict(ShareLink.ENCRYPTED_NAME, g, root, sealed), key);
    ShareSecret expected = ShareSecret.ofEncrypted(encrypted.infoHash(), key);
    assertEquals(expected, ShareSecret.of(encrypted));
    assertEquals(expected, ShareSecret.of(Magnet.parse(encrypted.format())));

    String folder = "magnet:?xt=urn:btmh:1220" + HEX.formatHex(INFO_HASH) + "&x.fk=" + key.toBase64Url();
    assertEquals(ShareSecret.ofEncrypted(INFO_HASH, key), ShareSecret.of(Magnet.parse(folder)));
  }

  @Test
  void locationAndDescriptorKeyFollowTheFormulas() throws Exception {
    ShareSecret s = ShareSecret.ofPublic(INFO_HASH);
    long n = 20454;
    HsLocation loc = HsLocation.of(s, n);
    byte[] u64 = ByteBuffer.allocate(8).putLong(n).array();
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(ascii("shroud-hs-location-v1"));
    sha.update(s.bytes());
    sha.update(u64);
    assertArrayEquals(sha.digest(), loc.location());
    byte[] info = ByteBuffer.allocate(23 + 8).put(ascii("shroud/v1/hs-descriptor")).put(u64).array();
    assertArrayEquals(hkdf(s.bytes(), info), loc.descriptorKey());
    assertEquals(n, loc.period());
    assertFalse(Arrays.equals(loc.location(), HsLocation.of(s, n + 1).location()), "locations change every period");
    assertFalse(Arrays.equals(loc.descriptorKey(), HsLocation.of(s, n + 1).descriptorKey()));
  }

  @Test
  void secretsStayOutOfToStringAndBadInputsAreRefused() {
    ShareSecret s = ShareSecret.ofPublic(INFO_HASH);
    assertEquals("ShareSecret[redacted]", s.toString());
    HsLocation loc = HsLocation.of(s, 7);
    assertFalse(loc.toString().contains(HEX.formatHex(loc.descriptorKey())));
    assertThrows(IllegalArgumentException.class, () -> ShareSecret.ofPublic(new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> HsLocation.of(s, -1));
  }

  /** RFC 5869 with an all-zero salt, written out on the JDK's HMAC-SHA256. */
  static byte[] hkdf(byte[] ikm, byte[] info) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
    byte[] prk = mac.doFinal(ikm);
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    mac.update(info);
    mac.update((byte) 1);
    return mac.doFinal();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
