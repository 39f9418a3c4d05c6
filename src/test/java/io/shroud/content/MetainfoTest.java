package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.BValue.BBytes;
import io.shroud.content.BValue.BDict;
import io.shroud.content.BValue.BList;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetainfoTest {
  @TempDir Path dir;

  private ShareMetadata share(int size) throws Exception {
    Path file = TestFiles.write(dir, "kat.bin", TestFiles.pattern(size));
    return new ShareBuilder(new SecureRandom()).build(file, ShareOptions.publicShare().withPieceLength(16384));
  }

  @Test
  void aSharesOwnTorrentParsesWithItsInfoHashAndLayer() throws Exception {
    ShareMetadata m = share(70_000);
    Metainfo t = Metainfo.parse(m.torrentFile());
    assertTrue(t.singleFile());
    assertFalse(t.hybrid());
    assertEquals(m.infoHashHex(), t.infoHashHex());
    assertEquals(List.of("kat.bin"), t.files().get(0).path());
    assertArrayEquals(m.tree().pieceLayerBytes(), t.pieceLayers().get(HexHelper.hex(m.tree().root())));
    assertTrue(TorrentFile.sameInfoHash(t, TorrentFile.linkOf(t)));
  }

  @Test
  void aHybridExportParsesAndMapsToTheV2Share() throws Exception {
    ShareMetadata m = share(70_000);
    byte[] hybrid = HybridTorrent.export(m, dir.resolve("kat.bin"));
    Metainfo t = Metainfo.parse(hybrid);
    assertTrue(t.hybrid());
    assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(t.infoBytes()), t.v1InfoHash().orElseThrow());
    ShareLink link = TorrentFile.linkOf(hybrid);
    assertEquals(m.link(), link);
    assertFalse(TorrentFile.sameInfoHash(t, link));
  }

  @Test
  void aMultiFileTorrentIsCheckedThenRefusedForNow() {
    for (boolean hybrid : new boolean[] {false, true}) {
      byte[] bytes = TorrentFixtures.multiFile("folder", TorrentFixtures.folder(), 16384, hybrid);
      Metainfo t = Metainfo.parse(bytes);
      assertFalse(t.singleFile());
      assertEquals(hybrid, t.hybrid());
      assertEquals(List.of("a.txt", "empty", "sub/big.bin", "z.bin"),
          t.files().stream().map(Metainfo.FileEntry::pathText).toList());
      assertNull(t.files().get(1).piecesRoot());
      assertEquals(1, t.pieceLayers().size());
      BencodeException e = assertThrows(BencodeException.class, () -> TorrentFile.linkOf(bytes));
      assertTrue(e.getMessage().startsWith(TorrentFile.MULTI_FILE), e.getMessage());
    }
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(delimiter = '|', value = {
    "..|climbs out", ".|climbs out", "''|both a file and a directory", "a/b|path separator",
    "/etc|path separator", "a\\b|path separator", "C:x|':'", "nu\u0000l|control character",
    "tab\there|control character", "CON|Windows device name", "nul.txt|Windows device name",
    "Com1.tar.gz|Windows device name", "lpt9|Windows device name", "'trailing '|end in a space or a dot",
    "trailing.|end in a space or a dot", "LONG|at most 255 bytes",
  })
  void anUnsafePathIsRefusedNamingIt(String component, String reason) {
    String name = component.equals("LONG") ? "é".repeat(128) : component;
    Map<List<String>, byte[]> files = new LinkedHashMap<>(TorrentFixtures.folder());
    files.put(List.of("sub", name, "x.bin"), TestFiles.pattern(10));
    BencodeException e = assertThrows(BencodeException.class,
        () -> Metainfo.parse(TorrentFixtures.multiFile("folder", files, 16384, false)));
    // an empty key inside a directory is BEP 52's file marker: the entry is then malformed
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertTrue(name.isEmpty() || e.getMessage().contains("unsafe path 'sub/"), e.getMessage());
    // as the torrent's name too
    e = assertThrows(BencodeException.class,
        () -> Metainfo.parse(TorrentFixtures.multiFile(name, TorrentFixtures.folder(), 16384, false)));
    assertTrue(e.getMessage().contains("unsafe path"), e.getMessage());
  }

  @Test
  void ordinaryNamesPass() {
    for (String ok : new String[] {"What?.mp3", "a b", ".hidden", "CONSOLE.txt", "film été.mkv", "x..y"}) {
      assertNull(TorrentPaths.problem(ok), ok);
    }
  }

  @Test
  void piecesThatDoNotAddUpAreRefused() {
    BDict good = TorrentFixtures.torrent("folder", TorrentFixtures.folder(), 16384, false);
    BDict layers = (BDict) good.get("piece layers");
    BBytes root = layers.entries().firstKey();
    byte[] layer = ((BBytes) layers.entries().firstEntry().getValue()).bytes();
    layer[0] ^= 1;
    assertMessage(with(good, "piece layers", new BDict(new TreeMap<>(Map.of(root, BBytes.of(layer))))),
        "does not match its pieces root");
    assertMessage(with(good, "piece layers", new BDict(new TreeMap<>())), "lacks the layer of 'sub/big.bin'");
    TreeMap<BBytes, BValue> extra = new TreeMap<>(layers.entries());
    extra.put(BBytes.of(new byte[32]), BBytes.of(new byte[32]));
    assertMessage(with(good, "piece layers", new BDict(extra)), "belongs to no file");
    // without piece layers at all the torrent is accepted: a downloader fetches them
    TreeMap<BBytes, BValue> none = new TreeMap<>(good.entries());
    none.remove(BBytes.of("piece layers"));
    assertTrue(Metainfo.parse(Bencode.encode(new BDict(none))).pieceLayers().isEmpty());
  }

  @Test
  void aHybridsV1FilesMustMatchTheTreeAndBeAligned() {
    BDict good = TorrentFixtures.torrent("folder", TorrentFixtures.folder(), 16384, true);
    BDict info = (BDict) good.get("info");
    List<BValue> files = new ArrayList<>(((BList) info.get("files")).values());
    List<BValue> noPads = files.stream().filter(f -> ((BDict) f).get("attr") == null).toList();
    assertMessage(with(good, "info", with(info, "files", new BList(noPads))), "piece boundary");
    List<BValue> renamed = new ArrayList<>(files);
    renamed.set(0, TorrentFixtures.v1File(List.of("other.txt"), 1000, null));
    assertMessage(with(good, "info", with(info, "files", new BList(renamed))), "does not match the file tree");
    assertMessage(with(good, "info", with(info, "pieces", BBytes.of(new byte[20]))), "SHA-1 hashes");
  }

  @Test
  void otherBreachesAreNamed() {
    BDict good = TorrentFixtures.torrent("folder", TorrentFixtures.folder(), 16384, false);
    BDict info = (BDict) good.get("info");
    BDict tree = (BDict) info.get("file tree");
    TreeMap<BBytes, BValue> both = new TreeMap<>(tree.entries());
    both.put(BBytes.of("sub"), BDict.of(Map.of("", BDict.of(Map.of("length", new BValue.BInt(0))),
        "x", BDict.of(Map.of("", BDict.of(Map.of("length", new BValue.BInt(0))))))));
    assertMessage(with(good, "info", with(info, "file tree", new BDict(both))), "both a file and a directory");
    TreeMap<BBytes, BValue> link = new TreeMap<>(tree.entries());
    link.put(BBytes.of("l"), BDict.of(Map.of("", BDict.of(Map.of("attr", BBytes.of("l"),
        "length", new BValue.BInt(0))))));
    assertMessage(with(good, "info", with(info, "file tree", new BDict(link))), "symbolic link");
    TreeMap<BBytes, BValue> v1 = new TreeMap<>(info.entries());
    v1.remove(BBytes.of("meta version"));
    assertMessage(with(good, "info", new BDict(v1)), "v1-only");
    assertMessage(with(good, "info", with(info, "piece length", new BValue.BInt(1000))), "power of two");
  }

  private static BDict with(BDict d, String key, BValue v) {
    TreeMap<BBytes, BValue> m = new TreeMap<>(d.entries());
    m.put(BBytes.of(key), v);
    return new BDict(m);
  }

  private static void assertMessage(BDict torrent, String part) {
    BencodeException e = assertThrows(BencodeException.class, () -> Metainfo.parse(Bencode.encode(torrent)));
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }

  /** Hex without a dependency on test order. */
  static final class HexHelper {
    static String hex(byte[] b) {
      return java.util.HexFormat.of().formatHex(b);
    }
  }
}
