package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sealed tree of an encrypted folder: round trip, wrong key, altered bytes, and the rules a manifest is held to. */
class FolderManifestTest {
  @TempDir Path dir;
  private final SecureRandom random = new SecureRandom();

  /** A manifest of two files (one empty), with a real encrypted member share. */
  static FolderManifest sample(Path dir) throws Exception {
    Path f = Files.write(dir.resolve("song.ogg"), new byte[40_000]);
    ShareMetadata m = new ShareBuilder(new SecureRandom())
        .build(f, ShareOptions.encrypted(dir.resolve("song.enc")).withPieceLength(16384));
    return new FolderManifest("album", 16384, List.of(
        new FolderManifest.Entry(List.of("disc 1", "song.ogg"), 40_000, m.link()),
        new FolderManifest.Entry(List.of("empty.txt"), 0, null)));
  }

  @Test
  void itOpensWithItsKeyOnlyAndHidesEveryName() throws Exception {
    FolderManifest manifest = sample(dir);
    ShareKey key = ShareKey.random(random);
    byte[] info = manifest.infoDict(key, random);
    assertTrue(FolderManifest.isEncryptedFolder(info));
    String visible = new String(info, StandardCharsets.ISO_8859_1);
    for (String name : List.of("album", "song", "disc", "empty")) {
      assertFalse(visible.contains(name), name);
    }
    FolderManifest back = FolderManifest.open(key, info);
    assertEquals(manifest.name(), back.name());
    assertEquals(manifest.files().get(0).link().format(), back.files().get(0).link().format());
    assertEquals(List.of("disc 1", "song.ogg"), back.files().get(0).path());
    assertThrows(ContentDecryptionException.class, () -> FolderManifest.open(ShareKey.random(random), info));
    byte[] altered = info.clone();
    altered[altered.length - 3] ^= 1;
    assertThrows(ContentDecryptionException.class, () -> FolderManifest.open(key, altered));
    Folder folder = Folder.parse(info, key);
    assertTrue(folder.encrypted());
    assertEquals(2, folder.files().size());
    assertTrue(folder.link().contains("&x.fk=" + key.toBase64Url()));
    assertFalse(folder.toString().contains(key.toBase64Url()));
    assertEquals(key, Magnet.parse(folder.link()).folderKey().orElseThrow());
    assertThrows(IllegalArgumentException.class, () -> Folder.parse(info, null));
  }

  @Test
  void unsafePathsPublicLinksAndMismatchedLengthsAreRefused() throws Exception {
    FolderManifest ok = sample(dir);
    FolderManifest.Entry song = ok.files().get(0);
    assertThrows(BencodeException.class, () -> new FolderManifest("album", 16384,
        List.of(new FolderManifest.Entry(List.of("..", "x"), 40_000, song.link()))));
    assertThrows(IllegalArgumentException.class, () -> new FolderManifest("album", 16384,
        List.of(new FolderManifest.Entry(List.of("a"), 39_999, song.link()))));
    assertThrows(IllegalArgumentException.class, () -> new FolderManifest("album", 32768,
        List.of(new FolderManifest.Entry(List.of("a"), 40_000, song.link()))));
    ShareMetadata pub = new ShareBuilder(random).build(Files.write(dir.resolve("p"), new byte[5]), ShareOptions.publicShare());
    assertThrows(IllegalArgumentException.class, () -> new FolderManifest("album", pub.pieceLength(),
        List.of(new FolderManifest.Entry(List.of("p"), 5, pub.link()))));
    assertThrows(IllegalArgumentException.class, () -> new FolderManifest("album", 16384,
        List.of(new FolderManifest.Entry(List.of("e"), 0, song.link()))));
    // the plaintext decoder refuses what the constructor would, and junk
    assertEquals(ok.files().size(), FolderManifest.decode(ok.plaintext()).files().size());
    byte[] junk = ok.plaintext();
    junk[junk.length - 1] = 1;
    assertThrows(IllegalArgumentException.class, () -> FolderManifest.decode(junk));
    assertThrows(IllegalArgumentException.class, () -> FolderManifest.decode(new byte[1024]));
  }

  /** Writes the fuzz seed (run once by hand: -Dshroud.writeSeeds=true). */
  @Test
  void theFuzzSeedIsARealManifest() throws Exception {
    Path seed = Path.of("src/test/resources/io/shroud/content/FolderManifestFuzzTestInputs/plaintext/two-files");
    if (Boolean.getBoolean("shroud.writeSeeds")) {
      Files.write(seed, sample(dir).plaintext());
    }
    assertEquals(2, FolderManifest.decode(Files.readAllBytes(seed)).files().size());
  }
}
