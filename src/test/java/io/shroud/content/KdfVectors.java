package io.shroud.content;

/**
 * Pinned derivations for the all-zero share key, computed outside Java:
 *
 * <ul>
 *   <li>HKDF-SHA256 (RFC 5869, salt absent = 32 zero bytes, info = the label) written out with
 *       Python's {@code hmac}/{@code hashlib}: {@code prk = HMAC(0^32, ikm)},
 *       {@code T1 = HMAC(prk, info || 0x01)}, truncated;
 *   <li>the keystream with OpenSSL:
 *       {@code head -c 48 /dev/zero | openssl enc -aes-256-ctr -K <CONTENT_KEY> -iv <CONTENT_IV> | xxd -p -c 64}.
 * </ul>
 */
final class KdfVectors {
  static final String CONTENT_KEY =
      "cf65e2a070e366f89aed51ee1520e638b449a675dabbcb3c613d399fe3729761";
  static final String CONTENT_IV = "4a0b4356b1377b4eae47cef827f4d7db";
  static final String MANIFEST_KEY =
      "1a449889b41cc9659df35d33b39536668a4c379590a25d5dfe158abc47b93857";
  static final String KEYSTREAM_48 = "db30ee4185b9ebd3ca8b6a1752c391a19709cd4c0ea07ca830033091"
      + "277affb8229479dae7bda472a8f0229ddbd2c194";

  private KdfVectors() {}
}
