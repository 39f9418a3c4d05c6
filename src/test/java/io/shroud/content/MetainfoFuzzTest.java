package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shroud.content.BValue.BDict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the {@code .torrent} parser ({@link Metainfo#parse}) and the link made from it
 * ({@link TorrentFile#linkOf}): only {@link BencodeException} may escape; an accepted torrent's
 * info-hash is SHA-256 of its {@code info} exactly as the input encodes it, every path component
 * of every file passes {@link TorrentPaths}, every piece layer it keeps rebuilds its file's root,
 * and a single-file one gives a link that survives {@code format}/{@code parse}. Seeds: libtorrent
 * 2.0.8's v2 and hybrid torrents of a file and of a folder (made by
 * {@code src/test/resources/interop/libtorrent_driver.py create}), Shroud's own exports and a
 * path-escaping torrent: {@code src/test/resources/io/shroud/content/MetainfoFuzzTestInputs/torrents/}.
 */
class MetainfoFuzzTest {
  private static final Path SEEDS = Path.of("src/test/resources/io/shroud/content/MetainfoFuzzTestInputs/torrents");

  @TempDir Path dir;

  @FuzzTest(maxDuration = "2s")
  void torrents(byte[] input) {
    Metainfo t;
    try {
      t = Metainfo.parse(input);
    } catch (BencodeException expected) {
      return;
    }
    byte[] info = Bencode.encode(((BDict) Bencode.decode(input)).get("info"));
    assertArrayEquals(info, t.infoBytes());
    assertArrayEquals(Merkle.sha256().digest(info), t.infoHash());
    for (Metainfo.FileEntry f : t.files()) {
      f.path().forEach(c -> assertNull(TorrentPaths.problem(c), c));
      if (f.length() > t.pieceLength() && !t.pieceLayers().isEmpty()) {
        byte[] layer = t.pieceLayers().get(java.util.HexFormat.of().formatHex(f.piecesRoot()));
        MerkleTree.fromPieceLayerBytes(f.geometry(t.pieceLength()), layer, f.piecesRoot());
      }
    }
    try {
      ShareLink link = TorrentFile.linkOf(t);
      assertTrue(t.singleFile());
      assertEquals(link, ShareLink.parse(link.format()));
    } catch (BencodeException refused) {
      // multi-file, name and file differ, an encrypted share's info: refused with a message
    }
  }

  /** Every seed but the one named {@code refused-*} parses. */
  @Test
  void theSeedsParse() throws IOException {
    List<Path> seeds;
    try (Stream<Path> files = Files.list(SEEDS)) {
      seeds = files.filter(p -> !p.getFileName().toString().startsWith("refused-")).toList();
    }
    assertEquals(6, seeds.size(), seeds.toString());
    for (Path p : seeds) {
      Metainfo.parse(Files.readAllBytes(p));
    }
  }

  /** Writes Shroud's seeds: {@code -Dshroud.fuzz.writeSeeds=true}. */
  @Test
  @EnabledIfSystemProperty(named = "shroud.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws Exception {
    Path file = TestFiles.write(dir, "one.bin", TestFiles.pattern(40_000));
    ShareMetadata m = new ShareBuilder(new SecureRandom()).build(file, ShareOptions.publicShare());
    Files.write(SEEDS.resolve("shroud-single-v2"), m.torrentFile());
    Files.write(SEEDS.resolve("shroud-single-hybrid"), HybridTorrent.export(m, file));
    Files.write(SEEDS.resolve("refused-path-escape"), TorrentFixturesAccess.escaping());
  }
}
