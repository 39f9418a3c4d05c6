package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which directories can be shared as folders, and the order their files take. */
class FolderScanTest {
  @TempDir Path dir;

  private Path folder() throws Exception {
    Path top = Files.createDirectories(dir.resolve("top"));
    Files.createDirectories(top.resolve("b/c"));
    Files.createDirectories(top.resolve("empty-dir"));
    Files.write(top.resolve("b/c/deep.txt"), new byte[3]);
    Files.write(top.resolve("a.txt"), new byte[1]);
    Files.write(top.resolve("B.txt"), new byte[2]);
    return top;
  }

  @Test
  void regularFilesAtAnyDepthInTreeOrderAndEmptyDirectoriesLeftOut() throws Exception {
    List<FolderScan.Found> found = FolderScan.scan(folder());
    assertEquals(List.of("B.txt", "a.txt", "b/c/deep.txt"),
        found.stream().map(f -> String.join("/", f.path())).toList());
    assertEquals(3, found.get(2).length());
  }

  @Test
  void aSymbolicLinkAnywhereIsRefusedNamingIt() throws Exception {
    Path top = folder();
    Path secret = Files.write(dir.resolve("secret"), new byte[] {1});
    Files.createSymbolicLink(top.resolve("b/link"), secret);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FolderScan.scan(top));
    assertTrue(e.getMessage().contains("'b/link' is a symbolic link"), e.getMessage());
    Files.delete(top.resolve("b/link"));
    Files.createSymbolicLink(top.resolve("linked-dir"), dir);
    e = assertThrows(IllegalArgumentException.class, () -> FolderScan.scan(top));
    assertTrue(e.getMessage().contains("'linked-dir' is a symbolic link"), e.getMessage());
  }

  @Test
  void namesATorrentMayNotCarryAndEmptyFoldersAreRefused() throws Exception {
    Path top = folder();
    Files.write(top.resolve("b/CON.txt"), new byte[1]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FolderScan.scan(top));
    assertTrue(e.getMessage().contains("Windows device name"), e.getMessage());
    Path empty = Files.createDirectories(dir.resolve("nothing/inside"));
    e = assertThrows(IllegalArgumentException.class, () -> FolderScan.scan(empty.getParent()));
    assertTrue(e.getMessage().contains("holds no file"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FolderScan.scan(top.resolve("a.txt")));
  }
}
