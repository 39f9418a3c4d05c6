package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shroud.content.BValue.BDict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Shroud's BitTorrent formats against the real libtorrent 2.0.8 (Debian's python3-libtorrent),
 * run as a process through {@code src/test/resources/interop/libtorrent_driver.py}: the same
 * {@code info} bytes (v2-only and hybrid), the same automatic piece length, magnets and
 * {@code .torrent} files read both ways, and a recheck of Shroud's export to 100%. Tiny files,
 * 5 MiB at most. A missing tool fails the test ({@code .ci/run} installs it).
 */
class LibtorrentInteropTest {
  private static final int MIB = 1024 * 1024;

  @TempDir Path dir;

  @BeforeAll
  static void libtorrentIsThere() throws Exception {
    RealTools.requireLibtorrent();
  }

  @Test
  void theAutomaticPieceLengthIsLibtorrents() throws Exception {
    long[] sizes = {1, 16384, 2684355, 2684356, 5L * MIB, 5L * MIB + 1, 10737418, 10737419,
        42949674, 171798693, 687194768, 2748779070L, 10995116279L, 43980465112L, 175921860445L,
        703687441777L, 703687441778L, 1L << 40};
    String[] args = new String[sizes.length + 1];
    args[0] = "auto";
    for (int i = 0; i < sizes.length; i++) {
      args[i + 1] = Long.toString(sizes[i]);
    }
    JsonNode answer = RealTools.libtorrent(args).path("pieceLengths");
    for (long s : sizes) {
      assertEquals(answer.path(Long.toString(s)).asInt(), PieceLengths.choose(s), "size " + s);
    }
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {1, 16385, 5 * MIB, 5 * MIB + 1})
  void infoBytesMagnetsAndTorrentsMatchLibtorrent(int size) throws Exception {
    Path file = TestFiles.write(dir, "kat.bin", TestFiles.pattern(size));
    ShareMetadata m = new ShareBuilder(new SecureRandom()).build(file, ShareOptions.publicShare());
    // v2-only: libtorrent's automatic piece length and info bytes are Shroud's
    JsonNode v2 = RealTools.libtorrent("create", file.toString(), "0", "v2", dir.resolve("v2.torrent").toString());
    assertEquals(v2.path("pieceLength").asInt(), m.pieceLength(), v2.toString());
    assertEquals(v2.path("info").asText(), hex(m.info().encode()));
    assertEquals(v2.path("v2").asText(), m.infoHashHex());
    // hybrid: the same, with the v1 keys
    JsonNode hy = RealTools.libtorrent("create", file.toString(), "0", "hybrid", dir.resolve("hy.torrent").toString());
    byte[] export = HybridTorrent.export(m, file);
    assertEquals(hy.path("info").asText(), hex(Bencode.encode(((BDict) Bencode.decode(export)).get("info"))));
    // libtorrent's .torrent files parse in Shroud with libtorrent's info-hashes and give the share's link
    Metainfo ltV2 = Metainfo.parse(Files.readAllBytes(dir.resolve("v2.torrent")));
    assertEquals(v2.path("v2").asText(), ltV2.infoHashHex());
    assertEquals(m.link(), TorrentFile.linkOf(ltV2));
    Metainfo ltHybrid = Metainfo.parse(Files.readAllBytes(dir.resolve("hy.torrent")));
    assertEquals(hy.path("v2").asText(), ltHybrid.infoHashHex());
    assertEquals(hy.path("v1").asText(), hex(ltHybrid.v1InfoHash().orElseThrow()));
    assertEquals(m.link(), TorrentFile.linkOf(ltHybrid));
    // libtorrent's magnets parse in Shroud with the same info-hash; they carry no metadata
    for (Path t : List.of(dir.resolve("v2.torrent"), dir.resolve("hy.torrent"))) {
      String magnet = RealTools.libtorrent("magnet", t.toString()).path("magnet").asText();
      Magnet parsed = Magnet.parse(magnet);
      assertEquals(Metainfo.parse(Files.readAllBytes(t)).infoHashHex(), parsed.infoHashHex(), magnet);
      assertEquals("kat.bin", parsed.displayName().orElseThrow());
      assertFalse(parsed.metadataKnown());
      assertTrue(assertThrows(ShareLinkException.class, () -> ShareLink.parse(magnet))
          .getMessage().contains("carries no metadata"));
    }
    // and libtorrent reads Shroud's public link: same info-hash and name
    JsonNode back = RealTools.libtorrent("parse-magnet", m.link().format());
    assertEquals(m.infoHashHex(), back.path("v2").asText());
    assertEquals("kat.bin", back.path("name").asText());
  }

  @Test
  void aChosenPieceLengthGivesLibtorrentsBytesToo() throws Exception {
    Path file = TestFiles.write(dir, "chosen.bin", TestFiles.pattern(5 * MIB + 1));
    ShareMetadata m = new ShareBuilder(new SecureRandom())
        .build(file, ShareOptions.publicShare().withPieceLength(65536));
    JsonNode hy = RealTools.libtorrent("create", file.toString(), "65536", "hybrid", dir.resolve("c.torrent").toString());
    assertEquals(hy.path("info").asText(),
        hex(Bencode.encode(((BDict) Bencode.decode(HybridTorrent.export(m, file))).get("info"))));
  }

  /** libtorrent makes no torrent of an empty file; Shroud shares it (v2) but exports no hybrid. */
  @Test
  void anEmptyFile() throws Exception {
    Path file = TestFiles.write(dir, "empty", new byte[0]);
    JsonNode lt = RealTools.libtorrent("create", file.toString(), "0", "v2", dir.resolve("e.torrent").toString());
    assertTrue(lt.path("error").asText().contains("invalid length"), lt.toString());
    ShareMetadata m = new ShareBuilder(new SecureRandom()).build(file, ShareOptions.publicShare());
    assertTrue(Metainfo.parse(m.torrentFile()).singleFile());
    assertThrows(IllegalArgumentException.class, () -> HybridTorrent.export(m, file));
  }

  @Test
  void libtorrentsMultiFileTorrentsParseWithItsInfoHashes() throws Exception {
    Path folder = dir.resolve("folder");
    for (Map.Entry<List<String>, byte[]> f : TorrentFixtures.folder().entrySet()) {
      Path p = folder.resolve(String.join("/", f.getKey()));
      Files.createDirectories(p.getParent());
      Files.write(p, f.getValue());
    }
    for (String mode : List.of("v2", "hybrid")) {
      Path t = dir.resolve(mode + "-folder.torrent");
      JsonNode lt = RealTools.libtorrent("create", folder.toString(), "16384", mode, t.toString());
      Metainfo parsed = Metainfo.parse(Files.readAllBytes(t));
      assertEquals(lt.path("v2").asText(), parsed.infoHashHex(), mode);
      assertEquals(mode.equals("hybrid"), parsed.hybrid());
      if (parsed.hybrid()) {
        assertEquals(lt.path("v1").asText(), hex(parsed.v1InfoHash().orElseThrow()));
      }
      assertEquals(List.of("a.txt", "empty", "sub/big.bin", "z.bin"),
          parsed.files().stream().map(Metainfo.FileEntry::pathText).toList());
      assertEquals("folder", parsed.name());
      BencodeException e = assertThrows(BencodeException.class, () -> TorrentFile.linkOf(parsed));
      assertTrue(e.getMessage().startsWith(TorrentFile.MULTI_FILE));
    }
  }

  @Test
  void libtorrentRechecksShroudsExportsTo100Percent() throws Exception {
    Path file = TestFiles.write(dir, "recheck.bin", TestFiles.pattern(5 * MIB + 1));
    ShareMetadata m = new ShareBuilder(new SecureRandom()).build(file, ShareOptions.publicShare());
    Path hybrid = Files.write(dir.resolve("shroud-hybrid.torrent"), HybridTorrent.export(m, file));
    Path v2 = Files.write(dir.resolve("shroud-v2.torrent"), m.torrentFile());
    for (Path t : List.of(hybrid, v2)) {
      JsonNode info = RealTools.libtorrent("info", t.toString());
      assertEquals(m.infoHashHex().equals(info.path("v2").asText()), t.equals(v2), info.toString());
      JsonNode r = RealTools.libtorrent("recheck", t.toString(), dir.toString(), "30");
      assertEquals(1_000_000, r.path("progressPpm").asInt(), t + ": " + r);
    }
    JsonNode info = RealTools.libtorrent("info", hybrid.toString());
    assertEquals(hex(Metainfo.parse(Files.readAllBytes(hybrid)).v1InfoHash().orElseThrow()),
        info.path("v1").asText());
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
