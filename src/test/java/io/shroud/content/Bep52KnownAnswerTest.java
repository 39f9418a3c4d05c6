package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Known answers for public (unencrypted) shares, from libtorrent itself.
 *
 * <p>Origin of every expected value below except the zero-length case: libtorrent 2.0.8 (Debian
 * bookworm package {@code python3-libtorrent 2.0.8-1+b1}, installed with
 * {@code apt-get update && apt-get install -y python3-libtorrent}), driven by
 * {@code /usr/bin/python3 src/test/scripts/bep52_oracle.py}. For each case the script writes a
 * file {@code kat.bin} whose byte i is {@code (i*31+7) % 251}, creates a v2-only torrent with
 * {@code lt.create_torrent(fs, piece_length, flags=lt.create_torrent.v2_only)} and
 * {@code lt.set_piece_hashes}, and prints the file tree's {@code pieces root}, the v2 info-hash
 * from {@code lt.torrent_info(...).info_hashes().v2} (cross-checked against SHA-256 of
 * {@code lt.bencode(info)}), and SHA-256 of the torrent's {@code piece layers} value.
 */
class Bep52KnownAnswerTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0} bytes, {1}-byte pieces")
  @CsvSource({
    // size, piece length, pieces root, v2 info-hash, SHA-256 of the piece-layers value ("-" = none)
    "1, 16384, ca358758f6d27e6cf45272937977a748fd88391db679ceda7dc7bf1f005ee879,"
        + " 2c13bbb978cbe04b0aa705daae9800a1eb18eef2112e609948e9dc01bba79803, -",
    "16383, 16384, 88b274853f0cb979f123699f6ed0d937f0e2e447f385481679c0cb97656c8e4f,"
        + " 3ccf7b8dc15a2790ec52406c86156790e3549cbfc18a76c3e0c179d9e2373114, -",
    "16384, 16384, e6494c86814963a758f59bf832e78df26f8415657cdf64bd2eb1a3e18721bcc9,"
        + " d0a2038890464d6717f541c41f8652e2fee706bceb7bd3e0f234d68fb39bdac6, -",
    "16385, 16384, 4cfab4c81a38928437280fa27f6956592e9d5ecac29e7d318434d70e5a64b1c0,"
        + " e409b8138d198fc0b0f0ac0de8c526232a162f27f3cb89c3524baaca372e7b22,"
        + " 4cfab4c81a38928437280fa27f6956592e9d5ecac29e7d318434d70e5a64b1c0",
    "32768, 32768, e3a1322ebba73baa8027023fc4a16ce05de9a6606aa5df216e3e3907023140fc,"
        + " e34f89d8013f193dc394349f58dfd570ce16c6868ca31c728e00706b47c8d08f, -",
    "32769, 32768, 2531bd5babe7f2afeb8c39d50c4d6f1241107ae7dddecb210f06086354bce14c,"
        + " 6d506b264718d811fff9029e1616fb045459ffff3bd885e6b2b6f5558f22793b,"
        + " 2531bd5babe7f2afeb8c39d50c4d6f1241107ae7dddecb210f06086354bce14c",
    "328680, 65536, a6afc68433e9fdae982aca6335acacf4a2ef9c9c8511b8212b38cc0987702d18,"
        + " 6c75a5b42ddb95092518621b89bdd52eb94ce615002cfc66a39778b02a7826c5,"
        + " 76b55cc9977bbc9fc8243f1bf9d03028a62540029b95a3a89664e3b93fb9b9c0",
    "98304, 32768, dae27fd38ebd04b3510f25c509283a0aecb026d47a8934d5f4dab02ebfc2476c,"
        + " 5cb5acf20e9897b74e5ee4fac85791823c63e4dbceb939a02cf8326e95adfe68,"
        + " e0eb0d2bd2279d2cb220dce6f38118c745ba888eee0d829f00c3c798444e7fa0",
    "1000000, 262144, 97b825e627c971a32d61f1763f527fb7e13e4b973cab00963a3d9bf74afe6e92,"
        + " fc66d686d71e3abf758add7f831e36d1a4e4e298f1338d2fc4fb42399c495fff,"
        + " 58208759c0f05a8b05b633f78843eb3cc98e830f616cf384551fc5b379d66567",
  })
  void publicShareMatchesLibtorrent(
      int size, int pieceLength, String root, String infoHash, String layerSha) throws Exception {
    Path file = TestFiles.write(dir, "kat.bin", TestFiles.pattern(size));
    ShareMetadata m = new ShareBuilder(new SecureRandom())
        .build(file, ShareOptions.publicShare().withPieceLength(pieceLength));
    assertEquals(root, hex(m.piecesRoot().orElseThrow()));
    assertEquals(infoHash, m.infoHashHex());
    // the hasher over an InputStream must agree with the FileChannel path
    assertEquals(root, hex(Bep52Hasher.hash(
        new java.io.ByteArrayInputStream(TestFiles.pattern(size)), pieceLength).root()));
    // the .torrent's piece layers: present only for files longer than one piece (BEP 52)
    BValue.BDict torrent = (BValue.BDict) Bencode.decode(m.torrentFile());
    BValue.BDict layers = (BValue.BDict) torrent.get("piece layers");
    if (layerSha.equals("-")) {
      assertTrue(layers.entries().isEmpty());
    } else {
      byte[] layer = ((BValue.BBytes) layers.entries().get(
          BValue.BBytes.of(m.piecesRoot().orElseThrow()))).bytes();
      assertEquals(layerSha, hex(Merkle.sha256().digest(layer)));
    }
    // the piece layer rebuilds the root, and the info dict round-trips through the strict parser
    assertArrayEquals(m.piecesRoot().orElseThrow(),
        Merkle.rootFromPieceLayer(m.info().geometry(), m.pieceLayer()));
    assertEquals(m.info(), InfoDict.parse(m.info().encode()));
  }

  /** The whole info dictionary for the 1-byte case, byte for byte as libtorrent bencodes it. */
  @Test
  void oneByteInfoDictIsByteIdenticalToLibtorrent() throws Exception {
    Path file = TestFiles.write(dir, "kat.bin", TestFiles.pattern(1));
    ShareMetadata m = new ShareBuilder(new SecureRandom())
        .build(file, ShareOptions.publicShare().withPieceLength(16384));
    assertEquals("64393a66696c65207472656564373a6b61742e62696e64303a64363a6c656e677468693165"
        + "31313a70696563657320726f6f7433323aca358758f6d27e6cf45272937977a748fd88391db679ceda7d"
        + "c7bf1f005ee87965656531323a6d6574612076657273696f6e693265343a6e616d65373a6b61742e6269"
        + "6e31323a7069656365206c656e6774686931363338346565", hex(m.info().encode()));
  }

  /**
   * Zero-length file: BEP 52 gives it no pieces root, so the key is omitted. libtorrent 2.0.8
   * refuses to create a torrent whose only file is empty ("invalid length of torrent"), but in a
   * multi-file torrent it writes an empty file as {@code {"": {"length": 0}}} with no pieces root
   * (checked with the same Python binding). The expected info-hash is SHA-256 of the bencoding
   * written out by hand, computed independently with
   * {@code /usr/bin/python3 -c "import hashlib; print(hashlib.sha256(b'd9:file treed7:kat.bind0:d6:lengthi0eeee12:meta versioni2e4:name7:kat.bin12:piece lengthi16384ee').hexdigest())"}.
   */
  @Test
  void zeroLengthFileHasNoPiecesRoot() throws Exception {
    Path file = TestFiles.write(dir, "kat.bin", new byte[0]);
    ShareMetadata m = new ShareBuilder(new SecureRandom())
        .build(file, ShareOptions.publicShare().withPieceLength(16384));
    assertFalse(m.piecesRoot().isPresent());
    assertFalse(m.tree().hasRoot());
    assertEquals(0, m.pieceLayer().size());
    assertEquals("d9:file treed7:kat.bind0:d6:lengthi0eeee12:meta versioni2e4:name7:kat.bin"
        + "12:piece lengthi16384ee", new String(m.info().encode(),
            java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals("7ee9e8fde8f6120d48edc3980e1f360968209e3b7818e981772f196957630b88",
        m.infoHashHex());
    ShareLink link = ShareLink.parse(m.link().format());
    assertFalse(link.piecesRoot().isPresent());
    assertEquals(m.infoHashHex(), link.infoHashHex());
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
