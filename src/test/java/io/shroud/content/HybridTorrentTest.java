package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hybrid export's own checks; its bytes are checked against libtorrent in LibtorrentInteropTest. */
class HybridTorrentTest {
  @TempDir Path dir;

  @Test
  void v1PiecesAreSha1OfEachPieceIncludingTheShortLast() throws Exception {
    byte[] data = TestFiles.pattern(40_000);
    Path f = TestFiles.write(dir, "k.bin", data);
    ShareMetadata m = new ShareBuilder(new SecureRandom()).build(f, ShareOptions.publicShare());
    byte[] pieces = HybridTorrent.v1Pieces(f, m.tree());
    assertEquals(60, pieces.length);
    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
    assertTrue(Arrays.equals(sha1.digest(Arrays.copyOfRange(data, 32768, 40_000)),
        Arrays.copyOfRange(pieces, 40, 60)));
  }

  @Test
  void aFileChangedOrGrownSinceItWasSharedIsRefused() throws Exception {
    Path f = TestFiles.write(dir, "k.bin", TestFiles.pattern(40_000));
    ShareMetadata m = new ShareBuilder(new SecureRandom()).build(f, ShareOptions.publicShare());
    byte[] changed = TestFiles.pattern(40_000);
    changed[39_999] ^= 1;
    Files.write(f, changed);
    assertTrue(assertThrows(IOException.class, () -> HybridTorrent.export(m, f)).getMessage().contains("changed"));
    Files.write(f, TestFiles.pattern(40_001));
    assertTrue(assertThrows(IOException.class, () -> HybridTorrent.export(m, f)).getMessage().contains("grown"));
  }
}
