package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.BValue.BBytes;
import io.shroud.content.BValue.BDict;
import io.shroud.content.BValue.BInt;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorrentFileTest {
  @TempDir Path dir;

  private ShareMetadata publicShare(int size) throws Exception {
    Path file = TestFiles.write(dir, "kat.bin", TestFiles.pattern(size));
    return new ShareBuilder(new SecureRandom()).build(file, ShareOptions.publicShare().withPieceLength(16384));
  }

  @Test
  void aSharesOwnTorrentGivesItsPublicLink() throws Exception {
    ShareMetadata m = publicShare(100_000);
    ShareLink link = TorrentFile.linkOf(m.torrentFile());
    assertEquals(m.link().format(), link.format());
    assertEquals("kat.bin", link.displayName().orElseThrow());
  }

  @Test
  void announceAndOtherTopLevelKeysAreIgnored() throws Exception {
    ShareMetadata m = publicShare(40_000);
    BDict torrent = (BDict) Bencode.decode(m.torrentFile());
    TreeMap<BBytes, BValue> more = new TreeMap<>(torrent.entries());
    more.put(BBytes.of("announce"), BBytes.of("udp://tracker.example:6969"));
    more.put(BBytes.of("creation date"), new BInt(1_700_000_000L));
    more.put(BBytes.of("created by"), BBytes.of("libtorrent"));
    assertEquals(m.link().format(), TorrentFile.linkOf(Bencode.encode(new BDict(more))).format());
  }

  @Test
  void whatItCannotFetchIsRefusedSayingWhy() throws Exception {
    ShareMetadata m = publicShare(40_000);
    BDict info = m.info().toBValue();
    assertMessage("v1-only", torrentWith(without(info, "meta version")));
    assertMessage("hybrid", torrentWith(with(info, "pieces", BBytes.of(new byte[20]))));
    BDict tree = (BDict) info.get("file tree");
    TreeMap<BBytes, BValue> two = new TreeMap<>(tree.entries());
    two.put(BBytes.of("other.bin"), tree.entries().firstEntry().getValue());
    assertMessage("multi-file", torrentWith(with(info, "file tree", new BDict(two))));
    assertMessage("no 'info'", Bencode.encode(BDict.of(Map.of("announce", BBytes.of("x")))));
    assertMessage("dictionary", Bencode.encode(new BInt(3)));
    assertMessage("empty", new byte[0]);
  }

  @Test
  void anEncryptedSharesInfoDictionaryIsRefused() throws Exception {
    Path file = TestFiles.write(dir, "secret.bin", TestFiles.pattern(20_000));
    ShareMetadata m = new ShareBuilder(new SecureRandom()).build(file, ShareOptions.encrypted(dir.resolve("secret.ct")));
    assertMessage("encrypted", torrentWith(m.info().toBValue()));
  }

  @Test
  void mutatedTorrentsFailOnlyWithAClearError() throws Exception {
    byte[] good = publicShare(70_000).torrentFile();
    Random random = new Random(7);
    for (int i = 0; i < 3000; i++) {
      byte[] bad = good.clone();
      for (int n = 1 + random.nextInt(3); n > 0; n--) {
        bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
      }
      try {
        TorrentFile.linkOf(bad);
      } catch (BencodeException | ShareLinkException expected) {
        // refused with a message: fine
      }
    }
  }

  private static void assertMessage(String fragment, byte[] torrent) {
    BencodeException e = assertThrows(BencodeException.class, () -> TorrentFile.linkOf(torrent));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  private static byte[] torrentWith(BDict info) {
    return Bencode.encode(BDict.of(Map.of("info", info)));
  }

  private static BDict with(BDict d, String key, BValue value) {
    TreeMap<BBytes, BValue> m = new TreeMap<>(d.entries());
    m.put(BBytes.of(key), value);
    return new BDict(m);
  }

  private static BDict without(BDict d, String key) {
    TreeMap<BBytes, BValue> m = new TreeMap<>(d.entries());
    m.remove(BBytes.of(key));
    return new BDict(m);
  }
}
